"""Warnings: settings that are valid but do not do what they seem to (reported, exit 0)."""

from __future__ import annotations

from collections.abc import Sequence

from .autoscaling import AutoscalingConfig
from .errors import Problem
from .resolve import Deployment, VariantSpec

#: Why a backlog signal has no data while no task runs, by source.
SILENT_AT_ZERO = {
    "sqs": "the sqs backlog is per running task (a division by zero tasks)",
    "kinesis": "the kinesis iterator age comes from consumers reading the stream",
    "cloudwatch": "a per_task metric is divided by the running tasks",
}


def backlog_silent_at_zero(block: AutoscalingConfig) -> str | None:
    """Why `block`'s backlog signal cannot scale out from `min: 0`, or None when it can (or min > 0)."""
    backlog = block.backlog
    if block.min != 0 or backlog is None or (backlog.source == "cloudwatch" and not backlog.per_task):
        return None
    return SILENT_AT_ZERO[backlog.source]


def variant_warnings(spec: VariantSpec) -> list[Problem]:
    """The warnings of one variant, at the config path that sets what they are about."""
    if spec.autoscaling is None:
        return []
    why = backlog_silent_at_zero(spec.autoscaling)
    if why is None:
        return []
    message = (
        f"min 0 with this backlog: {why}, so there is no data at 0 tasks and the service never scales out "
        "from 0 on it; use min >= 1, and 0 only in scheduled windows (schedules)"
    )
    return [Problem(f"{spec.source('autoscaling')}.min", message)]


def warnings(deployments: Sequence[Deployment]) -> list[Problem]:
    """Every warning of every stack, each once (a pipeline's setting is shared by its variants and stacks)."""
    return list(dict.fromkeys(w for d in deployments for spec in d.variants for w in variant_warnings(spec)))
