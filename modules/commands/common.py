"""What several commands share: the --config option, exit codes, wording."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..config import Deployment
from ..config.warnings import warnings

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: Names the config when --config does not; `cdktf synth` (which runs `python3 main.py` bare) reads it too.
CONFIG_VARIABLE = "PIPELINES_CONFIG"
CONFIG_NAME = "pipelines.yaml"


def default_config() -> Path:
    """$PIPELINES_CONFIG, else ./pipelines.yaml in the working directory (not beside main.py)."""
    return Path(os.environ.get(CONFIG_VARIABLE) or CONFIG_NAME)


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=default_config(),
        help=f"config file (default: ${CONFIG_VARIABLE}, else ./{CONFIG_NAME} in the working directory)",
    )


def default_outdir() -> Path:
    """`cdktf synth` passes its output directory in CDKTF_OUTDIR; otherwise ./cdktf.out."""
    return Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out")


def shown(path: Path) -> Path:
    """`path` relative to the working directory when it is below it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def report_warnings(deployments: Sequence[Deployment]) -> None:
    """One `warning:` line on stderr per valid but surprising setting; the command goes on (exit 0)."""
    for problem in warnings(deployments):
        print(f"warning: {problem}", file=sys.stderr)
