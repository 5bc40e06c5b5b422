"""Read a synthesized output directory (cdktf layout: stacks/<stack>/cdk.tf.json, or for an HCL
output the JSON kept beside stacks/<stack>/cdk.tf as metadata.json: it holds what the HCL was
rendered from, and the `//` metadata the review reads, which HCL has no place for)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Problem
from ..config.fingerprint import METADATA_KEY, PRICING_KEY
from ..config.pricing import PricingConfig
from ..lib.bounded import read_json_text
from .shapes import stack_problem


@dataclass(frozen=True)
class Stack:
    """One synthesized stack, as the review needs it."""

    name: str
    resources: dict[str, dict[str, Any]]
    """Resource body by address (`type.name`)."""
    provider: dict[str, Any]
    backend: dict[str, Any]
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per variant address stem, what the stack recorded (config fingerprints); may be empty."""
    pricing: PricingConfig = field(default_factory=PricingConfig)
    """The config's own prices as the stack recorded them (`//.pricing`), else the built-in ones."""

    @property
    def region(self) -> str | None:
        aws = self.provider.get("aws")
        first = aws[0] if isinstance(aws, list) and aws else aws
        return first.get("region") if isinstance(first, dict) else None


def parse_stack(name: str, data: dict[str, Any]) -> Stack:
    """A Stack from the JSON of one cdk.tf.json."""
    resources = {
        f"{rtype}.{rname}": body
        for rtype, by_name in data.get("resource", {}).items()
        for rname, body in by_name.items()
    }
    backend = data.get("terraform", {}).get("backend", {})
    return Stack(
        name=name,
        resources=resources,
        provider=data.get("provider", {}),
        backend=backend,
        variants=data.get("//", {}).get(METADATA_KEY, {}),
        pricing=PricingConfig.model_validate(data.get("//", {}).get(PRICING_KEY, {})),
    )


def read_output(directory: Path, option: str) -> dict[str, Stack]:
    """Every stack of a synth output by name; ConfigError naming `option` when it is not one."""
    stacks_dir = directory / "stacks"
    files = sorted(stack_files(stacks_dir)) if stacks_dir.is_dir() else []
    if not files:
        raise ConfigError(
            [
                Problem(
                    option,
                    "not a synthesized output: expected stacks/<stack>/cdk.tf.json inside "
                    "(run `python main.py synth --out DIR` first)",
                    str(directory),
                )
            ]
        )
    stacks: dict[str, Stack] = {}
    problems = []
    for file in files:
        try:
            data = json.loads(read_json_text(file))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
            problems.append(Problem(option, f"cannot read {file}: {unreadable(err)}"))
            continue
        shape = stack_problem(data)
        if shape:
            problems.append(Problem(option, f"{file} is not a synthesized stack: {shape}"))
            continue
        stacks[file.parent.name] = parse_stack(file.parent.name, data)
    if problems:
        raise ConfigError(problems)
    return stacks


def stack_files(stacks_dir: Path) -> list[Path]:
    """The Terraform JSON of every stack: `cdk.tf.json`, else (an HCL output) `metadata.json`."""
    found = []
    for stack in stacks_dir.iterdir():
        for name in ("cdk.tf.json", "metadata.json"):
            if (stack / name).is_file():
                found.append(stack / name)
                break
    return found


def unreadable(error: Exception) -> str:
    """Why a JSON file cannot be read, in one line."""
    return "JSON nested too deeply" if isinstance(error, RecursionError) else str(error)
