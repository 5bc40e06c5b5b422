"""The `autoscaling` block and `image_owner`: schema and cross-field rules (pure, no cdktf).

A variant's `autoscaling` block replaces its pipeline's block whole (no key-by-key merge), so
what a variant scales on is always readable in one place; `enabled: false` turns a pipeline's
autoscaling off for one variant.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from .errors import Problem
from .names import check_name, check_one_line
from .schedule import check_schedule, check_timezone
from .strict import Strict

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
#: Keys that belong to one source or another (`SOURCE_KEYS`).
_SOURCE_SPECIFIC = frozenset(key for keys in SOURCE_KEYS.values() for group in keys for key in group)
MAX_TASKS = 1000
STATISTICS = ("Average", "Minimum", "Maximum", "SampleCount", "Sum")
#: Steps per direction: Application Auto Scaling's default quota of step adjustments per step scaling policy.
MAX_STEPS = 20
#: An alarm evaluates at most one day of datapoints (CloudWatch: evaluation periods x period <= 1 day).
MAX_STEP_MINUTES = 1440


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
Text = Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(check_one_line)]


class MetricSource(Strict):
    """Where a scaling signal comes from: the keys `backlog` and `steps` share."""

    source: Annotated[str, AfterValidator(_source)] = Field(
        description="the stream signal: " + "; ".join(f"`{name}` ({why})" for name, why in SOURCES.items())
    )
    queue_name: Annotated[str, StringConstraints(max_length=80, pattern=r"^[A-Za-z0-9_-]+(?:\.fifo)?$")] | None = Field(
        None,
        description="`sqs`: the queue whose visible messages are the signal; required for `sqs`, unless the "
        "variant has an `input` (unset: the variant's own input queue)",
    )
    stream_name: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,128}$")] | None = Field(
        None,
        description="`kinesis`: the stream whose GetRecords.IteratorAgeMilliseconds is the signal; required for "
        "`kinesis`, unless the variant has an `input.kinesis` (unset: its own consumer's "
        "SubscribeToShardEvent.MillisBehindLatest)",
    )
    namespace: Text | None = Field(
        None, description="`cloudwatch`: the metric's namespace, e.g. `AWS/Kafka`; required for `cloudwatch`"
    )
    metric_name: Text | None = Field(
        None, description="`cloudwatch`: the metric, e.g. `SumOffsetLag`; required for `cloudwatch`"
    )
    dimensions: (
        Annotated[
            dict[
                Text, Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(check_one_line)]
            ],
            Field(max_length=30),
        ]
        | None
    ) = Field(None, description="`cloudwatch` only: the metric's dimensions, name -> value")
    statistic: Annotated[str, AfterValidator(_statistic)] | None = Field(
        None, description=f"`cloudwatch` only: {', '.join(STATISTICS)}; unset: Average"
    )


class Backlog(MetricSource):
    """A stream signal scaled on with target tracking (one per variant)."""

    target: Annotated[float, Field(gt=0)] = Field(
        description="the value target tracking holds the signal at: messages per running task (`sqs`), "
        "milliseconds (`kinesis`), the metric's unit (`cloudwatch`)"
    )
    per_task: bool | None = Field(
        None, description="`cloudwatch` only: divide the metric by the running tasks (lag per task); unset: false"
    )


class ScaleOutStep(Strict):
    """One scale-out step: from `at_least` up to the next step's `at_least`, add `add` tasks."""

    at_least: float = Field(
        description="the step applies while the signal is at least this (up to the next step's at_least)"
    )
    add: Annotated[int, Field(ge=1, le=MAX_TASKS)] = Field(description=f"tasks added (1-{MAX_TASKS})")


class ScaleInStep(Strict):
    """One scale-in step: from `at_most` down to the next step's `at_most`, remove `remove` tasks."""

    at_most: float = Field(
        description="the step applies while the signal is at most this (down to the next step's at_most)"
    )
    remove: Annotated[int, Field(ge=1, le=MAX_TASKS)] = Field(description=f"tasks removed (1-{MAX_TASKS})")


