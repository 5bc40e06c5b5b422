"""A pipeline's CloudWatch dashboard body, built from typed values (pure: no cdktf).

The metrics here are the ones the alarms watch (`constructs.observability` builds its alarms from
`Metric`/`Expression` too), so a dashboard line and its alarm cannot disagree. The body is
`json.dumps(..., sort_keys=True)` of dataclasses: the same specs give the same bytes.
Layout (CloudWatch's 24-column grid): one row per signal, the variants side by side in config order,
each row's widgets on the same y axis (the step scaling row, when a variant has steps, shows the
signal with its scale-out and scale-in thresholds); then the latest error lines of each variant
(Logs Insights).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config.autoscaling import AutoscalingConfig
from ..config.observability import ObservabilitySpec
from ..config.resolve import VariantSpec

ECS = "AWS/ECS"
INSIGHTS = "ECS/ContainerInsights"
SQS = ("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName")
KINESIS = ("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName")
#: Namespace of the error counts the metric filters publish, per cluster (`<namespace>/<cluster>`).
ERRORS_NAMESPACE = "FeaturePipelines"
GRID = 24
HEIGHT = 6
MAX_COLUMNS = 4
LATEST_ERRORS = 20
#: Seconds per datapoint of the step scaling alarms.
STEP_PERIOD = 60


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric as a query (`id`), with its statistic."""

    id: str
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    label: str
    visible: bool = True

    def widget_line(self, period: int) -> list[Any]:
        """The dashboard's metric array: namespace, name, dimension pairs, then the options."""
        options = {"id": self.id, "label": self.label, "period": period, "stat": self.stat}
        if not self.visible:
            options["visible"] = False
        return [self.namespace, self.name, *(item for pair in self.dimensions for item in pair), options]


@dataclass(frozen=True)
class Expression:
    """Metric math over the queries before it; the result shown (and alarmed on)."""

    id: str
    expression: str
    label: str

    def widget_line(self, period: int) -> list[Any]:
        """The dashboard's expression line."""
        return [{"expression": self.expression, "id": self.id, "label": self.label, "period": period}]


Query = Metric | Expression


@dataclass(frozen=True)
class Signal:
    """A variant's stream signal: its queries (the last one is the value) and unit."""

    queries: tuple[Query, ...]
    unit: str


def service_dimensions(cluster_name: str, spec: VariantSpec) -> tuple[tuple[str, str], ...]:
    """ClusterName and ServiceName: how both `AWS/ECS` and Container Insights key a service."""
    return (("ClusterName", cluster_name), ("ServiceName", spec.names.service))


def utilization(cluster_name: str, spec: VariantSpec, kind: str) -> Metric:
    """`AWS/ECS` CPUUtilization or MemoryUtilization (`kind`: CPU, Memory), the service's average."""
    return Metric("m1", ECS, f"{kind}Utilization", service_dimensions(cluster_name, spec), "Average", spec.variant)


def task_counts(cluster_name: str, spec: VariantSpec) -> tuple[Metric, Metric]:
    """Container Insights' RunningTaskCount and DesiredTaskCount of the service."""
    dimensions = service_dimensions(cluster_name, spec)
    return (
        Metric("running", INSIGHTS, "RunningTaskCount", dimensions, "Average", "running"),
        Metric("desired", INSIGHTS, "DesiredTaskCount", dimensions, "Average", "desired"),
    )


def error_metric(cluster_name: str, spec: VariantSpec) -> Metric:
    """The error lines the variant's metric filter counts (Sum per period)."""
    return Metric(
        "m1", f"{ERRORS_NAMESPACE}/{cluster_name}", f"{spec.pipeline}/{spec.variant}/errors", (), "Sum", "errors"
    )


