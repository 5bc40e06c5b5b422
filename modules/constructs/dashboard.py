"""A pipeline's CloudWatch dashboard body, built from typed values (pure: no cdktf).

The metrics here are the ones the alarms watch (`constructs.observability` builds its alarms from
`Metric`/`Expression` too), so a dashboard line and its alarm cannot disagree. The body is
`json.dumps(..., sort_keys=True)` of dataclasses: the same specs give the same bytes.
Layout (CloudWatch's 24-column grid): the experiment's header (`experiment:`), then one graph per metric
with every variant's line overlaid, two graphs a row (`Overlay`: each variant in its colour on every graph,
`colours`; its difference from control as metric math), then the latest error lines of each variant side by
side (Logs Insights).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..config import data
from ..config.autoscaling import AutoscalingConfig
from ..config.resolve import VariantSpec
from ..lib.markdown import text
from ..lib.terraform_literal import escape, evaluate

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
    color: str | None = None
    """The line's colour on a dashboard (`#rrggbb`); None: CloudWatch's choice."""
    period: int | None = None
    """Seconds per datapoint on a dashboard; None: the graph's."""

    def widget_line(self, period: int) -> list[Any]:
        """The dashboard's metric array: namespace, name, dimension pairs, then the options."""
        options: dict[str, Any] = {"id": self.id, "label": self.label, "period": self.period or period}
        options["stat"] = self.stat
        if not self.visible:
            options["visible"] = False
        if self.color:
            options["color"] = self.color
        return [self.namespace, self.name, *(item for pair in self.dimensions for item in pair), options]


@dataclass(frozen=True)
class Expression:
    """Metric math over the queries before it; the result shown (and alarmed on)."""

    id: str
    expression: str
    label: str
    color: str | None = None
    """The line's colour on a dashboard; None: CloudWatch's choice."""
    right_axis: bool = False
    """Drawn against the graph's right y axis (a difference, which may be negative)."""
    period: int | None = None
    """Seconds per datapoint on a dashboard; None: the graph's."""

    def widget_line(self, period: int) -> list[Any]:
        """The dashboard's expression line."""
        options: dict[str, Any] = {"expression": self.expression, "id": self.id, "label": self.label}
        options["period"] = self.period or period
        if self.color:
            options["color"] = self.color
        if self.right_axis:
            options["yAxis"] = "right"
        return [options]


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


@dataclass(frozen=True)
class InputMetric:
    """A graph of what a variant's `input` delivers: its title, unit, statistic and the metric per variant."""

    title: str
    metric: Callable[[str, VariantSpec], Metric]
    """(cluster name, variant) -> the variant's metric of its own copy of the input."""
    difference: bool
    """Whether the graph also shows each variant minus control."""


def _sqs_metric(name: str, stat: str, label: str) -> Callable[[str, VariantSpec], Metric]:
    def metric(cluster_name: str, spec: VariantSpec) -> Metric:
        queue = data.own_queue(spec.settings.input, cluster_name, spec.pipeline, spec.variant)
        return Metric("m1", SQS[0], name, ((SQS[2], queue),), stat, label)

    return metric


def _consumer_metric(name: str, stat: str, label: str) -> Callable[[str, VariantSpec], Metric]:
    def metric(cluster_name: str, spec: VariantSpec) -> Metric:
        stream = data.stream_name(spec.settings.input.kinesis.stream_arn)
        consumer = data.consumer_name(cluster_name, spec.pipeline, spec.variant)
        namespace = data.CONSUMER_LAG_METRIC[0]
        return Metric("m1", namespace, name, (("StreamName", stream), ("ConsumerName", consumer)), stat, label)

    return metric


_QUEUE_GRAPHS = (
    InputMetric(
        "input lag: age of the oldest message (s)",
        _sqs_metric("ApproximateAgeOfOldestMessage", "Maximum", "oldest message age"),
        difference=True,
    ),
    InputMetric(
        "input throughput: messages processed",
        _sqs_metric("NumberOfMessagesDeleted", "Sum", "messages deleted"),
        difference=False,
    ),
)

