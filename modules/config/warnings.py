"""Warnings: settings that are valid but do not do what they seem to (reported, exit 0)."""

from __future__ import annotations

from collections.abc import Sequence

from . import fargate
from .autoscaling import AutoscalingConfig, MetricSource
from .data import is_consumer_lag
from .deployment import task_counts
from .errors import Problem
from .resolve import Deployment, VariantSpec

#: Why a backlog signal has no data while no task runs, by source.
SILENT_AT_ZERO = {
    "sqs": "the sqs backlog is per running task (a division by zero tasks)",
    "kinesis": "the kinesis iterator age comes from consumers reading the stream",
    "cloudwatch": "a per_task metric is divided by the running tasks",
}

#: Step scaling that has data at 0 tasks, by backlog source: the fix the warning suggests.
STEPS_AT_ZERO = {
    "sqs": "step scaling on the queue's depth (steps: source sqs, the same queue_name, scale_out at_least 1)",
    "kinesis": "step scaling on what producers write (steps: source cloudwatch, namespace AWS/Kinesis, "
    "metric_name IncomingRecords, dimensions StreamName, statistic Sum)",
    "cloudwatch": "step scaling on the metric itself (steps: source cloudwatch, the same metric, not per task)",
}


def _source(signal: MetricSource) -> str:
    """The signal's source, an enhanced fan-out consumer's lag (`input.kinesis`) counted as `kinesis`."""
    return "kinesis" if is_consumer_lag(signal) else signal.source


def steps_scale_out_from_zero(block: AutoscalingConfig) -> bool:
    """Whether `block` has step scaling that adds tasks on a signal with data at 0 tasks (a queue's
    depth, a total metric; not a kinesis iterator age or consumer lag, which only reading consumers produce)."""
    steps = block.steps
    return steps is not None and bool(steps.scale_out) and _source(steps) != "kinesis"


def backlog_silent_at_zero(block: AutoscalingConfig) -> str | None:
    """Why `block` cannot scale out from `min: 0` on its backlog signal, or None when it can (or
    min > 0, or step scaling scales out from 0)."""
    backlog = block.backlog
    if block.min != 0 or backlog is None:
        return None
    source = _source(backlog)
    if (source == "cloudwatch" and not backlog.per_task) or steps_scale_out_from_zero(block):
        return None
    return SILENT_AT_ZERO[source]


def deployment_gap(spec: VariantSpec) -> list[Problem]:
    """`minimum_healthy_percent: 0` on a service that runs tasks: every deployment stops them all first."""
    if (
        spec.deployment.minimum_healthy_percent != 0
        or task_counts(spec.settings.desired_count, spec.settings.autoscaling)[-1] == 0
    ):
        return []
    message = (
        "minimum_healthy_percent 0: ECS may stop every running task before the new ones start, so nothing "
        "consumes during each deployment (a gap of at least a task start); keep it only if overlapping "
        "consumers are worse (e.g. a consumer group that rebalances)"
    )
    return [Problem(f"{spec.source('deployment')}.minimum_healthy_percent", message)]


#: "To be sure that the containers on Fargate Spot exit before the task stops, specify a stopTimeout value of
#: 120 seconds or less in the container definition used by the task." (AWS knowledge center,
#: https://repost.aws/knowledge-center/fargate-spot-termination-notice: the notice is a SIGTERM two
#: minutes before the task stops; unset, stopTimeout is 30 s).
SPOT_NOTICE_SECONDS = 120


def spot_notice_cut_short(spec: VariantSpec) -> list[Problem]:
    """Tasks on Fargate Spot with `stop_timeout` unset: ECS kills the container 30 s after the interruption's
    SIGTERM although the notice gives two minutes (a value set on purpose is not warned about)."""
    settings = spec.settings
    on_spot = settings.fargate_spot_weight > 0 and fargate.runs_on_spot(settings.architecture)
    if not on_spot or settings.stop_timeout is not None:
        return []
    message = (
        f"tasks on Fargate Spot get a SIGTERM {SPOT_NOTICE_SECONDS} s before an interruption stops them, but "
        "with stop_timeout unset ECS kills the container after 30 s; set stop_timeout (up to "
        f"{SPOT_NOTICE_SECONDS}) to the time the consumer needs to commit and exit"
    )
    return [Problem(spec.source("stop_timeout"), message)]


#: AWS: Availability Zone rebalancing is "not available" for a service that "uses 100% for the maximumPercent
#: value" (docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html, as the AWS CDK's README
#: lists it; the CDK refuses the combination: "AvailabilityZoneRebalancing.ENABLED requires maxHealthyPercent > 100").


def rebalancing_without_room(spec: VariantSpec) -> list[Problem]:
    """`availability_zone_rebalancing: ENABLED` (the default) with `maximum_percent: 100`, for which AWS does not
    rebalance: say DISABLED, or give the deployment room."""
    if spec.settings.availability_zone_rebalancing != "ENABLED" or spec.deployment.maximum_percent != 100:
        return []
    message = (
        "AWS does not rebalance tasks across Availability Zones for a service with maximum_percent 100, yet "
        "availability_zone_rebalancing is ENABLED; set availability_zone_rebalancing: DISABLED to say so, or "
        "maximum_percent above 100"
    )
    return [Problem(f"{spec.source('deployment')}.maximum_percent", message)]


def variant_warnings(spec: VariantSpec) -> list[Problem]:
    """The warnings of one variant, at the config path that sets what they are about."""
    found = []
    block = spec.settings.autoscaling
    if block is not None:
        why = backlog_silent_at_zero(block)
        if why is not None and block.backlog is not None:
            message = (
                f"min 0 with this backlog: {why}, so there is no data at 0 tasks and the service never scales "
                f"out from 0 on it; add {STEPS_AT_ZERO[_source(block.backlog)]}, which has data at 0 tasks, "
                "or use min >= 1 (0 only in scheduled windows: schedules)"
            )
            found.append(Problem(f"{spec.source('autoscaling')}.min", message))
        if block.disable_scale_in and not (block.steps and block.steps.scale_in) and not block.schedules:
            message = (
                "target tracking never removes tasks and nothing else does (no steps.scale_in, no schedules): "
                "the service only grows until an operator lowers it; add steps.scale_in or schedules, or remove "
                "disable_scale_in"
            )
            found.append(Problem(f"{spec.source('autoscaling')}.disable_scale_in", message))
    return [*found, *deployment_gap(spec), *spot_notice_cut_short(spec), *rebalancing_without_room(spec)]


def warnings(deployments: Sequence[Deployment]) -> list[Problem]:
    """Every warning of every stack, each once (a pipeline's setting is shared by its variants and stacks)."""
    return list(dict.fromkeys(w for d in deployments for spec in d.variants for w in variant_warnings(spec)))
