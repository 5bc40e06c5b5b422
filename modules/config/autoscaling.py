"""The `autoscaling` block and `image_owner`: schema and cross-field rules (pure, no cdktf).

A variant's `autoscaling` block replaces its pipeline's block whole (no key-by-key merge), so
what a variant scales on is always readable in one place; `enabled: false` turns a pipeline's
autoscaling off for one variant.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from .errors import Problem
from .names import check_name
from .schedule import check_schedule, check_timezone

ImageOwner = Literal["terraform", "ci"]
SOURCES = {
    "sqs": "queue backlog per running task",
    "kinesis": "GetRecords.IteratorAgeMilliseconds",
    "cloudwatch": "any CloudWatch metric, e.g. MSK consumer lag",
}
#: Keys each backlog source needs (beyond `source` and `target`) and the keys only it may set.
SOURCE_KEYS = {
    "sqs": (("queue_name",), ()),
    "kinesis": (("stream_name",), ()),
    "cloudwatch": (("namespace", "metric_name"), ("dimensions", "statistic", "per_task")),
}
MAX_TASKS = 1000
STATISTICS = ("Average", "Minimum", "Maximum", "SampleCount", "Sum")


def _percent(value: float) -> float:
    if not 1 <= value <= 100:
        raise ValueError("a utilisation target is a percentage: use 1-100")
    return value


def _count(value: int) -> int:
    if not 0 <= value <= MAX_TASKS:
        raise ValueError(f"a task count: use 0-{MAX_TASKS}")
    return value


def _source(value: str) -> str:
    if value not in SOURCES:
        raise ValueError("unknown metric source; use " + ", ".join(f"{name} ({why})" for name, why in SOURCES.items()))
    return value


def _statistic(value: str) -> str:
    if value not in STATISTICS:
        raise ValueError(f"unknown statistic; use {', '.join(STATISTICS)}")
    return value


Count = Annotated[int, AfterValidator(_count)]
Percent = Annotated[float, AfterValidator(_percent)]
Seconds = Annotated[int, Field(ge=0, le=86400)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class _Strict(BaseModel):
    # Strict like the rest of the schema (`min: "2"`, `cpu_target: true` are refused), and
    # finite: Terraform JSON cannot carry `.inf`/`.nan`, so they are config errors here.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Backlog(_Strict):
    """A stream signal scaled on with target tracking (one per variant)."""

    source: Annotated[str, AfterValidator(_source)] = Field(
        description="the stream signal: " + "; ".join(f"`{name}` ({why})" for name, why in SOURCES.items())
    )
    target: Annotated[float, Field(gt=0)] = Field(
        description="the value target tracking holds the signal at: messages per running task (`sqs`), "
        "milliseconds (`kinesis`), the metric's unit (`cloudwatch`)"
    )
    queue_name: Annotated[str, StringConstraints(max_length=80, pattern=r"^[A-Za-z0-9_-]+(?:\.fifo)?$")] | None = Field(
        None, description="`sqs`: the queue whose backlog is divided by the running tasks; required for `sqs`"
    )
    stream_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,128}$")] | None = Field(
        None, description="`kinesis`: the stream whose consumer lag is tracked; required for `kinesis`"
    )
    namespace: Text | None = Field(
        None, description="`cloudwatch`: the metric's namespace, e.g. `AWS/Kafka`; required for `cloudwatch`"
    )
    metric_name: Text | None = Field(
        None, description="`cloudwatch`: the metric, e.g. `SumOffsetLag`; required for `cloudwatch`"
    )
    dimensions: (
        Annotated[dict[Text, Annotated[str, StringConstraints(min_length=1, max_length=1024)]], Field(max_length=30)]
        | None
    ) = Field(None, description="`cloudwatch` only: the metric's dimensions, name -> value")
    statistic: Annotated[str, AfterValidator(_statistic)] | None = Field(
        None, description=f"`cloudwatch` only: {', '.join(STATISTICS)}; unset: Average"
    )
    per_task: bool | None = Field(
        None, description="`cloudwatch` only: divide the metric by the running tasks (lag per task); unset: false"
    )


class ScheduledScaling(_Strict):
    """A scheduled change of the scaling bounds, e.g. a treatment scaled to zero at night."""

    schedule: Annotated[str, AfterValidator(check_schedule)] = Field(
        description="when the bounds change: `cron(m h dom mon dow year)` (6 fields, `?` in one of day-of-month "
        "and day-of-week), `rate(N unit)` (`rate(1 day)`, `rate(6 hours)`) or `at(yyyy-mm-ddThh:mm:ss)`"
    )
    timezone: Annotated[str, AfterValidator(check_timezone)] = Field(
        "UTC", description="IANA time zone of the schedule"
    )
    min: Count | None = Field(None, description=f"the new lower bound from then on (0-{MAX_TASKS})")
    max: Count | None = Field(
        None,
        description=f"the new upper bound from then on (0-{MAX_TASKS}); set `min`, `max` or both; one alone must "
        "fit the block's other bound, else AWS refuses the action when it runs",
    )


class AutoscalingConfig(_Strict):
    """Application Auto Scaling of one variant's ECS service (its own target and policies).

    At least one of `cpu_target`, `memory_target`, `backlog` or `schedules` is required.
    """

    enabled: bool = Field(True, description="`false`: no autoscaling for this variant (it keeps `desired_count`)")
    min: Count | None = Field(
        None, description=f"lowest task count (0-{MAX_TASKS}); required; the service starts at `min`"
    )
    max: Count | None = Field(None, description=f"highest task count (0-{MAX_TASKS}); required; `min <= max`")
    cpu_target: Percent | None = Field(
        None,
        description="percent (1-100): target tracking on the service's average CPU (`ECSServiceAverageCPUUtilization`)",
    )
    memory_target: Percent | None = Field(
        None,
        description="percent (1-100): target tracking on the service's average memory "
        "(`ECSServiceAverageMemoryUtilization`)",
    )
    backlog: Backlog | None = Field(None, description="target tracking on a stream signal")
    scale_in_cooldown: Seconds = Field(300, description="seconds after a scale-in before the next one (every policy)")
    scale_out_cooldown: Seconds = Field(60, description="seconds after a scale-out before the next one (every policy)")
    schedules: Annotated[dict[Annotated[str, AfterValidator(check_name)], ScheduledScaling], Field(max_length=200)] = (
        Field({}, description="scheduled changes of `min` and `max`, by name")
    )


def autoscaling_problems(block: AutoscalingConfig, path: str) -> list[Problem]:
    """Cross-field rules of one enabled `autoscaling` block written at `path`."""
    problems = [
        Problem(f"{path}.{key}", "required key is missing") for key in ("min", "max") if getattr(block, key) is None
    ]
    if block.min is not None and block.max is not None and block.min > block.max:
        problems.append(Problem(f"{path}.min", f"min is above max {block.max}: set min <= max", block.min))
    if not (block.cpu_target or block.memory_target or block.backlog or block.schedules):
        problems.append(
            Problem(
                path, "nothing to scale on: set cpu_target, memory_target, backlog or schedules (or enabled: false)"
            )
        )
    if block.backlog:
        problems += _backlog_problems(block.backlog, f"{path}.backlog")
    for name, action in block.schedules.items():
        where = f"{path}.schedules.{name}"
        if action.min is None and action.max is None:
            problems.append(Problem(where, "set min, max or both: the bounds this schedule applies"))
        elif action.min is not None and action.max is not None and action.min > action.max:
            problems.append(Problem(f"{where}.min", f"min is above max {action.max}: set min <= max", action.min))
        elif action.max is None and block.max is not None and action.min is not None and action.min > block.max:
            problems.append(
                Problem(
                    f"{where}.min",
                    f"above the block's max {block.max}, which this schedule leaves as is; set max here too",
                    action.min,
                )
            )
        elif action.min is None and block.min is not None and action.max is not None and action.max < block.min:
            problems.append(
                Problem(
                    f"{where}.max",
                    f"below the block's min {block.min}, which this schedule leaves as is; set min here too",
                    action.max,
                )
            )
    return problems


def _backlog_problems(backlog: Backlog, path: str) -> list[Problem]:
    required, optional = SOURCE_KEYS[backlog.source]
    problems = [
        Problem(f"{path}.{key}", f"required for source {backlog.source}")
        for key in required
        if getattr(backlog, key) is None
    ]
    allowed = {"source", "target", *required, *optional}
    problems += [
        Problem(f"{path}.{key}", f"not used by source {backlog.source}; remove it (it belongs to another source)")
        for key in Backlog.model_fields
        if key not in allowed and getattr(backlog, key) is not None
    ]
    return problems