#: Per input kind (a key of `config.data.InputConfig`), the graphs of its lag and throughput: an input kind adds
#: its metrics here. `sns` fans out to one SQS queue per variant and `sqs` is the variant's own queue: the age of
#: its oldest message is how far the variant lags the stream, the messages it deletes what it processed.
#: `kinesis` gives each variant its own enhanced fan-out consumer: how far behind the stream's tip its reads are
#: (`CONSUMER_LAG_METRIC`) and the records delivered to it.
INPUT_METRICS: dict[str, tuple[InputMetric, ...]] = {
    "sns": _QUEUE_GRAPHS,
    "sqs": _QUEUE_GRAPHS,
    "kinesis": (
        InputMetric(
            "input lag: consumer behind the stream (ms)",
            _consumer_metric(data.CONSUMER_LAG_METRIC[1], data.CONSUMER_LAG_METRIC[2], "behind latest"),
            difference=True,
        ),
        InputMetric(
            "input throughput: records delivered",
            _consumer_metric("SubscribeToShardEvent.Records", "Sum", "records delivered"),
            difference=False,
        ),
    ),
}


def input_kind(spec: VariantSpec) -> str | None:
    """The kind of the variant's `input` (a key of `INPUT_METRICS`), None without one."""
    block = spec.settings.input
    return (
        next((kind for kind in type(block).model_fields if getattr(block, kind) is not None), None) if block else None
    )


def error_regex(terms: Sequence[str]) -> str:
    """A Logs Insights regex matching any term literally (terms hold letters, digits and `_ . : -` only)."""
    return "|".join(term.replace(".", "\\.") for term in terms)


def filter_pattern(terms: Sequence[str]) -> str:
    """A metric filter pattern matching a line holding any term (`?"ERROR" ?"Exception"`)."""
    return " ".join(f'?"{term}"' for term in terms)


@dataclass(frozen=True)
class Mark:
    """A horizontal line across a graph: an alarm threshold or a scaling step, in its variant's colour."""

    label: str
    value: float
    color: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The annotation as CloudWatch's dashboard body structure."""
        return {"label": self.label, "value": self.value} | ({"color": self.color} if self.color else {})


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
    marks: tuple[Mark, ...] = ()
    """More horizontal lines after the alarm threshold."""

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
        lines = ([Mark("alarm", self.threshold)] if self.threshold is not None else []) + list(self.marks)
        if lines:
            properties["annotations"] = {"horizontal": [mark.to_json() for mark in lines]}
        return _placed(self, "metric", properties)


@dataclass(frozen=True)
class TextWidget:
    """Markdown: the experiment's header."""

    x: int
    y: int
    width: int
    markdown: str
    height: int = HEIGHT

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
        "height": getattr(widget, "height", HEIGHT),
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


#: Each variant's colour on every graph of its pipeline's dashboard, control first then the others in config order
#: (a palette of ten, repeated past that): its line's, and a lighter shade for its second line (desired tasks) and
#: its difference from control.
PALETTE = (
    ("#1f77b4", "#aec7e8"),
    ("#ff7f0e", "#ffbb78"),
    ("#2ca02c", "#98df8a"),
    ("#d62728", "#ff9896"),
    ("#9467bd", "#c5b0d5"),
    ("#8c564b", "#c49c94"),
    ("#e377c2", "#f7b6d2"),
    ("#7f7f7f", "#c7c7c7"),
    ("#bcbd22", "#dbdb8d"),
    ("#17becf", "#9edae5"),
)
#: The variant the others are compared with (`<variant> - control` lines).
CONTROL = "control"
#: Graphs per row, and the header's height in grid rows.
GRAPHS_PER_ROW = 2
HEADER_HEIGHT = 3


def colours(specs: Sequence[VariantSpec]) -> dict[str, tuple[str, str]]:
    """Per variant name its (line, shade) colours: control first, then the others in config order."""
    names = sorted((spec.variant for spec in specs), key=lambda name: name != CONTROL)
    return {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(names)}


def _renamed(queries: Sequence[Query], prefix: str) -> list[Query]:
    """`queries` with ids unique in a graph of several variants: the value (the last) is `prefix`, the others
    `<prefix>_<id>`, expressions rewritten to match."""
    last = len(queries) - 1
    ids = {query.id: prefix if index == last else f"{prefix}_{query.id}" for index, query in enumerate(queries)}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, ids)) + r")\b")
    renamed: list[Query] = []
    for query in queries:
        if isinstance(query, Expression):
            query = replace(query, expression=pattern.sub(lambda match: ids[match[1]], query.expression))
        renamed.append(replace(query, id=ids[query.id]))
    return renamed


