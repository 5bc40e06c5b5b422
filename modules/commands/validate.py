"""`validate`: check the config only; writes nothing."""

from __future__ import annotations

import argparse

from ..config import load_file
from .common import EXIT_OK, add_config_argument, plural

NAME = "validate"
HELP = "validate the config only; writes nothing"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    deployments = load_file(args.config)
    for deployment in deployments:
        stack = f"stack {deployment.stack}: " if len(deployments) > 1 else ""
        print(
            f"{args.config}: {stack}valid ({plural(len(deployment.pipelines()), 'pipeline')}, "
            f"{plural(len(deployment.variants), 'variant')})"
        )
    return EXIT_OK
