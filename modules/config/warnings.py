"""Warnings: settings that are valid but do not do what they seem to (reported, exit 0)."""

from __future__ import annotations

from collections.abc import Sequence

from .autoscaling import AutoscalingConfig
from .deployment import task_counts
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


def deployment_gap(spec: VariantSpec) -> list[Problem]:
    """`minimum_healthy_percent: 0` on a service that runs tasks: every deployment stops them all first."""
    if spec.deployment.minimum_healthy_percent != 0 or task_counts(spec.desired_count, spec.autoscaling)[-1] == 0:
        return []
    message = (
        "minimum_healthy_percent 0: ECS may stop every running task before the new ones start, so nothing "
        "consumes during each deployment (a gap of at least a task start); keep it only if overlapping "
        "consumers are worse (e.g. a consumer group that rebalances)"
    )
    return [Problem(f"{spec.source('deployment')}.minimum_healthy_percent", message)]


def variant_warnings(spec: VariantSpec) -> list[Problem]:
    """The warnings of one variant, at the config path that sets what they are about."""
    found = deployment_gap(spec)
    why = backlog_silent_at_zero(spec.autoscaling) if spec.autoscaling is not None else None
    if why is None:
        return found
    message = (
        f"min 0 with this backlog: {why}, so there is no data at 0 tasks and the service never scales out "
        "from 0 on it; use min >= 1, and 0 only in scheduled windows (schedules)"
    )
    return [Problem(f"{spec.source('autoscaling')}.min", message), *found]


def warnings(deployments: Sequence[Deployment]) -> list[Problem]:
    """Every warning of every stack, each once (a pipeline's setting is shared by its variants and stacks)."""
    return list(dict.fromkeys(w for d in deployments for spec in d.variants for w in variant_warnings(spec)))
