"""Hypothesis strategies: valid names and random, valid pipelines.yaml data; the property tests' tiers (`fuzz`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from modules.config import fargate

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _names(min_middle: int, max_middle: int) -> st.SearchStrategy[str]:
    """letter + middle (letters, digits, '-') + letter or digit: a valid name of 2-64 characters."""
    return st.builds(
        lambda first, middle, last: first + middle + last,
        st.sampled_from(_LETTERS),
        st.text(alphabet=_ALNUM + "-", min_size=min_middle, max_size=max_middle),
        st.sampled_from(_ALNUM),
    )


#: Names as the config allows them, from one letter to the 64-character maximum.
names = st.one_of(st.sampled_from(_LETTERS), _names(0, 62))

#: Short names, plus long ones that make every derived AWS name need shortening.
config_names = st.one_of(_names(0, 10), _names(48, 62))


_SIZES = [(cpu, memory) for cpu in fargate.valid_cpus() for memory in fargate.valid_memories(cpu)]


@st.composite
def autoscaling_blocks(draw: st.DrawFn) -> dict[str, Any]:
    """A valid `autoscaling` block: bounds, one or more signals, maybe a schedule."""
    low = draw(st.integers(0, 5))
    block: dict[str, Any] = {"min": low, "max": draw(st.integers(low, 20))}
    signals = {
        "cpu_target": draw(st.integers(1, 100)),
        "memory_target": draw(st.integers(1, 100)),
        "backlog": draw(
            st.sampled_from(
                [
                    {"source": "sqs", "queue_name": "articles", "target": 100},
                    {"source": "kinesis", "stream_name": "articles", "target": 60000},
                    {
                        "source": "cloudwatch",
                        "namespace": "AWS/Kafka",
                        "metric_name": "SumOffsetLag",
                        "target": 1000,
                        "dimensions": {"Consumer Group": "encoder"},
                        "per_task": True,
                    },
                ]
            )
        ),
        "schedules": {draw(names): {"schedule": "cron(0 22 * * ? *)", "timezone": "Asia/Tokyo", "min": 0, "max": 0}},
        "steps": draw(
            st.sampled_from(
                [
                    {"source": "sqs", "queue_name": "articles", "scale_out": [{"at_least": 1, "add": 1}]},
                    {
                        "source": "cloudwatch",
                        "namespace": "AWS/Kafka",
                        "metric_name": "SumOffsetLag",
                        "statistic": "Sum",
                        "scale_out": [{"at_least": 1000, "add": 1}, {"at_least": 10000, "add": 3}],
                        "scale_in": [{"at_most": 10, "remove": 1}],
                    },
                ]
            )
        ),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(signals)), min_size=1))
    block.update({key: signals[key] for key in chosen})
    if draw(st.booleans()):
        block["disable_scale_in"] = True
    return block


@st.composite
def variant_settings(draw: st.DrawFn) -> dict[str, Any]:
    """One variant's own settings: an image tag and a random selection of overrides."""
    cpu, memory = draw(st.sampled_from(_SIZES))
    settings: dict[str, Any] = {"image_tag": draw(st.from_regex(r"\A[a-z0-9][a-z0-9.-]{0,20}\Z"))}
    optional = {
        "cpu": cpu,
        "memory": memory,
        "desired_count": draw(st.integers(0, 20)),
        "fargate_spot_weight": draw(st.integers(0, 5)),
        "architecture": draw(st.sampled_from(["x86_64", "arm64"])),
        "environment": draw(
            st.dictionaries(st.from_regex(r"\A[A-Z][A-Z0-9_]{0,10}\Z"), st.text(max_size=10), max_size=3)
        ),
        "log_retention_days": draw(st.sampled_from([30, 90, 365, 731])),
        "user": draw(st.sampled_from(["1000", "1000:1000", "app"])),
        "autoscaling": draw(autoscaling_blocks()),
        "image_owner": draw(st.sampled_from(["terraform", "ci"])),
    }
    chosen = draw(st.sets(st.sampled_from(sorted(optional))))
    if "cpu" in chosen or "memory" in chosen:
        chosen |= {"cpu", "memory"}
    settings.update({key: optional[key] for key in chosen})
    if settings.get("architecture") == "arm64":
        settings["fargate_spot_weight"] = 0  # Fargate Spot runs only x86_64 tasks (aws_rules)
    return settings


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """A valid config: 1-2 pipelines of 1-3 variants each, names short or long."""
    pipelines = {}
    for pipeline in draw(st.lists(config_names, min_size=1, max_size=2, unique=True)):
        variants = draw(st.lists(config_names, min_size=1, max_size=3, unique=True))
        pipelines[pipeline] = {
            "repository_arn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/feature/pipelines",
            "user": "1000:1000",
            "variants": {variant: draw(variant_settings()) for variant in variants},
        }
    return {
        "region": "ap-northeast-1",
        "cluster": {"name": draw(config_names)},
        "network": {"vpc_id": "vpc-0a1b2c3d4e5f60718", "subnet_ids": ["subnet-0a1b2c3d4e5f60001"]},
        "pipelines": pipelines,
    }


#: `make slow` sets it: the property tests marked by `fuzz` run there with their full example counts.
THOROUGH = os.environ.get("FUZZ_THOROUGH") == "1"
#: The share of a property test's examples `make test` runs (the rest run in `make slow`).
FAST_SHARE = 5


def fuzz(max_examples: int, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A property test's settings and tier: `max_examples` in `make slow` (FUZZ_THOROUGH=1, which selects the
    `fuzz` marker), a fifth of them (at least two) in `make test`; no deadline; `options` as `settings` takes them.
    Goes above `@given`."""
    examples = max_examples if THOROUGH else max(2, max_examples // FAST_SHARE)

    def tiered(test: Callable[..., Any]) -> Callable[..., Any]:
        return pytest.mark.fuzz(settings(max_examples=examples, deadline=None, **options)(test))

    return tiered