def stream_signal(cluster_name: str, spec: VariantSpec) -> Signal | None:
    """The variant's `autoscaling.backlog` as queries: SQS backlog per task, Kinesis iterator age, or the metric."""
    backlog = spec.settings.autoscaling.backlog if spec.settings.autoscaling else None
    if backlog is None:
        return None
    dimensions = service_dimensions(cluster_name, spec)
    running = Metric("tasks", INSIGHTS, "RunningTaskCount", dimensions, "Average", "running tasks", visible=False)
    if backlog.source == "kinesis":
        namespace, name, dimension = KINESIS
        metric = Metric("m1", namespace, name, ((dimension, backlog.stream_name or ""),), "Maximum", "iterator age")
        return Signal((metric,), "ms")
    if backlog.source == "sqs":
        namespace, name, dimension = SQS
        visible = Metric("signal", namespace, name, ((dimension, backlog.queue_name or ""),), "Sum", "visible", False)
        return Signal((visible, running, Expression("m1", "signal / tasks", "messages per task")), "messages")
    metric_dimensions = tuple(sorted((backlog.dimensions or {}).items()))
    statistic = backlog.statistic or "Average"
    if backlog.per_task:
        metric = Metric(
            "signal", backlog.namespace or "", backlog.metric_name or "", metric_dimensions, statistic, "", False
        )
        return Signal((metric, running, Expression("m1", "signal / tasks", "per task")), "per task")
    metric = Metric(
        "m1",
        backlog.namespace or "",
        backlog.metric_name or "",
        metric_dimensions,
        statistic,
        backlog.metric_name or "",
    )
    return Signal((metric,), "")


def step_signal(scaling: AutoscalingConfig | None) -> Metric | None:
    """The `steps` signal of an autoscaling block as its alarms read it: absolute (not per task), one-minute
    datapoints; `sqs` the queue's visible messages and `kinesis` the iterator age (Maximum), else the metric."""
    steps = scaling.steps if scaling else None
    if steps is None:
        return None
    if steps.source in ("sqs", "kinesis"):
        namespace, name, dimension = SQS if steps.source == "sqs" else KINESIS
        value = steps.queue_name if steps.source == "sqs" else steps.stream_name
        return Metric("m1", namespace, name, ((dimension, value or ""),), "Maximum", name)
    dimensions = tuple(sorted((steps.dimensions or {}).items()))
    name = steps.metric_name or ""
    return Metric("m1", steps.namespace or "", name, dimensions, steps.statistic or "Average", name)


def step_thresholds(scaling: AutoscalingConfig | None) -> tuple[tuple[str, float], ...]:
    """The step scaling alarms' thresholds: ("scale out", lowest at_least), ("scale in", highest at_most)."""
    steps = scaling.steps if scaling else None
    if steps is None:
        return ()
    marks = [("scale out", steps.scale_out[0].at_least)] if steps.scale_out else []
    return tuple(marks + ([("scale in", steps.scale_in[0].at_most)] if steps.scale_in else []))


def error_regex(terms: Sequence[str]) -> str:
    """A Logs Insights regex matching any term literally (terms hold letters, digits and `_ . : -` only)."""
    return "|".join(term.replace(".", "\\.") for term in terms)


def filter_pattern(terms: Sequence[str]) -> str:
    """A metric filter pattern matching a line holding any term (`?"ERROR" ?"Exception"`)."""
    return " ".join(f'?"{term}"' for term in terms)


@dataclass(frozen=True)
class MetricWidget:
    """A time series graph."""

    x: int
    y: int
    width: int
    title: str
    region: str
    period: int
    lines: tuple[Query, ...]
    y_range: tuple[float, float | None]
    threshold: float | None = None
    marks: tuple[tuple[str, float], ...] = ()
    """More horizontal lines, (label, value), after the alarm threshold."""

    def to_json(self) -> dict[str, Any]:
        """The widget as CloudWatch's dashboard body structure."""
        low, high = self.y_range
        axis: dict[str, float] = {"min": low} | ({"max": high} if high is not None else {})
        properties: dict[str, Any] = {
            "metrics": [query.widget_line(self.period) for query in self.lines],
            "period": self.period,
            "region": self.region,
            "stacked": False,
            "title": self.title,
            "view": "timeSeries",
            "yAxis": {"left": axis},
        }
        lines = ([("alarm", self.threshold)] if self.threshold is not None else []) + list(self.marks)
        if lines:
            properties["annotations"] = {"horizontal": [{"label": label, "value": value} for label, value in lines]}
        return _placed(self, "metric", properties)


@dataclass(frozen=True)
class TextWidget:
    """A note where a variant has nothing to show."""

    x: int
    y: int
    width: int
    title: str
    markdown: str

    def to_json(self) -> dict[str, Any]:
        """The widget as CloudWatch's dashboard body structure."""
        return _placed(self, "text", {"markdown": self.markdown})


@dataclass(frozen=True)
class LogWidget:
    """A Logs Insights table."""

    x: int
    y: int
    width: int
    title: str
    region: str
    query: str

    def to_json(self) -> dict[str, Any]:
        """The widget as CloudWatch's dashboard body structure."""
        properties = {"query": self.query, "region": self.region, "title": self.title, "view": "table"}
        return _placed(self, "log", properties)


