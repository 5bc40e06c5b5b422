"""Command line: `python main.py [COMMAND] ...`; with no command, synth the default config."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .commands import cost, module, review, synth, validate
from .commands.common import EXIT_BAD_INPUT, EXIT_FAILED, plural
from .config import ConfigError

#: Every command, in --help order. A command is a module: NAME, HELP, add_arguments, run, and
#: READ_ONLY = True when it never writes (its errors then do not say "nothing was written").
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


def _report(error: ConfigError, source: object, *, read_only: bool) -> int:
    """One header line (whether anything could have been written), then one line per problem."""
    written = "" if read_only else "; nothing was written"
    print(f"error: {source}: {plural(len(error.problems), 'problem')}{written}", file=sys.stderr)
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
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except ConfigError as error:
        source = getattr(args, "config", None) or f"python main.py {args.command}"
        return _report(error, source, read_only=getattr(command, "READ_ONLY", False))
