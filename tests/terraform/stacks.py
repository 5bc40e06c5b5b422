"""What the tests hand to Terraform: our synth output and the exported module, written as a user gets them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from modules.app import module_json
from modules.config import Deployment, load_text
from modules.export.files import render, usage, write
from modules.output_dir import synthesize

#: The exported module's directory inside a root configuration (the README usage's `source`).
MODULE_DIR = "feature-pipelines"


def synthesize_stacks(text: str, out: Path) -> dict[str, Path]:
    """Synthesize config text into `out` (cdktf layout, as `main.py synth` writes it); each stack's directory."""
    deployments = load_text(text)
    synthesize(deployments, out)
    return {stack: out / "stacks" / stack for deployment in deployments for stack in deployment.stack_names()}


def export_root(deployment: Deployment, root: Path, *, format: str = "hcl") -> Path:
    """A root configuration calling the exported module of `deployment` as its README shows; `root`.

    The module goes into `root/feature-pipelines`; `main.tf` is the README's usage example plus the
    `aws` provider the module leaves to its caller. The module is HCL (`main.py module`'s default) or JSON.
    """
    module = render(
        module_json(deployment), deployment, source="pipelines.yaml", module_source=f"./{MODULE_DIR}", format=format
    )
    write(module, root / MODULE_DIR, force=False)
    provider = f'provider "aws" {{\n  region = {json.dumps(deployment.region)}\n}}\n\n'
    (root / "main.tf").write_text(provider + usage(deployment, f"./{MODULE_DIR}") + "\n")
    return root


def calling_root(children: dict[str, Path], root: Path) -> Path:
    """A root configuration calling each of `children` (a stack directory or a module root, by module name)
    as a child module, unedited: one Terraform process then loads the provider's schema once for them all."""
    root.mkdir(parents=True, exist_ok=True)
    calls = {name: {"source": "./" + os.path.relpath(child, root)} for name, child in children.items()}
    (root / "main.tf.json").write_text(json.dumps({"module": calls}, indent=2) + "\n")
    return root
