"""`promote`: control takes the winner's settings in place (its service is updated, never replaced);
the other variants are removed unless kept. pipelines.yaml is edited in place, comments and layout kept."""

from __future__ import annotations

import argparse

from .config_edit import add_edit_arguments, finish, read

NAME = "promote"
HELP = "end an experiment: control takes the winner's settings; the other variants are removed unless --keep"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pipeline", metavar="PIPELINE", help="the pipeline whose experiment ends")
    parser.add_argument("--winner", required=True, metavar="VARIANT", help="the variant whose settings control takes")
    parser.add_argument("--keep", action="store_true", help="keep the other variants running (default: remove them)")
    add_edit_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from ..experiment.promote import promote  # ruamel.yaml: loaded by the commands that edit the config only

    edit = promote(read(args.config), args.pipeline, args.winner, keep=args.keep, source=str(args.config))
    return finish(edit, args.config, dry_run=args.dry_run)
