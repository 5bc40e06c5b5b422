"""One variant's Application Auto Scaling: its own scalable target, policies and schedules."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from ..config.autoscaling import Backlog
from ..config.names import LIMITS, fit
from ..runtime import cdk
from ..runtime.cdk import Construct
from .address import pin
from .dashboard import STEP_PERIOD, step_signal
from .props import AutoscalingProps

SQS_METRIC = ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName")
KINESIS_METRIC = ("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName")
# Running tasks of one service: published by Container Insights, which the cluster always enables.
TASKS_METRIC = ("ECS/ContainerInsights", "RunningTaskCount")
#: How Application Auto Scaling aggregates an alarm's datapoints, by the metric's statistic
#: (it takes Average, Minimum or Maximum; the rest aggregate as Average, as aws-cdk does).
AGGREGATION = {"Minimum": "Minimum", "Maximum": "Maximum"}

_Tracking = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration
_Predefined = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification
_Customized = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification
_Dimension = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensions
_Query = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetrics
_Stat = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStat
_Metric = (
    cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStatMetric
)
_QueryDimension = cdk.AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStatMetricDimensions  # noqa: E501
_StepConfiguration = cdk.AppautoscalingPolicyStepScalingPolicyConfiguration
_StepAdjustment = cdk.AppautoscalingPolicyStepScalingPolicyConfigurationStepAdjustment
_Step = cdk.AppautoscalingTarget | cdk.AppautoscalingPolicy | cdk.AppautoscalingScheduledAction


class VariantAutoscaling(Construct):
    """Application Auto Scaling of one variant's ECS service, shared with no other variant.

    Addresses derive from the variant's address stem (`<pipeline>_<variant>`) only:
    `aws_appautoscaling_target.<stem>`; target tracking policies
    `aws_appautoscaling_policy.<stem>_cpu`, `_memory` and `_backlog`; step scaling policies
    `aws_appautoscaling_policy.<stem>_scale_out` and `_scale_in` with their alarms
    `aws_cloudwatch_metric_alarm.<stem>_scale_out` and `_scale_in`; scheduled actions
    `aws_appautoscaling_scheduled_action.<stem>_<schedule name>`. Policy and action AWS names
    are the same strings, alarm names `<cluster>_<stem>_scale_out`/`_scale_in` (each shortened
    with a hash past the AWS limit).

    Behaviour:

    - Target: the service's desired count between `min` and `max`; no role is passed, so
      Application Auto Scaling uses its service-linked role for ECS.
    - Target tracking (each policy creates and owns its CloudWatch alarms): CPU and memory
      on the predefined ECS service averages; backlog per source: `sqs` tracks visible
      messages per running task (metric math: ApproximateNumberOfMessagesVisible /
      RunningTaskCount), `kinesis` the stream's maximum GetRecords.IteratorAgeMilliseconds,
      `cloudwatch` the given metric (statistic Average unless set), divided by the running
      tasks when `per_task`. All use the block's scale-in and scale-out cooldowns; with
      `disable_scale_in` they only add tasks.
    - Step scaling (`steps`), as aws-cdk's `StepScalingPolicy` builds it: the signal's
      absolute value (`sqs`: the queue's ApproximateNumberOfMessagesVisible, `kinesis`: the
      iterator age, both Maximum; `cloudwatch`: the metric, statistic Average unless set) in
      one-minute datapoints. A scale-out alarm (GreaterThanOrEqualToThreshold the lowest
      `at_least`, for `scale_out_minutes` datapoints) runs the `ChangeInCapacity` policy whose
      step adjustments span each `at_least` up to the next (the last unbounded), relative to
      that threshold; a scale-in alarm (LessThanOrEqualToThreshold the highest `at_most`, for
      `scale_in_minutes`) runs the policy removing tasks from each `at_most` down to the next
      (the last unbounded). Cooldowns: the block's `scale_out_cooldown` and
      `scale_in_cooldown`; aggregation: the statistic when Minimum or Maximum, else Average.
      Missing data leaves an alarm's state as it is (CloudWatch's default). The alarms carry
      the variant's tags; they notify nothing but their policy.
    - Scheduled actions set new min/max bounds at their schedule, in their time zone.
    - Application Auto Scaling rejects concurrent updates to one target, so the policies
      and scheduled actions are created one after another (each depends on the previous).
    """

    def __init__(
        self, scope: Construct, id: str, *, props: AutoscalingProps, cluster_name: str, service_name: str
    ) -> None:
        """`cluster_name` and `service_name`: references to the cluster's and the service's names."""
        super().__init__(scope, id)
        stem, scaling, tags = props.stem, props.scaling, props.tags
        self._cluster_name = cluster_name
        self._props = props
        self.target = cdk.AppautoscalingTarget(
            self,
            "target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=f"service/{cluster_name}/{service_name}",
            min_capacity=scaling.min,
            max_capacity=scaling.max,
            tags=dict(tags) if tags else None,
        )
        target = pin(self.target, stem)
        self.policies: dict[str, cdk.AppautoscalingPolicy] = {}
        self.scheduled_actions: dict[str, cdk.AppautoscalingScheduledAction] = {}
        previous: _Step = self.target
        for suffix, tracking in self._trackings():
            policy = cdk.AppautoscalingPolicy(
                self,
                suffix,
                name=fit(f"{stem}_{suffix}", LIMITS["scaling_policy"]),
                policy_type="TargetTrackingScaling",
                service_namespace=target.ref("service_namespace"),
                scalable_dimension=target.ref("scalable_dimension"),
                resource_id=target.ref("resource_id"),
                target_tracking_scaling_policy_configuration=tracking,
                depends_on=[previous],
            )
            pin(policy, f"{stem}_{suffix}")
            self.policies[suffix] = previous = policy
        self.alarms: dict[str, cdk.CloudwatchMetricAlarm] = {}
        for suffix, (configuration, alarm) in self._step_policies().items():
            policy = cdk.AppautoscalingPolicy(
                self,
                suffix,
                name=fit(f"{stem}_{suffix}", LIMITS["scaling_policy"]),
                policy_type="StepScaling",
                service_namespace=target.ref("service_namespace"),
                scalable_dimension=target.ref("scalable_dimension"),
                resource_id=target.ref("resource_id"),
                step_scaling_policy_configuration=configuration,
                depends_on=[previous],
            )
            address = pin(policy, f"{stem}_{suffix}")
            self.policies[suffix] = previous = policy
            self.alarms[suffix] = cdk.CloudwatchMetricAlarm(
                self,
                f"{suffix}_alarm",
                alarm_name=fit(f"{props.alarm_prefix}_{suffix}", LIMITS["alarm"]),
                alarm_actions=[address.ref("arn")],
                tags=dict(tags) if tags else None,
                **alarm,
            )
            pin(self.alarms[suffix], f"{stem}_{suffix}")
        for name, schedule in scaling.schedules.items():
            action = cdk.AppautoscalingScheduledAction(
                self,
                f"schedule_{name}",
                name=fit(f"{stem}_{name}", LIMITS["scheduled_action"]),
                service_namespace=target.ref("service_namespace"),
                scalable_dimension=target.ref("scalable_dimension"),
                resource_id=target.ref("resource_id"),
                schedule=schedule.schedule,
                timezone=schedule.timezone,
                scalable_target_action=cdk.AppautoscalingScheduledActionScalableTargetAction(
                    min_capacity=None if schedule.min is None else str(schedule.min),
                    max_capacity=None if schedule.max is None else str(schedule.max),
                ),
                depends_on=[previous],
            )
            pin(action, f"{stem}_{name}")
            self.scheduled_actions[name] = previous = action

    def _trackings(self) -> list[tuple[str, _Tracking]]:
        """(address suffix, target tracking configuration) of each configured signal."""
        scaling = self._props.scaling
        found: list[tuple[str, _Tracking]] = []
        for suffix, target, metric in (
            ("cpu", scaling.cpu_target, "ECSServiceAverageCPUUtilization"),
            ("memory", scaling.memory_target, "ECSServiceAverageMemoryUtilization"),
        ):
            if target is not None:
                predefined = _Predefined(predefined_metric_type=metric)
                found.append((suffix, self._tracking(target, predefined_metric_specification=predefined)))
        if scaling.backlog:
            backlog = scaling.backlog
            found.append(("backlog", self._tracking(backlog.target, customized_metric_specification=self._backlog())))
        return found

    def _tracking(self, target: float, **metric: object) -> _Tracking:
        return _Tracking(
            target_value=target,
            scale_in_cooldown=self._props.scaling.scale_in_cooldown,
            scale_out_cooldown=self._props.scaling.scale_out_cooldown,
            disable_scale_in=True if self._props.scaling.disable_scale_in else None,
            **metric,
        )

    def _step_policies(self) -> dict[str, tuple[_StepConfiguration, dict[str, object]]]:
        """Per direction configured (`scale_out`, `scale_in`): its policy configuration and its alarm's arguments."""
        steps, signal = self._props.scaling.steps, step_signal(self._props.scaling)
        if steps is None or signal is None:
            return {}
        scaling = self._props.scaling
        metric = {
            "namespace": signal.namespace,
            "metric_name": signal.name,
            "dimensions": dict(signal.dimensions) or None,
            "statistic": signal.stat,
            "period": STEP_PERIOD,
            "treat_missing_data": "missing",
        }
        directions = (
            ("scale_out", [(s.at_least, s.add) for s in steps.scale_out], scaling.scale_out_cooldown,
             steps.scale_out_minutes, "GreaterThanOrEqualToThreshold", "at least"),
            ("scale_in", [(s.at_most, -s.remove) for s in steps.scale_in], scaling.scale_in_cooldown,
             steps.scale_in_minutes, "LessThanOrEqualToThreshold", "at most"),
        )  # fmt: skip
        found: dict[str, tuple[_StepConfiguration, dict[str, object]]] = {}
        for suffix, bounded, cooldown, minutes, comparison, words in directions:
            if not bounded:
                continue
            threshold = bounded[0][0]
            configuration = _StepConfiguration(
                adjustment_type="ChangeInCapacity",
                cooldown=cooldown,
                metric_aggregation_type=AGGREGATION.get(signal.stat, "Average"),
                step_adjustment=_adjustments(bounded, outward=suffix == "scale_out"),
            )
            found[suffix] = (
                configuration,
                {
                    **metric,
                    "alarm_description": f"{self._props.stem}: {suffix.replace('_', ' ')}, {signal.name} {words} "
                    f"{_number(threshold)}",
                    "comparison_operator": comparison,
                    "threshold": threshold,
                    "evaluation_periods": minutes,
                    "datapoints_to_alarm": minutes,
                },
            )
        return found

    def _backlog(self) -> _Customized:
        backlog: Backlog = self._props.scaling.backlog  # type: ignore[assignment]
        if backlog.source == "kinesis":
            namespace, metric_name, dimension = KINESIS_METRIC
            return _Customized(
                namespace=namespace,
                metric_name=metric_name,
                dimensions=[_Dimension(name=dimension, value=backlog.stream_name)],
                statistic="Maximum",
                unit="Milliseconds",
            )
        if backlog.source == "sqs":
            namespace, metric_name, dimension = SQS_METRIC
            return self._per_task(namespace, metric_name, {dimension: backlog.queue_name}, "Sum", "visible messages")
        statistic = backlog.statistic or "Average"
        dimensions = dict(backlog.dimensions or {})
        if backlog.per_task:
            return self._per_task(backlog.namespace, backlog.metric_name, dimensions, statistic, backlog.metric_name)
        return _Customized(
            namespace=backlog.namespace,
            metric_name=backlog.metric_name,
            dimensions=[_Dimension(name=k, value=v) for k, v in sorted(dimensions.items())] or None,
            statistic=statistic,
        )

    def _per_task(
        self, namespace: str, metric_name: str, dimensions: Mapping[str, str], statistic: str, label: str
    ) -> _Customized:
        """Metric math: the metric divided by this service's running tasks."""
        tasks_namespace, tasks_metric = TASKS_METRIC
        task_dimensions = {"ClusterName": self._cluster_name, "ServiceName": self._props.service}
        return _Customized(
            metrics=[
                _query("signal", label, namespace, metric_name, dimensions, statistic),
                _query("tasks", "running tasks", tasks_namespace, tasks_metric, task_dimensions, "Average"),
                _Query(id="per_task", label=f"{label} per running task", expression="signal / tasks", return_data=True),
            ]
        )


