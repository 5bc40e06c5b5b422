"""Command line: `python main.py [synth|validate] ...` (no arguments: synth the default)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import ConfigError, load_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "pipelines.yaml"
EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _default_outdir() -> Path:
    """`cdktf synth` passes its output directory in CDKTF_OUTDIR; otherwise ./cdktf.out."""
    return Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description=(
            "Streaming ML feature pipelines on ECS Fargate: validate pipelines.yaml and "
            "synthesize Terraform JSON. With no command, synthesizes the default config "
            "(that is what `cdktf synth` runs)."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    synth = commands.add_parser("synth", help="validate the config and write Terraform JSON")
    synth.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (default: %(default)s)")
    synth.add_argument(
        "--out", type=Path, default=None, help="output directory (default: $CDKTF_OUTDIR or ./cdktf.out)"
    )
    validate = commands.add_parser("validate", help="validate the config only; writes nothing")
    validate.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (default: %(default)s)")
    return parser


def plural(count: int, word: str) -> str:
    """'1 variant', '2 variants'."""
    return f"{count} {word}{'s' * (count != 1)}"


def _shown(path: Path) -> Path:
    """`path` relative to the working directory when it is below it."""
    return path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path


def _report(error: ConfigError, source: Path) -> int:
    print(f"error: {source}: {plural(len(error.problems), 'problem')}; nothing was written", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run_validate(config: Path) -> int:
    deployment = load_file(config)
    print(
        f"{config}: valid ({plural(len(deployment.pipelines()), 'pipeline')}, "
        f"{plural(len(deployment.variants), 'variant')})"
    )
    return EXIT_OK


def run_synth(config: Path, out: Path | None) -> int:
    from .synth import synthesize

    deployment = load_file(config)
    for stack in synthesize(deployment, out or _default_outdir()):
        print(
            f"stack {stack.name}: {plural(stack.pipelines, 'pipeline')}, "
            f"{plural(stack.variants, 'variant')}, {plural(stack.resources, 'resource')} -> {_shown(stack.path)}"
        )
    for pipeline, specs in deployment.pipelines().items():
        for spec in specs:
            print(
                f"  {pipeline}/{spec.variant}: {spec.cpu:g} vCPU, {spec.memory:g} GiB, {spec.architecture}, "
                f"{plural(spec.desired_count, 'task')}, {spec.image}"
            )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return run_validate(args.config)
        if args.command == "synth":
            return run_synth(args.config, args.out)
        return run_synth(DEFAULT_CONFIG, None)
    except ConfigError as error:
        return _report(error, getattr(args, "config", DEFAULT_CONFIG))
