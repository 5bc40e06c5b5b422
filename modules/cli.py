"""Command line: `python main.py [COMMAND] ...`; with no command, synth the default config."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import cost, module, review, synth, validate
from .commands.common import EXIT_BAD_INPUT, plural
from .config import ConfigError

#: Every command, in --help order. A command is a module: NAME, HELP, add_arguments, run.
COMMANDS = (synth, validate, module, cost, review)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description=(
            "Streaming ML feature pipelines on ECS Fargate: validate pipelines.yaml and "
            "synthesize Terraform JSON. With no command, synthesizes the default config "
            "(that is what `cdktf synth` runs)."
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_arguments(subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP))
    return parser


def _report(error: ConfigError, source: object) -> int:
    print(f"error: {source}: {plural(len(error.problems), 'problem')}; nothing was written", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["synth"])
    command = next(c for c in COMMANDS if args.command == c.NAME)
    try:
        return command.run(args)
    except ConfigError as error:
        return _report(error, getattr(args, "config", None) or f"python main.py {args.command}")