def _adjustments(bounded: list[tuple[float, int]], *, outward: bool) -> list[_StepAdjustment]:
    """Step adjustments from (bound, change) pairs listed from the alarm threshold (the first bound)
    outwards: each spans its bound to the next one (the last is unbounded), relative to the threshold;
    `outward` (scale out) ranges go up from their bound, the others down."""
    threshold = bounded[0][0]
    found = []
    for index, (bound, change) in enumerate(bounded):
        near = _relative(bound, threshold)
        far = _relative(bounded[index + 1][0], threshold) if index + 1 < len(bounded) else None
        lower, upper = (near, far) if outward else (far, near)
        found.append(
            _StepAdjustment(
                scaling_adjustment=change, metric_interval_lower_bound=lower, metric_interval_upper_bound=upper
            )
        )
    return found


def _relative(bound: float, threshold: float) -> str:
    """A step bound relative to its alarm's threshold, as the provider's string (`99`, `0.5`: exact decimals)."""
    return _decimal(Decimal(repr(bound)) - Decimal(repr(threshold)))


def _number(value: float) -> str:
    return _decimal(Decimal(repr(value)))


def _decimal(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def _query(
    query_id: str, label: str, namespace: str, metric_name: str, dimensions: Mapping[str, str], stat: str
) -> _Query:
    return _Query(
        id=query_id,
        label=label,
        return_data=False,
        metric_stat=_Stat(
            stat=stat,
            metric=_Metric(
                namespace=namespace,
                metric_name=metric_name,
                dimensions=[_QueryDimension(name=k, value=v) for k, v in sorted(dimensions.items())] or None,
            ),
        ),
    )
