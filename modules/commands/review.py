"""`review`: compare two synthesized outputs (base branch and pull request) for reviewers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Problem
from ..lib.bounded import read_json_text
from ..review import report
from ..review.outputs import read_output, unreadable
from ..review.review import review
from ..review.sarif import sarif
from ..review.shapes import plan_problem
from .common import EXIT_OK

NAME = "review"
HELP = "compare two synthesized outputs: dangers first, changes per variant, cost delta"
READ_ONLY = True
EXIT_DANGER = 3
FORMATS = {"markdown": report.markdown, "json": report.as_json}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        default="",
        help="the base branch's synthesized output (cdktf.out); absent, empty or an empty directory: none yet "
        "(a first pull request: everything in --head is new)",
    )
    parser.add_argument("--head", type=Path, required=True, help="the pull request's synthesized output (cdktf.out)")
    parser.add_argument("--format", choices=tuple(FORMATS), default="markdown", help="default: markdown")
    parser.add_argument(
        "--plan",
        action="append",
        default=[],
        metavar="STACK=FILE",
        help="`terraform show -json` of a stack's plan: use Terraform's actions for it (repeatable)",
    )
    parser.add_argument(
        "--sarif",
        type=Path,
        metavar="FILE",
        help="also write the dangers as SARIF 2.1.0 to FILE (for GitHub code scanning)",
    )
    parser.add_argument(
        "--sarif-source",
        default="pipelines.yaml",
        metavar="PATH",
        help="the config file, as a path in the repository, that SARIF results point at (default: pipelines.yaml)",
    )


def read_plans(specs: list[str], stacks: set[str]) -> dict[str, dict[str, Any]]:
    """Each `--plan STACK=FILE`, read and checked: by stack, `terraform show -json` of its plan."""
    plans: dict[str, dict[str, Any]] = {}
    problems = []
    for spec in specs:
        stack, sep, file = spec.partition("=")
        if not sep or not stack or not file:
            problems.append(Problem("--plan", "use --plan STACK=FILE", spec))
            continue
        if stack not in stacks:
            problems.append(Problem("--plan", f"no stack {stack!r} in --base or --head ({', '.join(sorted(stacks))})"))
            continue
        try:
            data = json.loads(read_json_text(Path(file)))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
            problems.append(Problem("--plan", f"cannot read {file}: {unreadable(err)}"))
            continue
        shape = plan_problem(data)
        if shape:
            problems.append(Problem("--plan", f"{file} is not the output of `terraform show -json PLANFILE`: {shape}"))
            continue
        plans[stack] = data
    if problems:
        raise ConfigError(problems)
    return plans


def has_output(base: str) -> bool:
    """Whether `--base` names an output: not absent, not empty, not an empty directory (a base branch
    that synthesized nothing yet). Anything else is read, and refused if it is no output."""
    if not base:
        return False
    path = Path(base)
    return not (path.is_dir() and not any(path.iterdir()))


def run(args: argparse.Namespace) -> int:
    base = read_output(Path(args.base), "--base") if has_output(args.base) else {}
    head = read_output(args.head, "--head")
    result = review(base, head, read_plans(args.plan, set(base) | set(head)))
    if args.sarif:
        args.sarif.write_text(json.dumps(sarif(result.dangers, args.sarif_source), indent=2) + "\n")
    print(FORMATS[args.format](result), end="")
    return EXIT_DANGER if result.dangers else EXIT_OK
