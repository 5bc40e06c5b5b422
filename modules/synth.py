"""Synthesize Deployments (one stack each) into a cdktf output directory, atomically."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config.errors import ConfigError, Problem
from .config.resolve import Deployment

#: What every synthesized output holds (cdktf writes it), so what may be replaced.
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class StackSummary:
    """What one synthesized stack holds."""

    name: str
    path: Path
    pipelines: int
    variants: int
    resources: int


def count_resources(stack_json: dict) -> int:
    """Number of resources (not data sources) in a synthesized cdk.tf.json."""
    return sum(len(by_name) for by_name in stack_json.get("resource", {}).values())


def synthesize(
    deployments: Sequence[Deployment], outdir: Path, *, verify: Callable[[Path], object] | None = None
) -> list[StackSummary]:
    """Write `outdir` (cdktf layout: manifest.json, stacks/<name>/cdk.tf.json per stack).

    The app is synthesized into a temporary sibling directory and swapped into place only
    when complete, so a failure leaves an earlier `outdir` exactly as it was. `verify`, when
    given, is called with that temporary directory before the swap; whatever it raises
    leaves `outdir` untouched too (the policy checks refuse to write this way).
    An existing `outdir` is replaced only when it is empty or an earlier output
    (`check_replaceable`).
    """
    outdir = outdir.resolve()
    check_replaceable(outdir)
    from . import cdk
    from .constructs.stack import PipelinesStack

    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        app = cdk.App(outdir=str(staging))
        for deployment in deployments:
            PipelinesStack(app, deployment.stack, deployment=deployment)
        app.synth()
        if verify is not None:
            verify(staging)
        _swap(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    summaries = []
    for deployment in deployments:
        stack_file = outdir / "stacks" / deployment.stack / "cdk.tf.json"
        data = json.loads(stack_file.read_text())
        summaries.append(
            StackSummary(
                name=deployment.stack,
                path=stack_file,
                pipelines=len(deployment.pipelines()),
                variants=len(deployment.variants),
                resources=count_resources(data),
            )
        )
    return summaries


def check_replaceable(outdir: Path) -> None:
    """ConfigError unless `outdir` is absent, an empty directory or an earlier synth output.

    The swap replaces the whole directory, so `--out .` or `--out src` would otherwise
    delete whatever the directory held.
    """
    if not outdir.exists() or (outdir.is_dir() and (not any(outdir.iterdir()) or (outdir / MANIFEST).is_file())):
        return
    what = "a directory with files but no " + MANIFEST if outdir.is_dir() else "not a directory"
    raise ConfigError(
        [
            Problem(
                "--out",
                f"{what}, so not an earlier synth output; synth replaces the whole directory: "
                "name a new or empty directory, or an earlier output",
                str(outdir),
            )
        ]
    )


def _swap(staging: Path, outdir: Path) -> None:
    """Replace `outdir` by `staging`: two renames, the old tree removed last.

    Terraform's working files in a stack directory (`.terraform/`, `.terraform.lock.hcl`,
    left by `cdktf deploy` or `terraform init`) move into the new tree first, for the
    stacks that still exist, as a plain cdktf synth would leave them in place.
    """
    if outdir.exists():
        _carry_terraform_files(outdir, staging)
        retired = staging.with_name(staging.name + ".old")
        outdir.rename(retired)
        staging.rename(outdir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(outdir)


TERRAFORM_WORKING_FILES = (".terraform", ".terraform.lock.hcl")


def _carry_terraform_files(old: Path, new: Path) -> None:
    for new_stack in (new / "stacks").iterdir():
        for name in TERRAFORM_WORKING_FILES:
            previous = old / "stacks" / new_stack.name / name
            if previous.exists() and not (new_stack / name).exists():
                previous.rename(new_stack / name)
