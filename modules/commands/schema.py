"""`schema`: print or write the JSON Schema of pipelines.yaml, for editors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..config.schema import SCHEMA_FILE, render
from .common import EXIT_OK, shown

NAME = "schema"
HELP = "print the JSON Schema of pipelines.yaml (draft 2020-12), or write it with --out, for editors"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=None, help=f"write it to this file (the shipped copy: {SCHEMA_FILE.name})"
    )


def run(args: argparse.Namespace) -> int:
    text = render()
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    args.out.write_text(text)
    print(f"wrote {shown(args.out.resolve())}")
    return EXIT_OK
