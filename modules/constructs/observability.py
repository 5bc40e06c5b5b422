"""Alarms per variant and a dashboard per pipeline that puts its variants side by side."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from ..config.names import LIMITS, alarm_name, fit
from ..config.observability import ObservabilitySpec
from ..config.resolve import VariantSpec
from ..runtime import cdk
from ..runtime.cdk import Construct
from .address import Address, pin
from .dashboard import (
    Expression,
    Metric,
    Query,
    error_metric,
    filter_pattern,
    pipeline_dashboard,
    stream_signal,
    task_counts,
    utilization,
)
from .props import ALWAYS, Switches

DEPLOYMENT_FAILED = "SERVICE_DEPLOYMENT_FAILED"


def count(switch: str | None) -> float | None:
    """The `count` of a resource that exists while `switch` (a Terraform condition) is true: 1, else 0; None
    (no switch): no `count`, the resource always exists."""
    return None if switch is None else cdk.Token.as_number(f"${{{switch} ? 1 : 0}}")


def alarm_queries(spec: VariantSpec, cluster_name: str) -> dict[str, tuple[tuple[Query, ...], float, int, str]]:
    """Per alarm suffix: its queries (the last one is alarmed on), threshold, minutes, what it means."""
    obs: ObservabilitySpec = spec.observability  # type: ignore[assignment]
    running, desired = task_counts(cluster_name, spec)
    missing = Expression("missing", "desired - running", "tasks below desired")
    found = {
        "tasks": (
            (running, desired, missing),
            0.0,
            obs.tasks_below_desired_minutes,
            "fewer tasks running than desired (a crash loop or a failed deployment)",
        ),
        "errors": ((error_metric(cluster_name, spec),), float(obs.error_threshold), 1, "error lines in the logs"),
        "cpu": ((utilization(cluster_name, spec, "CPU"),), obs.cpu_threshold, obs.saturation_minutes, "CPU saturated"),
        "memory": (
            (utilization(cluster_name, spec, "Memory"),),
            obs.memory_threshold,
            obs.saturation_minutes,
            "memory saturated",
        ),
    }
    signal = stream_signal(cluster_name, spec)
    if signal is not None and obs.stream_lag_threshold is not None:
        found["stream_lag"] = (signal.queries, obs.stream_lag_threshold, obs.stream_lag_minutes, "stream lag")
    return found


def _metric_arguments(queries: Sequence[Query], period: int) -> dict[str, object]:
    """A single metric as the alarm's own metric; several as metric math (`metric_query`)."""
    if len(queries) == 1 and isinstance(queries[0], Metric):
        (metric,) = queries
        return {
            "namespace": metric.namespace,
            "metric_name": metric.name,
            "dimensions": dict(metric.dimensions) or None,
            "statistic": metric.stat,
            "period": period,
        }
    last = queries[-1]
    return {
        "metric_query": [
            cdk.CloudwatchMetricAlarmMetricQuery(
                id=query.id,
                label=query.label,
                return_data=query is last,
                expression=query.expression if isinstance(query, Expression) else None,
                metric=None
                if isinstance(query, Expression)
                else cdk.CloudwatchMetricAlarmMetricQueryMetric(
                    namespace=query.namespace,
                    metric_name=query.name,
                    dimensions=dict(query.dimensions) or None,
                    stat=query.stat,
                    period=period,
                ),
            )
            for query in queries
        ]
    }


