"""Warnings: valid settings that do not do what they seem to are reported (exit 0), once, where set."""

from __future__ import annotations

import pytest

from modules.cli import main
from modules.config.autoscaling import AutoscalingConfig
from modules.config.warnings import backlog_silent_at_zero, variant_warnings, warnings
from tests.helpers import ROOT, default_data, load, to_yaml

SQS = {"source": "sqs", "queue_name": "q", "target": 10}
KINESIS = {"source": "kinesis", "stream_name": "s", "target": 1000}
LAG = {"source": "cloudwatch", "namespace": "AWS/Kafka", "metric_name": "SumOffsetLag", "target": 100}


def block(min_tasks: int, backlog: dict | None) -> AutoscalingConfig:
    return AutoscalingConfig.model_validate(
        {"min": min_tasks, "max": 4, **({"backlog": backlog} if backlog else {"cpu_target": 60})}
    )


@pytest.mark.parametrize("backlog", [SQS, KINESIS, {**LAG, "per_task": True}], ids=["sqs", "kinesis", "per-task"])
def test_min_0_with_a_signal_that_has_no_data_at_0_tasks_warns(backlog):
    assert backlog_silent_at_zero(block(0, backlog))


@pytest.mark.parametrize(
    ("min_tasks", "backlog"),
    [(1, SQS), (0, LAG), (0, {**LAG, "per_task": False}), (0, None)],
    ids=["min-1", "total-lag", "per-task-false", "no-backlog"],
)
def test_a_signal_with_data_at_0_tasks_or_min_above_0_does_not_warn(min_tasks, backlog):
    assert backlog_silent_at_zero(block(min_tasks, backlog)) is None


QUEUE_DEPTH = {"source": "sqs", "queue_name": "q", "scale_out": [{"at_least": 1, "add": 1}]}


def test_the_sqs_warning_points_at_step_scaling_on_the_queue_depth():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["autoscaling"] = {"min": 0, "max": 4, "backlog": SQS}
    (warning,) = warnings([load(data)])
    assert "add step scaling on the queue's depth (steps: source sqs, the same queue_name, scale_out at_least 1)" in (
        warning.message
    )


@pytest.mark.parametrize(
    "steps",
    [QUEUE_DEPTH, {**QUEUE_DEPTH, "source": "cloudwatch", "queue_name": None, "namespace": "N", "metric_name": "M"}],
    ids=["queue-depth", "total-metric"],
)
def test_step_scaling_out_on_a_signal_with_data_at_0_tasks_silences_it(steps):
    scaling = {"min": 0, "max": 4, "backlog": SQS, "steps": {k: v for k, v in steps.items() if v is not None}}
    assert backlog_silent_at_zero(AutoscalingConfig.model_validate(scaling)) is None


@pytest.mark.parametrize(
    "steps",
    [
        {**QUEUE_DEPTH, "scale_out": [], "scale_in": [{"at_most": 0, "remove": 1}]},
        {"source": "kinesis", "stream_name": "s", "scale_out": [{"at_least": 60000, "add": 1}]},
    ],
    ids=["scale-in-only", "kinesis-iterator-age"],
)
def test_steps_that_cannot_scale_out_from_0_do_not_silence_it(steps):
    scaling = {"min": 0, "max": 4, "backlog": SQS, "steps": steps}
    assert backlog_silent_at_zero(AutoscalingConfig.model_validate(scaling))


@pytest.mark.parametrize(
    ("extra", "warns"),
    [
        ({}, True),
        ({"steps": {**QUEUE_DEPTH, "scale_in": [{"at_most": 0, "remove": 1}]}}, False),
        ({"schedules": {"night": {"schedule": "cron(0 22 * * ? *)", "max": 1}}}, False),
    ],
    ids=["nothing-scales-in", "steps-scale-in", "schedules"],
)
def test_disable_scale_in_warns_when_nothing_else_removes_tasks(extra, warns):
    data = default_data()
    block = {"min": 1, "max": 4, "cpu_target": 60, "disable_scale_in": True, **extra}
    data["pipelines"]["news-encoder"]["variants"]["control"]["autoscaling"] = block
    found = [str(w) for w in variant_warnings(load(data).variants[0])]
    expected = (
        "pipelines.news-encoder.variants.control.autoscaling.disable_scale_in: target tracking never removes tasks "
        "and nothing else does (no steps.scale_in, no schedules): the service only grows until an operator lowers "
        "it; add steps.scale_in or schedules, or remove disable_scale_in"
    )
    assert found == ([expected] if warns else [])


