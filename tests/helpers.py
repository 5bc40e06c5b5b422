"""Shared test helpers: the default config as data, and cached synthesis."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import yaml

from modules.config import Deployment, load_text
from modules.config.names import owned_by

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "pipelines.yaml"
DEFAULT_DATA: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG.read_text())
#: The outputs of the default config's stack and of its exported module (the same names).
DEFAULT_OUTPUTS = {"cluster_name", "cluster_arn"} | {
    f"news-encoder_{variant}_{suffix}"
    for variant in ("control", "treatment")
    for suffix in (
        "service_name",
        "service_arn",
        "task_definition_family",
        "task_definition_arn",
        "log_group_name",
        "task_role_arn",
        "execution_role_arn",
        "security_group_id",
    )
}


def default_data() -> dict[str, Any]:
    """A fresh, mutable copy of the default config."""
    return copy.deepcopy(DEFAULT_DATA)


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def load(data: dict[str, Any]) -> Deployment:
    """The one Deployment of a config without environments."""
    (deployment,) = load_all(data)
    return deployment


def load_all(data: dict[str, Any]) -> list[Deployment]:
    return load_text(to_yaml(data))


@functools.lru_cache(maxsize=64)
def _synth_text(text: str) -> str:
    from modules.constructs.stack import PipelinesStack
    from modules.runtime import cdk

    stacks = {}
    for deployment in load_text(text):
        app = cdk.Testing.app()
        stacks[deployment.stack] = json.loads(
            cdk.Testing.synth(PipelinesStack(app, deployment.stack, deployment=deployment))
        )
    return json.dumps(stacks)


def synth_all(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The synthesized JSON of every stack of a config, by stack name (each config synthesized once)."""
    return json.loads(_synth_text(to_yaml(data)))


def synth(data: dict[str, Any]) -> dict[str, Any]:
    """The synthesized JSON of the one stack of a config without environments."""
    (stack,) = synth_all(data).values()
    return stack


def resources_of(stack: dict[str, Any], stem: str) -> dict[str, Any]:
    """Every resource whose Terraform name is `stem` or starts with `stem_`, by address."""
    found = {}
    for rtype, by_name in stack.get("resource", {}).items():
        for name, body in by_name.items():
            if owned_by(name, stem):
                found[f"{rtype}.{name}"] = body
    return found
