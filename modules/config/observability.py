"""The `observability` block: dashboards and alarms that compare a pipeline's variants (pure, no cdktf).

The block may be written at the top level, on a pipeline and on a variant. Unlike most settings it
merges key by key: a variant takes each key from the nearest level that sets it (variant, then
pipeline, then top level), else the default declared with the key. So SNS topics set once at the top level
reach every variant, and a variant may change one threshold or turn everything off
(`enabled: false`) without repeating the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, Field

from .autoscaling import AutoscalingConfig
from .errors import Problem
from .lists import Distinct
from .strict import Inherited, Layered

#: `arn:<partition>:sns:<region>:<account>:<topic>` (topic names: letters, digits, `-`, `_`, `.fifo`).
_SNS = re.compile(r"arn:(?P<partition>aws|aws-cn|aws-us-gov):sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?")
SNS_ARN_FORMAT = "arn:<partition>:sns:<region>:<12-digit account>:<topic>"
#: A term of the error pattern: what both a metric filter term and a Logs Insights regex carry literally.
_TERM = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
TERM_RULE = "1-64 letters, digits and _ . : -"
#: CloudWatch alarm periods: 10 and 30 s are high resolution (priced higher), so whole minutes only.
PERIODS = (60, 300, 900, 3600)


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _sns_arn(value: str) -> str:
    if not _SNS.fullmatch(value):
        raise ValueError(f"not an SNS topic ARN; use {SNS_ARN_FORMAT}")
    return value


def _term(value: str) -> str:
    if not _TERM.fullmatch(value):
        raise ValueError(f"an error term is {TERM_RULE}")
    return value


def _period(value: int) -> int:
    if value not in PERIODS:
        raise ValueError(f"use one of {', '.join(map(str, PERIODS))} seconds")
    return value


SnsArn = Annotated[str, AfterValidator(_sns_arn)]
Term = Annotated[str, AfterValidator(_term)]
Minutes = Annotated[int, Field(ge=1, le=1440)]
Percent = Annotated[float, Field(ge=1, le=100)]


class ObservabilityConfig(Layered):
    """Dashboard and alarms of a pipeline's variants; each key unset here is inherited (see above)."""

    null_is_unset: ClassVar[bool] = False

    enabled: bool = Field(
        True, description="`false`: no alarms, metric filter or dashboard entry for this level's variants"
    )
    alarm_topic_arns: Annotated[
        Annotated[list[SnsArn], Field(max_length=5), Distinct],
        Inherited(unset="alarms change state without notifying anyone"),
    ] = Field(
        [],
        description="SNS topics notified when an alarm fires and recovers (ARNs in the stack's partition; "
        "no topic is created)",
    )
    tasks_below_desired_minutes: Minutes = Field(
        5,
        description="minutes the service runs fewer tasks than desired (Container Insights) before alarming: "
        "a crash loop or a failed deployment",
    )
    error_terms: Annotated[list[Term], Field(min_length=1, max_length=10), Distinct] = Field(
        ["ERROR", "Exception", "Traceback"],
        description=f"a log line holding any of these terms counts as an error (each {TERM_RULE}, "
        "case-sensitive); feeds the metric filter, the error alarm and the dashboard's latest errors",
    )
    error_threshold: Annotated[int, Field(ge=1, le=100_000)] = Field(
        10, description="error lines per `period` above which the error alarm fires"
    )
    stream_lag_threshold: Annotated[
        Annotated[float, Field(gt=0)] | None,
        Inherited(unset="3 x the backlog target; no lag alarm without autoscaling.backlog"),
    ] = Field(
        None,
        description="the stream signal (the variant's `autoscaling.backlog`) above which the lag alarm fires, "
        "in the signal's unit",
    )
    stream_lag_minutes: Minutes = Field(10, description="minutes above `stream_lag_threshold` before alarming")
    cpu_threshold: Percent = Field(90.0, description="average CPU utilization (percent) counted as saturated")
    memory_threshold: Percent = Field(90.0, description="average memory utilization (percent) counted as saturated")
    saturation_minutes: Minutes = Field(15, description="minutes above the CPU or memory threshold before alarming")
    period: Annotated[int, AfterValidator(_period)] = Field(
        60, description=f"seconds per datapoint of the alarms and the dashboard: {', '.join(map(str, PERIODS))}"
    )
    deployment_failure_events: bool = Field(
        False,
        description="an EventBridge rule per service sending ECS `SERVICE_DEPLOYMENT_FAILED` events to "
        "`alarm_topic_arns` (their topic policies must allow events.amazonaws.com)",
    )


