"""Real synth outputs (cdktf layout, with the stack's `//` metadata) of configs, for reviews."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from modules.output_dir import synthesize
from tests.helpers import default_data, load_all, to_yaml

Mutation = Callable[[dict[str, Any]], object]


def output(root: Path, *mutations: Mutation) -> Path:
    """Synthesize the default config changed by `mutations` under `root` (once per config)."""
    data = default_data()
    for mutate in mutations:
        mutate(data)
    text = to_yaml(data)
    outdir = root / hashlib.sha256(text.encode()).hexdigest()[:12]
    if not outdir.exists():
        synthesize(load_all(data), outdir)
    return outdir


def variant(data: dict[str, Any], name: str) -> dict[str, Any]:
    return data["pipelines"]["news-encoder"]["variants"][name]


def bump_treatment(data: dict[str, Any]) -> None:
    variant(data, "treatment")["image_tag"] = "2026-12-01"


def rename_treatment(data: dict[str, Any]) -> None:
    variants = data["pipelines"]["news-encoder"]["variants"]
    variants["canary"] = variants.pop("treatment")


def enhanced_insights(data: dict[str, Any]) -> None:
    data.setdefault("cluster", {})["container_insights"] = "enhanced"


def pipeline_environment(data: dict[str, Any]) -> None:
    data["pipelines"]["news-encoder"]["environment"]["FEATURE_FLAG"] = "on"


def bigger_treatment(data: dict[str, Any]) -> None:
    variant(data, "treatment").update(cpu=4, memory=16, desired_count=2)


def scaled_treatment(data: dict[str, Any]) -> None:
    variant(data, "treatment")["autoscaling"] = {"min": 2, "max": 6, "cpu_target": 70}


def ci_owned_treatment(data: dict[str, Any]) -> None:
    variant(data, "treatment")["image_owner"] = "ci"


def spot_treatment(data: dict[str, Any]) -> None:
    variant(data, "treatment")["fargate_spot_weight"] = 3


def scheduled_treatment(data: dict[str, Any]) -> None:
    variant(data, "treatment")["autoscaling"] = {
        "min": 1,
        "max": 4,
        "schedules": {"night": {"schedule": "cron(0 22 * * ? *)", "min": 0, "max": 0}},
    }


def renamed_cluster(data: dict[str, Any]) -> None:
    data.setdefault("cluster", {})["name"] = "feature-pipelines-v2"


def unpriced_region(data: dict[str, Any]) -> None:
    data["region"] = "eu-central-2"


def priced_region(data: dict[str, Any]) -> None:
    """eu-central-2 (no built-in prices) with the config's own."""
    unpriced_region(data)
    rates = {
        "vcpu_hour": 0.05,
        "gb_hour": 0.005,
        "storage_gb_hour": 0.0001,
        "source": "AWS price page",
        "read_on": "2026-12-01",
    }
    data["pricing"] = {"regions": {"eu-central-2": {"x86_64": rates}}, "spot_discount": 0.5}