Widget = MetricWidget | TextWidget | LogWidget


def _placed(widget: Widget, kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "height": HEIGHT,
        "properties": properties,
        "type": kind,
        "width": widget.width,
        "x": widget.x,
        "y": widget.y,
    }


@dataclass(frozen=True)
class Dashboard:
    """A pipeline's widgets, in reading order."""

    widgets: tuple[Widget, ...] = field(default=())

    def body(self) -> str:
        """The `dashboard_body` JSON: sorted keys, no whitespace, so the same widgets give the same bytes."""
        document = {"widgets": [widget.to_json() for widget in self.widgets]}
        return json.dumps(document, sort_keys=True, separators=(",", ":"))


def _most_tasks(specs: Sequence[VariantSpec]) -> int:
    return max(
        max(spec.settings.autoscaling.max if spec.settings.autoscaling else spec.settings.desired_count, 1)
        for spec in specs
    )


def pipeline_dashboard(specs: Sequence[VariantSpec], *, cluster_name: str, region: str) -> Dashboard:
    """The dashboard of one pipeline's observed variants (`specs`, each with `observability` set)."""
    columns = min(len(specs), MAX_COLUMNS)
    width = GRID // columns
    rows_per_signal = -(-len(specs) // columns)
    widgets: list[Widget] = []
    row = 0

    def place(index: int) -> tuple[int, int]:
        return (index % columns) * width, (row + index // columns) * HEIGHT

    def add_row(make: Any) -> None:
        nonlocal row
        for index, spec in enumerate(specs):
            x, y = place(index)
            widgets.append(make(spec, spec.observability, x, y))
        row += rows_per_signal

    for kind in ("CPU", "Memory"):
        add_row(
            lambda spec, obs, x, y, kind=kind: MetricWidget(
                x,
                y,
                width,
                f"{spec.variant}: {kind} utilization (%)",
                region,
                obs.period,
                (utilization(cluster_name, spec, kind),),
                (0, 100),
                obs.cpu_threshold if kind == "CPU" else obs.memory_threshold,
            )
        )
    most = _most_tasks(specs)
    add_row(
        lambda spec, obs, x, y: MetricWidget(
            x,
            y,
            width,
            f"{spec.variant}: running vs desired tasks",
            region,
            obs.period,
            task_counts(cluster_name, spec),
            (0, most),
        )
    )
    signals = {spec.address: stream_signal(cluster_name, spec) for spec in specs}
    if any(signals.values()):

        def stream(spec: VariantSpec, obs: ObservabilitySpec, x: int, y: int) -> Widget:
            signal = signals[spec.address]
            if signal is None:
                return TextWidget(
                    x, y, width, f"{spec.variant}: stream", "No stream signal (no `autoscaling.backlog`)."
                )
            title = (
                f"{spec.variant}: stream signal ({signal.unit})" if signal.unit else f"{spec.variant}: stream signal"
            )
            return MetricWidget(
                x, y, width, title, region, obs.period, signal.queries, (0, None), obs.stream_lag_threshold
            )

        add_row(stream)
    if any(spec.settings.autoscaling and spec.settings.autoscaling.steps for spec in specs):

        def steps(spec: VariantSpec, obs: ObservabilitySpec, x: int, y: int) -> Widget:
            metric = step_signal(spec.settings.autoscaling)
            if metric is None:
                return TextWidget(
                    x, y, width, f"{spec.variant}: step scaling", "No step scaling (no `autoscaling.steps`)."
                )
            return MetricWidget(
                x,
                y,
                width,
                f"{spec.variant}: step scaling signal",
                region,
                STEP_PERIOD,
                (metric,),
                (0, None),
                marks=step_thresholds(spec.settings.autoscaling),
            )

        add_row(steps)
    add_row(
        lambda spec, obs, x, y: MetricWidget(
            x,
            y,
            width,
            f"{spec.variant}: error lines",
            region,
            obs.period,
            (error_metric(cluster_name, spec),),
            (0, None),
            obs.error_threshold,
        )
    )
    add_row(
        lambda spec, obs, x, y: LogWidget(
            x,
            y,
            width,
            f"{spec.variant}: latest errors",
            region,
            f"SOURCE '{spec.names.log_group}' | fields @timestamp, @logStream, @message"
            f" | filter @message like /{error_regex(obs.error_terms)}/"
            f" | sort @timestamp desc | limit {LATEST_ERRORS}",
        )
    )
    return Dashboard(tuple(widgets))