#: Without `stream_lag_threshold`, the lag alarm fires at this multiple of the backlog's scaling target.
LAG_FACTOR = 3


@dataclass(frozen=True)
class ObservabilitySpec:
    """One variant's observability, merged and checked (every value concrete)."""

    alarm_topic_arns: tuple[str, ...]
    tasks_below_desired_minutes: int
    error_terms: tuple[str, ...]
    error_threshold: int
    stream_lag_threshold: float | None
    """None: the variant has no stream signal (no `autoscaling.backlog`), so no lag alarm."""
    stream_lag_minutes: int
    cpu_threshold: float
    memory_threshold: float
    saturation_minutes: int
    period: int
    deployment_failure_events: bool

    def periods(self, minutes: int) -> int:
        """Datapoints covering `minutes` (at least one)."""
        return max(1, -(-minutes * 60 // self.period))


def merge_layers(
    layers: Sequence[tuple[str, Layered | None]], defaults: Layered
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values of `defaults` (a block that sets nothing), then each block's keys that it sets (nearest last):
    the values, and per key the dotted path of the block that set it."""
    values: dict[str, Any] = dict(defaults)
    origin: dict[str, str] = {}
    for path, block in layers:
        if block is None:
            continue
        for key in block.model_fields_set:
            values[key], origin[key] = getattr(block, key), path
    return values, origin


def resolve_observability(
    layers: Sequence[tuple[str, ObservabilityConfig | None]],
    *,
    region: str,
    autoscaling: AutoscalingConfig | None,
) -> tuple[ObservabilitySpec | None, list[Problem]]:
    """Merge `layers` (dotted path of the block, block or None; nearest last) key by key.

    None when turned off. Problems: a topic outside the stack's partition, and
    `deployment_failure_events` without a topic to send to.
    """
    values, origin = merge_layers(layers, ObservabilityConfig())
    if not values["enabled"]:
        return None, []
    problems: list[Problem] = []
    partition = partition_of(region)
    for index, arn in enumerate(values["alarm_topic_arns"]):
        if arn.split(":")[1] != partition:
            problems.append(
                Problem(
                    f"{origin['alarm_topic_arns']}.alarm_topic_arns[{index}]",
                    f"the topic must be in the stack's partition {partition} (region {region})",
                    arn,
                )
            )
    if values["deployment_failure_events"] and not values["alarm_topic_arns"]:
        problems.append(
            Problem(
                f"{origin['deployment_failure_events']}.deployment_failure_events",
                "no topic to send the events to: set alarm_topic_arns",
                True,
            )
        )
    backlog = autoscaling.backlog if autoscaling else None
    lag = values["stream_lag_threshold"]
    if backlog is None:
        lag = None
    elif lag is None:
        lag = LAG_FACTOR * backlog.target
    spec = ObservabilitySpec(
        alarm_topic_arns=tuple(values["alarm_topic_arns"]),
        tasks_below_desired_minutes=values["tasks_below_desired_minutes"],
        error_terms=tuple(values["error_terms"]),
        error_threshold=values["error_threshold"],
        stream_lag_threshold=lag,
        stream_lag_minutes=values["stream_lag_minutes"],
        cpu_threshold=float(values["cpu_threshold"]),
        memory_threshold=float(values["memory_threshold"]),
        saturation_minutes=values["saturation_minutes"],
        period=values["period"],
        deployment_failure_events=values["deployment_failure_events"],
    )
    return spec, problems