def _no_marks(spec: VariantSpec) -> tuple[tuple[str, float], ...]:
    return ()


@dataclass(frozen=True)
class Overlay:
    """One graph with every variant's line: per variant its queries (the last one is its value; a visible one
    before it is drawn too), its horizontal marks (label, value), its period."""

    title: str
    y_range: tuple[float, float | None]
    queries: Callable[[VariantSpec], Sequence[Query] | None]
    """The variant's queries; None: it has none of this metric (left out)."""
    marks: Callable[[VariantSpec], Sequence[tuple[str, float]]] = _no_marks
    difference: bool = False
    """Also each variant minus control, on the right axis (when their periods match: metric math needs one)."""
    period: Callable[[VariantSpec], int] | None = None
    """The variant's period; None: its `observability.period`."""

    def widget(self, specs: Sequence[VariantSpec], *, x: int, y: int, width: int, region: str) -> MetricWidget:
        """The graph: each variant's value in its colour labelled with its name, a visible second line in its
        shade, then each variant minus control; marks once when every variant's are the same, else per variant
        in its colour."""
        palette = colours(specs)
        lines: list[Query] = []
        values: dict[str, tuple[str, int]] = {}  # variant -> (value id, period)
        marks: dict[str, tuple[tuple[str, float], ...]] = {}
        for index, spec in enumerate(specs):
            queries = self.queries(spec)
            if not queries:
                continue
            period = self.period(spec) if self.period else spec.observability.period  # type: ignore[union-attr]
            line, shade = palette[spec.variant]
            for query in _renamed(queries, f"v{index}"):
                value = query.id == f"v{index}"
                label = (
                    spec.variant if value and query.label in ("", spec.variant) else f"{spec.variant}: {query.label}"
                )
                visible = not isinstance(query, Metric) or query.visible
                colour = (line if value else shade) if visible else None
                lines.append(replace(query, label=label, color=colour, period=period))
            values[spec.variant] = (f"v{index}", period)
            marks[spec.variant] = tuple(self.marks(spec))
        control = values.get(CONTROL)
        for index, spec in enumerate(specs):
            own = values.get(spec.variant)
            if not self.difference or control is None or own is None or spec.variant == CONTROL or own[1] != control[1]:
                continue
            label, shade = f"{spec.variant} - {CONTROL}", palette[spec.variant][1]
            lines.append(Expression(f"d{index}", f"{own[0]} - {control[0]}", label, shade, True, own[1]))
        shared = set(marks.values())
        if len(shared) == 1:
            drawn = tuple(Mark(label, value) for label, value in shared.pop())
        else:
            drawn = tuple(
                Mark(f"{variant} {label}", value, palette[variant][0])
                for variant, own_marks in marks.items()
                for label, value in own_marks
            )
        period = next(iter(values.values()))[1]
        return MetricWidget(x, y, width, self.title, region, period, tuple(lines), self.y_range, marks=drawn)


def _md(value: str) -> str:
    """A config string (a Terraform literal, as the stack passes every one) as Markdown text, literal again."""
    return escape(text(evaluate(value)))


def experiment_header(specs: Sequence[VariantSpec]) -> str | None:
    """The header's Markdown: the experiment's id, hypothesis, owner, start and the variants compared, each a
    value (`lib.markdown.text`), never structure; None without an experiment."""
    experiment = specs[0].experiment
    if experiment is None:
        return None
    variants = ", ".join(_md(spec.variant) for spec in specs)
    return (
        f"## Experiment {_md(experiment.id)}\n\n"
        f"**Hypothesis:** {_md(experiment.hypothesis)}\n\n"
        f"**Owner:** {_md(experiment.owner)} · **Started:** {experiment.start.isoformat()} · "
        f"**Variants:** {variants}"
    )


def _most_tasks(specs: Sequence[VariantSpec]) -> int:
    return max(
        max(spec.settings.autoscaling.max if spec.settings.autoscaling else spec.settings.desired_count, 1)
        for spec in specs
    )


def _alarm(value: float | None) -> tuple[tuple[str, float], ...]:
    return () if value is None else (("alarm", value),)


