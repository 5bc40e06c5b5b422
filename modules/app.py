"""The one place a cdktf `App` is built: config (Deployments) in, synthesized Terraform JSON out.

Importing this module starts the jsii kernel (through `runtime.cdk`): the commands import it only
when they synthesize, so `validate` and `cost` never start it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .config.resolve import Deployment
from .constructs.stack import PipelinesStack
from .export.files import module_document
from .export.module import PipelinesModule
from .runtime import cdk

#: The exported module's one stack, under its app's `stacks/`.
MODULE_STACK = "module"


def synthesize_app(deployments: Sequence[Deployment], outdir: Path) -> None:
    """Write one stack per deployment into `outdir` (cdktf layout: manifest.json, stacks/<name>/cdk.tf.json)."""
    app = cdk.App(outdir=str(outdir))
    for deployment in deployments:
        PipelinesStack(app, deployment.stack, deployment=deployment)
    app.synth()


def module_app(deployment: Deployment, outdir: Path) -> Path:
    """Write the exported module's app into `outdir`; the path of its synthesized `cdk.tf.json`."""
    app = cdk.App(outdir=str(outdir))
    PipelinesModule(app, MODULE_STACK, deployment=deployment)
    app.synth()
    return outdir / "stacks" / MODULE_STACK / "cdk.tf.json"


def module_json(deployment: Deployment) -> dict[str, Any]:
    """The exported module as one Terraform JSON document (`export.files.module_document`)."""
    with tempfile.TemporaryDirectory(prefix="module-") as staging:
        synthesized = json.loads(module_app(deployment, Path(staging)).read_text())
    return module_document(synthesized)