class VariantObservability(Construct):
    """One variant's error metric filter, alarms and (optionally) deployment failure events.

    Addresses derive from the variant's stem (`<pipeline>_<variant>`) only, and every
    attribute from the variant's own spec, so changing one variant leaves the others' alarms
    byte-identical: `aws_cloudwatch_log_metric_filter.<stem>_errors`,
    `aws_cloudwatch_metric_alarm.<stem>_tasks`, `_errors`, `_cpu`, `_memory` and (with a stream
    signal) `_stream_lag`; `aws_cloudwatch_event_rule.<stem>_deployment_failed` and one
    `aws_cloudwatch_event_target.<stem>_deployment_failed_<hash of the topic>` per topic.

    Behaviour:

    - The metric filter counts log lines holding any error term (`FeaturePipelines/<cluster>`,
      metric `<pipeline>/<variant>/errors`, 0 when lines match nothing).
    - `tasks`: Container Insights' DesiredTaskCount - RunningTaskCount (ClusterName,
      ServiceName) above 0 for every datapoint of `tasks_below_desired_minutes`.
    - `errors`: more error lines than `error_threshold` in one period.
    - `cpu`, `memory`: `AWS/ECS` utilization above the threshold for `saturation_minutes`.
    - `stream_lag`: the autoscaling backlog signal above the lag threshold for `stream_lag_minutes`.
    - Missing data is not breaching (no tasks, no log lines: no alarm); alarm and OK actions
      notify `alarm_topic_arns`.
    - Deployment failure events: an EventBridge rule matching ECS's `SERVICE_DEPLOYMENT_FAILED`
      for this service, targeting each topic.
    - Switches (Terraform conditions; the exported module's variables, `props.Switches`): with
      `filter_switch` the metric filter, with `alarms_switch` the alarms, the rule and its targets
      (which then name `rule[0]`) have `count` 1 while it is true, else 0. None: always created.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        spec: VariantSpec,
        cluster_name: str,
        log_group: Address,
        service: Address,
        tags: Mapping[str, str],
        filter_switch: str | None = None,
        alarms_switch: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        obs: ObservabilitySpec = spec.observability  # type: ignore[assignment]
        stem = spec.address
        errors = error_metric(cluster_name, spec)
        metric_filter = cdk.CloudwatchLogMetricFilter(
            self,
            "error_filter",
            name=f"{stem}_errors",
            log_group_name=log_group.ref("name"),
            pattern=filter_pattern(obs.error_terms),
            metric_transformation=cdk.CloudwatchLogMetricFilterMetricTransformation(
                name=errors.name, namespace=errors.namespace, value="1", default_value="0", unit="Count"
            ),
            count=count(filter_switch),
        )
        self.addresses: dict[str, Address] = {"metric_filter": pin(metric_filter, f"{stem}_errors")}
        topics = list(obs.alarm_topic_arns)
        for suffix, (queries, threshold, minutes, meaning) in alarm_queries(spec, cluster_name).items():
            periods = obs.periods(minutes)
            alarm = cdk.CloudwatchMetricAlarm(
                self,
                suffix,
                alarm_name=alarm_name(cluster_name, stem, suffix),
                alarm_description=f"{spec.pipeline}/{spec.variant}: {meaning}",
                comparison_operator="GreaterThanThreshold",
                threshold=threshold,
                evaluation_periods=periods,
                datapoints_to_alarm=periods,
                treat_missing_data="notBreaching",
                alarm_actions=topics or None,
                ok_actions=topics or None,
                tags=dict(tags),
                count=count(alarms_switch),
                **_metric_arguments(queries, obs.period),
            )
            self.addresses[f"alarm_{suffix}"] = pin(alarm, f"{stem}_{suffix}")
        if obs.deployment_failure_events:
            self._deployment_events(spec, cluster_name, service, topics, tags, alarms_switch)

    def _deployment_events(
        self,
        spec: VariantSpec,
        cluster_name: str,
        service: Address,
        topics: list[str],
        tags: Mapping[str, str],
        switch: str | None,
    ) -> None:
        stem = spec.address
        pattern = {
            "detail": {"eventName": [DEPLOYMENT_FAILED]},
            "detail-type": ["ECS Deployment State Change"],
            "resources": [service.ref("id")],
            "source": ["aws.ecs"],
        }
        rule = cdk.CloudwatchEventRule(
            self,
            "deployment_failed",
            name=fit(f"{cluster_name}_{stem}_deploy_failed", LIMITS["event_rule"]),
            description=f"{spec.pipeline}/{spec.variant}: ECS deployment failed",
            event_pattern=json.dumps(pattern, sort_keys=True, separators=(",", ":")),
            tags=dict(tags),
            count=count(switch),
        )
        rule_address = pin(rule, f"{stem}_deployment_failed")
        rule_name = rule_address.ref("name") if switch is None else f"${{{rule_address}[0].name}}"
        self.addresses["deployment_rule"] = rule_address
        for topic in topics:
            suffix = hashlib.sha256(topic.encode()).hexdigest()[:8]
            target = cdk.CloudwatchEventTarget(
                self,
                f"deployment_failed_{suffix}",
                rule=rule_name,
                arn=topic,
                target_id=f"sns-{suffix}",
                count=count(switch),
            )
            self.addresses[f"deployment_target_{suffix}"] = pin(target, f"{stem}_deployment_failed_{suffix}")


class PipelineDashboard(Construct):
    """`aws_cloudwatch_dashboard.<pipeline>`, named `<cluster>_<pipeline>`: the variants side by side
    (`dashboard.pipeline_dashboard`). The pipeline's one shared resource: it changes with any variant.
    With `switch` (a Terraform condition) it has `count` 1 while that is true, else 0."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        specs: Sequence[VariantSpec],
        cluster_name: str,
        region: str,
        switch: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        pipeline = specs[0].pipeline
        body = pipeline_dashboard(specs, cluster_name=cluster_name, region=region).body()
        dashboard = cdk.CloudwatchDashboard(
            self,
            "dashboard",
            dashboard_name=fit(f"{cluster_name}_{pipeline}", LIMITS["dashboard"]),
            dashboard_body=body,
            count=count(switch),
        )
        self.address = pin(dashboard, pipeline)


def add_observability(
    scope: Construct,
    specs: Sequence[VariantSpec],
    *,
    cluster_name: str,
    region: str,
    addresses: Mapping[str, Mapping[str, Address]],
    tags: Mapping[str, Mapping[str, str]],
    switches: Switches = ALWAYS,
) -> None:
    """Per observed variant its `VariantObservability`, per pipeline with one its `PipelineDashboard`, created
    while their `switches` are on.

    `addresses`: each variant's pinned addresses (`VariantService.addresses`), `tags` the tags its resources
    carry, by variant address.
    """
    pipelines: dict[str, list[VariantSpec]] = {}
    for spec in specs:
        if spec.observability is None:
            continue
        pipelines.setdefault(spec.pipeline, []).append(spec)
        own = addresses[spec.address]
        VariantObservability(
            scope,
            f"{spec.address}_observability",
            spec=spec,
            cluster_name=cluster_name,
            log_group=own["log_group"],
            service=own["service"],
            tags=tags[spec.address],
            filter_switch=switches.observability,
            alarms_switch=switches.alarms.get(spec.address),
        )
    for pipeline, observed in pipelines.items():
        PipelineDashboard(
            scope,
            f"{pipeline}__dashboard",
            specs=observed,
            cluster_name=cluster_name,
            region=region,
            switch=switches.observability,
        )