class StepScaling(MetricSource):
    """Step scaling on the signal's absolute value (no division by running tasks), driven by two alarms.

    Unlike a per-task backlog, an `sqs` queue depth or a total `cloudwatch` metric has data while
    no task runs, so step scaling can scale a service out from 0 tasks.
    """

    source: Annotated[str, AfterValidator(_source)] = Field(
        description="the signal, its absolute value: `sqs` (the queue's visible messages), `kinesis` (the "
        "stream's GetRecords.IteratorAgeMilliseconds), `cloudwatch` (any CloudWatch metric)"
    )

    scale_out: Annotated[list[ScaleOutStep], Field(max_length=MAX_STEPS)] = Field(
        [],
        description=f"steps adding tasks, lowest `at_least` first (at most {MAX_STEPS}); the lowest is the "
        "scale-out alarm's threshold",
    )
    scale_in: Annotated[list[ScaleInStep], Field(max_length=MAX_STEPS)] = Field(
        [],
        description=f"steps removing tasks, highest `at_most` first (at most {MAX_STEPS}); the highest is the "
        "scale-in alarm's threshold",
    )
    scale_out_minutes: Annotated[int, Field(ge=1, le=MAX_STEP_MINUTES)] = Field(
        1, description="consecutive one-minute datapoints at or above the scale-out threshold before tasks are added"
    )
    scale_in_minutes: Annotated[int, Field(ge=1, le=MAX_STEP_MINUTES)] = Field(
        5, description="consecutive one-minute datapoints at or below the scale-in threshold before tasks are removed"
    )


class ScheduledScaling(Strict):
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


class AutoscalingConfig(Strict):
    """Application Auto Scaling of one variant's ECS service (its own target and policies).

    At least one of `cpu_target`, `memory_target`, `backlog`, `steps` or `schedules` is required.
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
    steps: StepScaling | None = Field(
        None,
        description="step scaling on a signal's absolute value, e.g. an SQS queue's depth (scales out from 0 tasks, "
        "which a per-task backlog cannot)",
    )
    disable_scale_in: bool = Field(
        False,
        description="`true`: the target tracking policies (cpu_target, memory_target, backlog) only add tasks; "
        "tasks are removed by `steps.scale_in`, `schedules` or an operator",
    )
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
    if not (block.cpu_target or block.memory_target or block.backlog or block.steps or block.schedules):
        problems.append(
            Problem(
                path,
                "nothing to scale on: set cpu_target, memory_target, backlog, steps or schedules (or enabled: false)",
            )
        )
    if block.backlog:
        problems += _source_problems(block.backlog, f"{path}.backlog")
    if block.steps:
        problems += _source_problems(block.steps, f"{path}.steps") + _steps_problems(block.steps, f"{path}.steps")
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


def _source_problems(signal: MetricSource, path: str) -> list[Problem]:
    required, optional = SOURCE_KEYS[signal.source]
    problems = [
        Problem(f"{path}.{key}", f"required for source {signal.source}")
        for key in required
        if getattr(signal, key) is None
    ]
    problems += [
        Problem(f"{path}.{key}", f"not used by source {signal.source}; remove it (it belongs to another source)")
        for key in type(signal).model_fields
        if key in _SOURCE_SPECIFIC and key not in (*required, *optional) and getattr(signal, key) is not None
    ]
    return problems


def _steps_problems(steps: StepScaling, path: str) -> list[Problem]:
    """Steps listed from the alarm threshold outwards, each further than the one before (so the
    ranges Application Auto Scaling gets are contiguous and do not overlap), and the scale-in
    threshold below the scale-out one (else both alarms fire at once)."""
    if not (steps.scale_out or steps.scale_in):
        return [Problem(path, "nothing to scale: set scale_out, scale_in or both")]
    problems = []
    for index in range(1, len(steps.scale_out)):
        before, step = steps.scale_out[index - 1].at_least, steps.scale_out[index].at_least
        if step <= before:
            problems.append(
                Problem(
                    f"{path}.scale_out[{index}].at_least",
                    f"not above the step before ({_number(before)}): list scale_out lowest at_least first, "
                    "each step higher (a step spans up to the next one)",
                    _number(step),
                )
            )
    for index in range(1, len(steps.scale_in)):
        before, step = steps.scale_in[index - 1].at_most, steps.scale_in[index].at_most
        if step >= before:
            problems.append(
                Problem(
                    f"{path}.scale_in[{index}].at_most",
                    f"not below the step before ({_number(before)}): list scale_in highest at_most first, "
                    "each step lower (a step spans down to the next one)",
                    _number(step),
                )
            )
    if steps.scale_out and steps.scale_in:
        highest, highest_in = max(enumerate(step.at_most for step in steps.scale_in), key=lambda item: item[1])
        lowest_out = min(step.at_least for step in steps.scale_out)
        if highest_in >= lowest_out:
            problems.append(
                Problem(
                    f"{path}.scale_in[{highest}].at_most",
                    f"not below scale_out's lowest at_least ({_number(lowest_out)}): at that signal both alarms "
                    "would fire, adding and removing tasks; keep every at_most below every at_least",
                    _number(highest_in),
                )
            )
    return problems


def _number(value: float) -> int | float:
    """`1.0` as `1` in messages (YAML's `1` arrives as a float in a float field)."""
    return int(value) if value.is_integer() else value
