"""Generated configs for the growth curve: N pipelines x 4 variants, from the default example."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "pipelines.yaml"
VARIANTS = ("control", "treatment", "treatment-b", "shadow")


def generated(pipelines: int, *, stacks: str = "single") -> dict[str, Any]:
    """The default example's first pipeline copied `pipelines` times, each with 4 variants, in the `stacks` layout."""
    data = yaml.safe_load(DEFAULT_CONFIG.read_text())
    template = next(iter(data["pipelines"].values()))
    template.pop("variants")
    data["pipelines"] = {
        f"pipeline-{index:03d}": {
            **copy.deepcopy(template),
            "variants": {
                variant: {"image_tag": f"2026-11-{day:02d}", "desired_count": 1 + day % 2}
                for day, variant in enumerate(VARIANTS, start=1)
            },
        }
        for index in range(1, pipelines + 1)
    }
    if stacks != "single":
        data["stacks"] = stacks
    return data


def write(pipelines: int, directory: Path, *, stacks: str = "single") -> Path:
    """Write the generated config with `pipelines` pipelines (in the `stacks` layout); its path."""
    path = directory / f"pipelines-{pipelines}x{len(VARIANTS)}-{stacks}.yaml"
    path.write_text(yaml.safe_dump(generated(pipelines, stacks=stacks), sort_keys=False))
    return path