def test_a_pipeline_setting_warns_once_at_the_pipeline():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 0, "max": 4, "backlog": SQS}
    (warning,) = warnings([load(data)])
    assert str(warning).startswith("pipelines.news-encoder.autoscaling.min: min 0 with this backlog: the sqs backlog")


def test_validate_prints_the_warning_and_exits_0(tmp_path, capsys):
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["autoscaling"] = {"min": 0, "max": 4, "backlog": KINESIS}
    config = tmp_path / "c.yaml"
    config.write_text(to_yaml(data))
    assert main(["validate", "--config", str(config)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "warning: pipelines.news-encoder.variants.control.autoscaling.min: min 0 with this backlog: the kinesis "
        "iterator age comes from consumers reading the stream, so there is no data at 0 tasks and the service never "
        "scales out from 0 on it; add step scaling on what producers write (steps: source cloudwatch, namespace "
        "AWS/Kinesis, metric_name IncomingRecords, dimensions StreamName, statistic Sum), which has data at 0 tasks, "
        "or use min >= 1 (0 only in scheduled windows: schedules)"
    ]
    assert "valid (1 pipeline, 2 variants)" in captured.out


def test_the_examples_warn_only_of_the_deliberate_0_100_deploys(capsys):
    assert main(["validate", "--config", str(ROOT / "examples" / "all-features.yaml")]) == 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("warning: pipelines.click-aggregator.deployment.minimum_healthy_percent: minimum_healthy")


def test_minimum_healthy_0_with_a_running_task_warns_of_the_gap_where_it_is_set():
    data = default_data()
    data["pipelines"]["news-encoder"]["deployment"] = {"minimum_healthy_percent": 0, "maximum_percent": 100}
    data["pipelines"]["news-encoder"]["availability_zone_rebalancing"] = "DISABLED"
    found = [str(w) for w in warnings([load(data)])]
    assert found == [
        "pipelines.news-encoder.deployment.minimum_healthy_percent: minimum_healthy_percent 0: ECS may stop every "
        "running task before the new ones start, so nothing consumes during each deployment (a gap of at least a "
        "task start); keep it only if overlapping consumers are worse (e.g. a consumer group that rebalances)"
    ]


@pytest.mark.parametrize(
    "settings",
    [
        {"deployment": {"minimum_healthy_percent": 50}},
        {"deployment": {"minimum_healthy_percent": 0}, "desired_count": 0},
    ],
    ids=["min-50", "no-tasks"],
)
def test_a_floor_above_0_or_a_service_without_tasks_does_not_warn(settings):
    data = default_data()
    for variant in data["pipelines"]["news-encoder"]["variants"].values():
        variant.update(settings)
    assert warnings([load(data)]) == []


def test_spot_tasks_with_the_default_stop_timeout_are_warned_where_it_would_be_set():
    data = default_data()
    data["pipelines"]["news-encoder"]["fargate_spot_weight"] = 1
    warned = warnings([load(data)])
    assert [w.path for w in warned] == [
        "pipelines.news-encoder.variants.control.stop_timeout",
        "pipelines.news-encoder.variants.treatment.stop_timeout",
    ]
    assert "with stop_timeout unset ECS kills the container after 30 s" in warned[0].message


@pytest.mark.parametrize(
    "change",
    [{"stop_timeout": 30}, {"fargate_spot_weight": 0}, {"architecture": "arm64", "fargate_spot_weight": 0}],
    ids=["set-on-purpose", "no-spot", "arm-on-demand"],
)
def test_a_stop_timeout_set_on_purpose_or_no_spot_is_not_warned(change):
    data = default_data()
    data["pipelines"]["news-encoder"].update({"fargate_spot_weight": 1, **change})
    assert warnings([load(data)]) == []


def test_rebalancing_left_enabled_with_maximum_percent_100_is_warned_where_the_percent_is_set():
    """AWS does not rebalance a service with maximum_percent 100 (the AWS CDK refuses the pair)."""
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["deployment"] = {"maximum_percent": 100}
    data["pipelines"]["news-encoder"]["variants"]["control"]["deployment"]["minimum_healthy_percent"] = 0
    (warning,) = [w for w in warnings([load(data)]) if w.path.endswith("maximum_percent")]
    assert warning.path == "pipelines.news-encoder.variants.control.deployment.maximum_percent"
    assert "set availability_zone_rebalancing: DISABLED to say so, or maximum_percent above 100" in warning.message
    data["pipelines"]["news-encoder"]["variants"]["control"]["availability_zone_rebalancing"] = "DISABLED"
    assert not [w for w in warnings([load(data)]) if w.path.endswith("maximum_percent")]
