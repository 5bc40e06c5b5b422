"""How a variant's service deploys, and ECS Exec: the `deployment` and `exec` blocks (schema and rules;
pure, no cdktf). The cluster's exec audit log is `model.ExecLoggingConfig`.

`deployment` may be written on a pipeline and on a variant and merges key by key (the variant's keys
over its pipeline's, then the defaults declared with each key), so a pipeline can set 0/100 deploys once
and one variant add an alarm. `exec` is replaced whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, ClassVar, Literal

from pydantic import Field, StringConstraints

from .autoscaling import AutoscalingConfig
from .errors import Problem
from .names import LIMITS
from .observability import ObservabilitySpec, merge_layers
from .strict import Inherited, Layered, Strict

#: The variant's own alarms (`constructs.observability`), by suffix.
ALARMS = ("tasks", "errors", "cpu", "memory", "stream_lag")
AlarmSuffix = Literal["tasks", "errors", "cpu", "memory", "stream_lag"]
#: A CloudWatch alarm name: 1-255 printable characters (the CloudWatch API reference, PutMetricAlarm).
AlarmName = Annotated[str, StringConstraints(min_length=1, max_length=LIMITS["alarm"], pattern=r"^[^\x00-\x1f\x7f]+$")]
#: Terraform's timeouts take minutes here; ECS's own deployment limits are hours.
Minutes = Annotated[int, Field(ge=1, le=720)]


class Timeouts(Strict):
    """How long Terraform waits per operation on the service (unset: the provider's 20 minutes)."""

    create: Minutes | None = Field(None, description="minutes `terraform apply` waits for a new service")
    update: Minutes | None = Field(None, description="minutes it waits for an updated service (a deployment)")
    delete: Minutes | None = Field(None, description="minutes it waits for a deleted service to drain")


class DeploymentConfig(Layered):
    """How ECS replaces a variant's tasks, and what makes a deployment fail."""

    null_is_unset: ClassVar[bool] = False

    minimum_healthy_percent: Annotated[
        Annotated[int, Field(ge=0, le=100)], Inherited(unset="every old task runs until its replacement does")
    ] = Field(
        100,
        description="tasks (percent of the desired count, rounded up) that keep running during a deployment; "
        "0 lets ECS stop every old task before starting new ones (a gap in consumption)",
    )
    maximum_percent: Annotated[int, Field(ge=100, le=200)] = Field(
        200,
        description="tasks (percent of the desired count, rounded down) that may run during a deployment; 100 "
        "never runs old and new tasks together (e.g. Kafka/Kinesis consumer groups that rebalance)",
    )
    alarms: Annotated[
        Annotated[list[AlarmSuffix], Field(max_length=len(ALARMS))] | None,
        Inherited(unset='["stream_lag"] when the variant has a lag alarm, else none'),
    ] = Field(
        None,
        description=f"the variant's own alarms ({', '.join(ALARMS)}) that fail a deployment when they fire "
        "(observability must be on; `stream_lag` needs `autoscaling.backlog`)",
    )
    extra_alarm_names: Annotated[list[AlarmName], Field(max_length=10)] = Field(
        [], description="names of existing CloudWatch alarms (made elsewhere) that also fail a deployment"
    )
    rollback: bool = Field(
        True,
        description="a failed deployment (circuit breaker or alarm) rolls back to the last completed one; "
        "`false` leaves the failed revision in place",
    )
    wait_for_steady_state: Annotated[bool, Inherited(unset="a failed deployment fails the apply")] = Field(
        True,
        description="`terraform apply` waits until the service is stable, so a failed (rolled back) deployment "
        "fails the apply",
    )
    timeouts: Annotated[Timeouts | None, Inherited(unset="the AWS provider's 20 minutes each")] = Field(
        None, description="how long Terraform waits per operation"
    )


class ExecConfig(Strict):
    """ECS Exec (`aws ecs execute-command`) into a variant's running containers."""

    enabled: bool = Field(
        False,
        description="`true`: the service allows ECS Exec, its task role may open SSM session channels and write "
        "the cluster's exec audit log (see `cluster.exec_logging`)",
    )


#: The deployment of a variant whose pipeline and it set no `deployment` key.
DEFAULT_DEPLOYMENT = DeploymentConfig()


@dataclass(frozen=True)
class DeploymentSpec:
    """One variant's deployment settings, merged and checked (every value concrete); the defaults are
    `DeploymentConfig`'s, as `resolve_deployment` resolves a variant that sets nothing."""

    minimum_healthy_percent: int = DEFAULT_DEPLOYMENT.minimum_healthy_percent
    maximum_percent: int = DEFAULT_DEPLOYMENT.maximum_percent
    alarms: tuple[str, ...] = ()
    """Suffixes of the variant's own alarms watching its deployments."""
    extra_alarm_names: tuple[str, ...] = tuple(DEFAULT_DEPLOYMENT.extra_alarm_names)
    rollback: bool = DEFAULT_DEPLOYMENT.rollback
    wait_for_steady_state: bool = DEFAULT_DEPLOYMENT.wait_for_steady_state
    timeouts: tuple[tuple[str, int], ...] = ()
    """(operation, minutes) for each operation set (`Timeouts`); the others keep the provider's default."""


def own_alarms(observability: ObservabilitySpec | None) -> tuple[str, ...]:
    """The alarm suffixes a variant has (`constructs.observability.alarm_queries`)."""
    if observability is None:
        return ()
    lag = ("stream_lag",) if observability.stream_lag_threshold is not None else ()
    return (*ALARMS[:4], *lag)


def task_counts(desired_count: int, autoscaling: AutoscalingConfig | None) -> range:
    """Every desired count the service may have: autoscaling's min..max, else `desired_count`."""
    if autoscaling is not None and autoscaling.min is not None and autoscaling.max is not None:
        return range(min(autoscaling.min, autoscaling.max), autoscaling.max + 1)
    return range(desired_count, desired_count + 1)


def stalls(minimum: int, maximum: int, tasks: int) -> bool:
    """ECS can neither start a new task nor stop an old one: the ceiling of `tasks` x maximum % is not
    above the floor of `tasks` x minimum % (rounded as ECS rounds: minimum up, maximum down)."""
    return tasks > 0 and tasks * maximum // 100 <= -(-tasks * minimum // 100)


def resolve_deployment(
    layers: Sequence[tuple[str, DeploymentConfig | None]],
    *,
    observability: ObservabilitySpec | None,
    desired_count: int,
    autoscaling: AutoscalingConfig | None,
) -> tuple[DeploymentSpec, list[Problem]]:
    """Merge `layers` (dotted path of the block, block or None; nearest last) key by key and check them.

    Problems: an alarm the variant does not have, and minimum/maximum percents with which ECS cannot
    replace a task at some desired count the service may have.
    """
    values, origin = merge_layers(layers, DEFAULT_DEPLOYMENT)
    have = own_alarms(observability)
    problems: list[Problem] = []
    alarms = values["alarms"]
    if alarms is None:
        alarms = [suffix for suffix in ("stream_lag",) if suffix in have]
    for index, suffix in enumerate(alarms):
        if suffix not in have:
            why = (
                "the variant has no alarms: observability is off"
                if not have
                else f"the variant has no {suffix} alarm; it has {', '.join(have)}"
                + (" (stream_lag needs autoscaling.backlog)" if suffix == "stream_lag" else "")
            )
            problems.append(Problem(f"{origin['alarms']}.alarms[{index}]", why, suffix))
    minimum, maximum = values["minimum_healthy_percent"], values["maximum_percent"]
    stuck = next((n for n in task_counts(desired_count, autoscaling) if stalls(minimum, maximum, n)), None)
    if stuck is not None:
        where = origin.get("maximum_percent") or origin.get("minimum_healthy_percent") or layers[-1][0]
        problems.append(
            Problem(
                f"{where}.maximum_percent",
                f"with minimum_healthy_percent {minimum} ECS can neither start nor stop a task at {stuck} "
                f"desired task(s), so a deployment never progresses; raise maximum_percent or lower "
                "minimum_healthy_percent",
                maximum,
            )
        )
    timeouts: Timeouts | None = values["timeouts"]
    spec = DeploymentSpec(
        minimum_healthy_percent=minimum,
        maximum_percent=maximum,
        alarms=tuple(dict.fromkeys(alarms)),
        extra_alarm_names=tuple(dict.fromkeys(values["extra_alarm_names"])),
        rollback=values["rollback"],
        wait_for_steady_state=values["wait_for_steady_state"],
        timeouts=tuple(
            (operation, minutes)
            for operation in Timeouts.model_fields
            if timeouts is not None and (minutes := getattr(timeouts, operation)) is not None
        ),
    )
    return spec, problems
