"""What several commands share: the --config option, exit codes, wording."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_CONFIG = ROOT / "pipelines.yaml"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (default: %(default)s)")


def default_outdir() -> Path:
    """`cdktf synth` passes its output directory in CDKTF_OUTDIR; otherwise ./cdktf.out."""
    return Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out")


def shown(path: Path) -> Path:
    """`path` relative to the working directory when it is below it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
