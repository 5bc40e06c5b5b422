"""`adopt-plan`: the resources the config adopts, as Terraform will import them, and what the first apply changes."""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from pathlib import Path

from ..config import load_file
from ..review.import_table import import_rows, render
from .common import EXIT_OK, add_config_argument, report_warnings

NAME = "adopt-plan"
HELP = "the import table of `adopt:`: address, AWS id, what the first apply changes; writes nothing"
READ_ONLY = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown", help="default: markdown")


def run(args: argparse.Namespace) -> int:
    """The import blocks are read from the stacks as `synth` writes them (synthesized into a throwaway directory)."""
    from ..output_dir import synthesize

    deployments = load_file(args.config)
    report_warnings(deployments)
    with tempfile.TemporaryDirectory(prefix="adopt-plan.") as scratch:
        out = Path(scratch) / "out"
        synthesize(deployments, out)
        rows = [
            row
            for deployment in deployments
            for row in import_rows(
                deployment.stack, json.loads((out / "stacks" / deployment.stack / "cdk.tf.json").read_text())
            )
        ]
    if args.format == "json":
        print(json.dumps([dataclasses.asdict(row) for row in rows], indent=2))
    elif rows:
        print(render(rows), end="")
    else:
        adopting = [d.stack for d in deployments if d.adopt]
        why = "`adopt.imports` is false" if adopting else "the config has no `adopt:`"
        print(f"{args.config}: nothing to import ({why})")
    return EXIT_OK
