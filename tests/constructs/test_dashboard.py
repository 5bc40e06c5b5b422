"""The pipeline dashboard as CloudWatch receives it (the synthesized `dashboard_body`, as Terraform evaluates it):
one graph per metric with every variant's line overlaid, each variant's colour the same on every graph, the
difference from control as valid metric math, the experiment's header as Markdown data, within AWS's limits."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

from modules.config import aws_rules
from modules.config.data import InputQueues, consumer_name
from modules.constructs.dashboard import INPUT_METRICS, PALETTE, pipeline_dashboard
from modules.lib.terraform_literal import evaluate
from tests.helpers import ROOT, SQS, default_data, load, synth

CLUSTER = "feature-pipelines"
#: A metric math id: a lowercase letter, then letters, digits and underscores (CloudWatch's MetricDataQuery Id).
QUERY_ID = re.compile(r"[a-z][a-zA-Z0-9_]*")
EXPERIMENT = {
    "id": "encoder-batch-64",
    "hypothesis": '# Batches of 64 | halve *lag* <b>bold</b> [link](http://x) ${file("/etc/passwd")} %{if}',
    "owner": "@ml-platform",
    "start": "2026-11-30",
}


def widgets_of(stack: dict[str, Any], pipeline: str = "news-encoder") -> list[dict[str, Any]]:
    """The widgets as CloudWatch receives them (Terraform's escapes resolved)."""
    body = stack["resource"]["aws_cloudwatch_dashboard"][pipeline]["dashboard_body"]
    return json.loads(evaluate(body))["widgets"]


def graphs(widgets: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {w["properties"]["title"]: w["properties"] for w in widgets if w["type"] == "metric"}


def options(line: list[Any]) -> dict[str, Any]:
    return line[-1]


@pytest.fixture(scope="module")
def three_variants() -> dict[str, Any]:
    """The default config with a third variant written before control, every signal: stream, steps, input."""
    data = default_data()
    pipeline = data["pipelines"]["news-encoder"]
    pipeline["input"] = {"sns": {"topic_arn": "arn:aws:sns:ap-northeast-1:123456789012:news-articles"}}
    pipeline["autoscaling"] = {"min": 1, "max": 4, "backlog": {"source": "sqs", "target": 100}}
    variants = pipeline["variants"]
    pipeline["variants"] = {"canary": {"image_tag": "c", "observability": {"period": 300}}, **variants}
    variants["treatment"]["autoscaling"] = {
        "min": 1,
        "max": 3,
        "steps": {"source": "sqs", "queue_name": "q", "scale_out": [{"at_least": 10, "add": 1}]},
    }
    return widgets_of(synth(data))


def test_one_graph_per_metric_with_every_variants_line(three_variants):
    found = graphs(three_variants)
    assert list(found) == [
        "CPU utilization (%)",
        "Memory utilization (%)",
        "running vs desired tasks",
        "error lines",
        "stream signal (messages)",
        "step scaling signal",
        "input lag: age of the oldest message (s)",
        "input throughput: messages processed",
    ]
    cpu = found["CPU utilization (%)"]["metrics"]
    assert [line[:6] for line in cpu if len(line) > 1] == [
        ["AWS/ECS", "CPUUtilization", "ClusterName", CLUSTER, "ServiceName", f"news-encoder_{variant}"]
        for variant in ("canary", "control", "treatment")
    ]
    lag = found["input lag: age of the oldest message (s)"]["metrics"]
    assert [line[:4] for line in lag if len(line) > 1] == [
        ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", InputQueues.of(CLUSTER, "news-encoder", v).queue]
        for v in ("canary", "control", "treatment")
    ]
    assert [w["properties"]["title"] for w in three_variants if w["type"] == "log"] == [
        f"{variant}: latest errors" for variant in ("canary", "control", "treatment")
    ]
    placed = [(w["x"], w["y"], w["width"]) for w in three_variants if w["type"] == "metric"]
    assert placed == [(0, 0, 12), (12, 0, 12), (0, 6, 12), (12, 6, 12), (0, 12, 12), (12, 12, 12), (0, 18, 12),
                      (12, 18, 12)]  # fmt: skip


def test_each_variant_has_its_colour_on_every_graph_control_first(three_variants):
    seen: dict[str, set[str]] = {}
    for properties in graphs(three_variants).values():
        for line in properties["metrics"]:
            label, colour = options(line)["label"], options(line).get("color")
            variant = label.split(":")[0].split(" ")[0]
            if colour and " - " not in label:
                seen.setdefault(variant, set()).add(colour)
    control, canary, treatment = PALETTE[0], PALETTE[1], PALETTE[2]
    assert seen == {
        "control": {control[0], control[1]},  # its line; its desired tasks in the lighter shade
        "canary": {canary[0], canary[1]},
        "treatment": {treatment[0], treatment[1]},
    }
    tasks = graphs(three_variants)["running vs desired tasks"]["metrics"]
    running = {options(line)["label"]: options(line)["color"] for line in tasks if "running" in options(line)["label"]}
    assert running == {"canary: running": canary[0], "control: running": control[0], "treatment: running": treatment[0]}


def test_the_difference_from_control_is_valid_metric_math_where_periods_match(three_variants):
    found = graphs(three_variants)
    for title, properties in found.items():
        ids = [options(line)["id"] for line in properties["metrics"]]
        assert len(ids) == len(set(ids)), title
        assert all(QUERY_ID.fullmatch(i) for i in ids), title
        for line in properties["metrics"]:
            if "expression" in options(line):
                used = set(re.findall(r"[a-z][a-zA-Z0-9_]*", options(line)["expression"]))
                assert used <= set(ids) - {options(line)["id"]}, (title, options(line)["expression"])
    differences = {
        title: [(options(line)["expression"], options(line)["label"], options(line).get("yAxis")) for line in
                properties["metrics"] if " - " in options(line)["label"]]
        for title, properties in found.items()
    }  # fmt: skip
    # canary (index 0) has a 300 s period, control (1) and treatment (2) 60 s: only treatment - control is math
    expected = [("v2 - v1", "treatment - control", "right")]
    assert differences == {
        "CPU utilization (%)": expected,
        "Memory utilization (%)": expected,
        "running vs desired tasks": [],
        "error lines": expected,
        "stream signal (messages)": [],
        "step scaling signal": [],
        "input lag: age of the oldest message (s)": expected,
        "input throughput: messages processed": [],
    }
    stream = found["stream signal (messages)"]["metrics"]
    assert [options(line)["expression"] for line in stream if "expression" in options(line)] == [
        f"v{i}_signal / v{i}_tasks"
        for i in range(2)  # treatment scales on steps only: no stream signal
    ]
    periods = {options(line)["label"]: options(line)["period"] for line in found["CPU utilization (%)"]["metrics"]}
    assert periods == {"canary": 300, "control": 60, "treatment": 60, "treatment - control": 60}


def test_alarm_lines_once_when_every_variant_alarms_alike_else_per_variant_in_its_colour(three_variants):
    cpu = graphs(three_variants)["CPU utilization (%)"]
    assert cpu["annotations"]["horizontal"] == [{"label": "alarm", "value": 90.0}]
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["observability"] = {"cpu_threshold": 70}
    cpu = graphs(widgets_of(synth(data)))["CPU utilization (%)"]
    assert cpu["annotations"]["horizontal"] == [
        {"label": "control alarm", "value": 90.0, "color": PALETTE[0][0]},
        {"label": "treatment alarm", "value": 70, "color": PALETTE[1][0]},
    ]


def test_a_variant_without_the_signal_has_no_line_in_its_graph():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = {"min": 1, "max": 4, "backlog": SQS}
    stream = graphs(widgets_of(synth(data)))["stream signal (messages)"]
    assert {options(line)["label"] for line in stream["metrics"]} == {
        "treatment: visible",
        "treatment: running tasks",
        "treatment: messages per task",
    }
    assert stream["annotations"]["horizontal"] == [{"label": "alarm", "value": 300.0}]  # the one variant's


def test_the_experiment_header_shows_its_values_as_markdown_text_never_structure():
    data = default_data()
    data["pipelines"]["news-encoder"]["experiment"] = EXPERIMENT
    stack = synth(data)
    raw = stack["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"]
    assert '${file("/etc/passwd")}' not in raw.replace("$${", "") and "%{if}" not in raw.replace("%%{", "")
    header, *rest = widgets_of(stack)
    assert (header["type"], header["x"], header["y"], header["width"], header["height"]) == ("text", 0, 0, 24, 3)
    assert min(w["y"] for w in rest) == 3
    tokens = MarkdownIt("commonmark").parse(header["properties"]["markdown"])
    assert [t.type for t in tokens if t.nesting == 1] == ["heading_open", "paragraph_open", "paragraph_open"]
    inline = [t for t in tokens if t.type == "inline"]
    shown = ["".join(child.content for child in t.children if child.type in ("text", "code_inline")) for t in inline]
    assert shown[0] == "Experiment encoder-batch-64"
    assert shown[1].endswith(EXPERIMENT["hypothesis"])
    assert {child.type for t in inline for child in t.children} <= {"text", "strong_open", "strong_close"}
    assert "Started: 2026-11-30" in shown[2] and "Variants: control, treatment" in shown[2]
    assert "ml-platform" in shown[2]


def test_without_an_experiment_there_is_no_header():
    assert all(w["type"] != "text" for w in widgets_of(synth(default_data())))


def test_ab_data_draws_each_variants_own_input_queue():
    data = yaml.safe_load((ROOT / "examples" / "ab-data.yaml").read_text())
    found = graphs(widgets_of(synth(data)))
    throughput = found["input throughput: messages processed"]["metrics"]
    assert [(line[1], line[3], options(line)["stat"]) for line in throughput] == [
        ("NumberOfMessagesDeleted", InputQueues.of("ab-data", "news-encoder", v).queue, "Sum")
        for v in ("control", "treatment")
    ]


def test_ab_data_draws_each_variants_own_kinesis_consumer():
    data = yaml.safe_load((ROOT / "examples" / "ab-data.yaml").read_text())
    found = graphs(widgets_of(synth(data), "click-ranker"))
    assert "input throughput: messages processed" not in found
    lag = found["input lag: consumer behind the stream (ms)"]["metrics"]
    assert [(line[0], line[1], line[3], line[5], options(line)["stat"]) for line in lag if len(line) > 2] == [
        (
            "AWS/Kinesis",
            "SubscribeToShardEvent.MillisBehindLatest",
            "news-clicks",
            consumer_name("ab-data", "click-ranker", v),
            "Maximum",
        )
        for v in ("control", "treatment")
    ]
    delivered = found["input throughput: records delivered"]["metrics"]
    assert [line[1] for line in delivered] == ["SubscribeToShardEvent.Records"] * 2


def test_an_existing_queue_per_variant_draws_that_queue():
    data = default_data()
    variants = data["pipelines"]["news-encoder"]["variants"]
    for name in variants:
        variants[name]["input"] = {"sqs": {"queue_arn": f"arn:aws:sqs:ap-northeast-1:123456789012:in-{name}"}}
    lag = graphs(widgets_of(synth(data)))["input lag: age of the oldest message (s)"]["metrics"]
    assert [line[3] for line in lag if len(line) > 2] == ["in-control", "in-treatment"]


@pytest.mark.parametrize("scaling", [{}, {"treatment": SQS}, {"control": SQS, "treatment": SQS}])
def test_validate_counts_the_lines_of_the_fullest_graph(scaling):
    """`aws_rules.dashboard_lines` (CloudWatch's 100 per graph, checked at validate) counts what is drawn."""
    data = default_data()
    for variant, backlog in scaling.items():
        data["pipelines"]["news-encoder"]["variants"][variant]["autoscaling"] = {"min": 1, "max": 4, "backlog": backlog}
    data["pipelines"]["news-encoder"]["variants"]["third"] = {"image_tag": "v1", "observability": {"enabled": False}}
    deployment = load(data)
    specs = deployment.pipelines()["news-encoder"]
    observed = [spec for spec in specs if spec.observability is not None]
    drawn = pipeline_dashboard(observed, cluster_name=deployment.cluster_name, region=deployment.region)
    fullest = max(len(w.lines) for w in drawn.widgets if hasattr(w, "lines"))
    assert fullest == aws_rules.dashboard_lines(specs)


def test_the_widgets_stay_far_below_cloudwatchs_500():
    """The lines limit allows 50 observed variants: graphs (at most 6 and an input's), a header, 50 tables."""
    assert max(len(graphs) for graphs in INPUT_METRICS.values()) <= 4
    assert 6 + 4 + 1 + aws_rules.MAX_GRAPH_LINES // 2 <= 61 < 500