def overlays(cluster_name: str, specs: Sequence[VariantSpec]) -> list[Overlay]:
    """The graphs of a pipeline's dashboard, in order: CPU, memory, running tasks, error lines, then where any
    variant has one the stream signal (`autoscaling.backlog`), the step scaling signal (`autoscaling.steps`) and
    each graph of its input (`INPUT_METRICS`)."""

    def obs(spec: VariantSpec) -> Any:
        return spec.observability

    found = [
        Overlay(
            "CPU utilization (%)",
            (0, 100),
            lambda spec: (utilization(cluster_name, spec, "CPU"),),
            lambda spec: _alarm(obs(spec).cpu_threshold),
            difference=True,
        ),
        Overlay(
            "Memory utilization (%)",
            (0, 100),
            lambda spec: (utilization(cluster_name, spec, "Memory"),),
            lambda spec: _alarm(obs(spec).memory_threshold),
            difference=True,
        ),
        Overlay(
            "running vs desired tasks",
            (0, _most_tasks(specs)),
            lambda spec: tuple(reversed(task_counts(cluster_name, spec))),
        ),
        Overlay(
            "error lines",
            (0, None),
            lambda spec: (error_metric(cluster_name, spec),),
            lambda spec: _alarm(obs(spec).error_threshold),
            difference=True,
        ),
    ]
    signals = {spec.variant: stream_signal(cluster_name, spec) for spec in specs}
    if any(signals.values()):
        units = {signal.unit for signal in signals.values() if signal}
        unit = next(iter(units)) if len(units) == 1 else ""
        found.append(
            Overlay(
                f"stream signal ({unit})" if unit else "stream signal",
                (0, None),
                lambda spec: signal.queries if (signal := signals[spec.variant]) else None,
                lambda spec: _alarm(obs(spec).stream_lag_threshold),
            )
        )
    if any(step_signal(spec.settings.autoscaling) for spec in specs):
        found.append(
            Overlay(
                "step scaling signal",
                (0, None),
                lambda spec: (metric,) if (metric := step_signal(spec.settings.autoscaling)) else None,
                lambda spec: step_thresholds(spec.settings.autoscaling),
                period=lambda spec: STEP_PERIOD,
            )
        )
    for kind in dict.fromkeys(kind for spec in specs if (kind := input_kind(spec))):
        found += [
            Overlay(
                graph.title,
                (0, None),
                lambda spec, graph=graph, kind=kind: (
                    (graph.metric(cluster_name, spec),) if input_kind(spec) == kind else None
                ),
                difference=graph.difference,
            )
            for graph in INPUT_METRICS[kind]
        ]
    return found


def pipeline_dashboard(specs: Sequence[VariantSpec], *, cluster_name: str, region: str) -> Dashboard:
    """The dashboard of one pipeline's observed variants (`specs`, each with `observability` set; strings are
    Terraform literals, as the stack passes them): the experiment's header, one graph per metric with every
    variant's line overlaid (`Overlay`), two a row, then each variant's latest errors side by side."""
    widgets: list[Widget] = []
    row = 0
    header = experiment_header(specs)
    if header is not None:
        widgets.append(TextWidget(0, 0, GRID, header, HEADER_HEIGHT))
        row = HEADER_HEIGHT
    graphs = overlays(cluster_name, specs)
    width = GRID // GRAPHS_PER_ROW
    for index, graph in enumerate(graphs):
        x, y = (index % GRAPHS_PER_ROW) * width, row + (index // GRAPHS_PER_ROW) * HEIGHT
        widgets.append(graph.widget(specs, x=x, y=y, width=width, region=region))
    row += -(-len(graphs) // GRAPHS_PER_ROW) * HEIGHT
    columns = min(len(specs), MAX_COLUMNS)
    width = GRID // columns
    for index, spec in enumerate(specs):
        obs: Any = spec.observability
        widgets.append(
            LogWidget(
                (index % columns) * width,
                row + (index // columns) * HEIGHT,
                width,
                f"{spec.variant}: latest errors",
                region,
                f"SOURCE '{spec.names.log_group}' | fields @timestamp, @logStream, @message"
                f" | filter @message like /{error_regex(obs.error_terms)}/"
                f" | sort @timestamp desc | limit {LATEST_ERRORS}",
            )
        )
    return Dashboard(tuple(widgets))
