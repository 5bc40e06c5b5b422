"""`experiment start`: add a variant beside control, with control's settings and a new image, to
pipelines.yaml in place (comments and layout kept)."""

from __future__ import annotations

import argparse

from ..config import ConfigError, Problem
from .config_edit import add_edit_arguments, finish, read

NAME = "experiment"
HELP = "start an experiment: add a variant with control's settings and a new image to pipelines.yaml"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    begin = actions.add_parser(
        "start",
        help="add a variant copying control's settings with a new image (edits the config in place)",
        description="Add a variant copying control's settings with a new image; pipelines.yaml is edited in "
        "place, its comments and layout kept, and the diff shown.",
    )
    begin.add_argument("pipeline", metavar="PIPELINE", help="the pipeline to experiment on")
    begin.add_argument("--image-tag", required=True, metavar="TAG", help="the new variant's image tag")
    begin.add_argument(
        "--variant", default="treatment", metavar="NAME", help="the new variant's name (default: treatment)"
    )
    begin.add_argument(
        "--hypothesis",
        metavar="TEXT",
        help="with --owner: record the experiment in the pipeline's `experiment:` block (started today), "
        "unless one is declared",
    )
    begin.add_argument("--owner", metavar="OWNER", help="with --hypothesis: who decides the outcome")
    begin.add_argument(
        "--id", dest="experiment_id", metavar="ID", help="with --hypothesis: the experiment's id (default: VARIANT-TAG)"
    )
    add_edit_arguments(begin)


def run(args: argparse.Namespace) -> int:
    from ..experiment.start import Record, start  # ruamel.yaml: loaded by the commands that edit the config only

    record = None
    if args.hypothesis is not None or args.owner is not None or args.experiment_id is not None:
        if args.hypothesis is None or args.owner is None:
            raise ConfigError(
                [Problem("", "--hypothesis and --owner go together (the `experiment:` block requires both)")]
            )
        record = Record(args.hypothesis, args.owner, args.experiment_id)
    edit = start(read(args.config), args.pipeline, args.image_tag, args.variant, str(args.config), record)
    return finish(edit, args.config, dry_run=args.dry_run)
