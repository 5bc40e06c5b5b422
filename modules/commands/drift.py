"""`drift`: what changed in AWS outside Terraform, from each stack's refresh-only plan (for a scheduled
drift check: one issue per stack, docs/review-and-ci.md)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..review import drift
from ..review.outputs import read_output
from .common import EXIT_OK
from .review import EXIT_DANGER, read_plans

NAME = "drift"
HELP = "what changed in AWS outside Terraform, from `terraform plan -refresh-only` (exit 3: drift)"
READ_ONLY = True
EXIT_DRIFT = EXIT_DANGER


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--head", type=Path, required=True, help="the synthesized output that was applied (cdktf.out)")
    parser.add_argument(
        "--plan",
        action="append",
        required=True,
        metavar="STACK=FILE",
        help="`terraform show -json` of the stack's `terraform plan -refresh-only` (repeatable)",
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown", help="default: markdown")


def run(args: argparse.Namespace) -> int:
    head = read_output(args.head, "--head")
    found = [drift.find(plan, head[stack]) for stack, plan in read_plans(args.plan, set(head)).items()]
    if args.format == "json":
        print(json.dumps([drift.as_json(one) for one in found], indent=2))
    else:
        print("\n".join(drift.markdown(one) for one in found), end="")
    return EXIT_DRIFT if any(one.resources for one in found) else EXIT_OK
