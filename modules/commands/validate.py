"""`validate`: check the config and run the policy checks; writes nothing."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ..config import load_file
from ..lib.wording import plural
from .common import EXIT_OK, add_config_argument, report_warnings

NAME = "validate"
HELP = "check the config and run the policy checks; writes nothing"
READ_ONLY = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)


def run(args: argparse.Namespace) -> int:
    """The policy checks read the synthesized stacks, so this synthesizes into a throwaway directory."""
    from ..output_dir import synthesize
    from ..policy.enforce import check_outdir, describe, enforce

    deployments = load_file(args.config)
    report_warnings(deployments)
    reports = []
    with tempfile.TemporaryDirectory(prefix="validate.") as scratch:
        synthesize(
            deployments,
            Path(scratch) / "out",
            verify=lambda staging: reports.append(check_outdir(staging, deployments)),
        )
    for report in reports:
        enforce(report)
    for deployment in deployments:
        stack = f"stack {deployment.stack}: " if len(deployments) > 1 else ""
        print(
            f"{args.config}: {stack}valid ({plural(len(deployment.pipelines()), 'pipeline')}, "
            f"{plural(len(deployment.variants), 'variant')})"
        )
    for report in reports:
        for line in describe(report):
            print(f"  {line}")
    return EXIT_OK
