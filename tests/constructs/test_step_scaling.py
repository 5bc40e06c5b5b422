"""Step scaling: two policies with contiguous step ranges relative to their alarms, and the alarms that run them."""

import json

import pytest

from tests.helpers import default_data, synth

STEPS = {
    "source": "sqs",
    "queue_name": "news-articles",
    "scale_out": [{"at_least": 1, "add": 1}, {"at_least": 100, "add": 2}, {"at_least": 500.5, "add": 5}],
    "scale_in": [{"at_most": 0.5, "remove": 1}, {"at_most": 0, "remove": 2}],
}
KAFKA = {
    "source": "cloudwatch",
    "namespace": "AWS/Kafka",
    "metric_name": "SumOffsetLag",
    "dimensions": {"Topic": "clicks", "Consumer Group": "aggregator"},
    "statistic": "Sum",
    "scale_out": [{"at_least": 1000, "add": 1}],
}


@pytest.fixture(scope="module")
def stack():
    data = default_data()
    variants = data["pipelines"]["news-encoder"]["variants"]
    variants["control"]["autoscaling"] = {
        "min": 0,
        "max": 8,
        "cpu_target": 60,
        "disable_scale_in": True,
        "scale_in_cooldown": 120,
        "steps": {**STEPS, "scale_in_minutes": 15},
    }
    variants["treatment"]["autoscaling"] = {"min": 1, "max": 4, "memory_target": 70, "steps": KAFKA}
    return synth(data)


def policy(stack, name):
    return stack["resource"]["aws_appautoscaling_policy"][name]


def alarm(stack, name):
    return stack["resource"]["aws_cloudwatch_metric_alarm"][name]


def test_scale_out_steps_span_each_at_least_up_to_the_next_relative_to_the_alarm_threshold(stack):
    body = policy(stack, "news-encoder_control_scale_out")
    assert body["name"] == "news-encoder_control_scale_out"
    assert body["policy_type"] == "StepScaling"
    assert body["resource_id"] == "${aws_appautoscaling_target.news-encoder_control.resource_id}"
    assert "target_tracking_scaling_policy_configuration" not in body
    assert body["step_scaling_policy_configuration"] == {
        "adjustment_type": "ChangeInCapacity",
        "cooldown": 60,
        "metric_aggregation_type": "Maximum",
        "step_adjustment": [
            {"metric_interval_lower_bound": "0", "metric_interval_upper_bound": "99", "scaling_adjustment": 1},
            {"metric_interval_lower_bound": "99", "metric_interval_upper_bound": "499.5", "scaling_adjustment": 2},
            {"metric_interval_lower_bound": "499.5", "scaling_adjustment": 5},
        ],
    }


def test_scale_in_steps_span_each_at_most_down_to_the_next_and_remove_tasks(stack):
    configuration = policy(stack, "news-encoder_control_scale_in")["step_scaling_policy_configuration"]
    assert configuration == {
        "adjustment_type": "ChangeInCapacity",
        "cooldown": 120,
        "metric_aggregation_type": "Maximum",
        "step_adjustment": [
            {"metric_interval_lower_bound": "-0.5", "metric_interval_upper_bound": "0", "scaling_adjustment": -1},
            {"metric_interval_upper_bound": "-0.5", "scaling_adjustment": -2},
        ],
    }


def test_ranges_obey_the_application_auto_scaling_rules(stack):
    """API_StepAdjustment: no overlap or gap, at most one null bound per side, never both null in one step."""
    for name in ("news-encoder_control_scale_out", "news-encoder_control_scale_in"):
        steps = policy(stack, name)["step_scaling_policy_configuration"]["step_adjustment"]
        ranges = sorted(
            (float(s.get("metric_interval_lower_bound", "-inf")), float(s.get("metric_interval_upper_bound", "inf")))
            for s in steps
        )
        assert all(low < high for low, high in ranges)
        assert all(ranges[i][1] == ranges[i + 1][0] for i in range(len(ranges) - 1)), "contiguous"
        assert 0 in (ranges[0][0], ranges[-1][1]), "the threshold is one end"


def test_the_alarms_run_their_policies_on_the_queue_depth(stack):
    out, into = alarm(stack, "news-encoder_control_scale_out"), alarm(stack, "news-encoder_control_scale_in")
    common = {
        "namespace": "AWS/SQS",
        "metric_name": "ApproximateNumberOfMessagesVisible",
        "dimensions": {"QueueName": "news-articles"},
        "statistic": "Maximum",
        "period": 60,
        "treat_missing_data": "missing",
        "tags": {"pipeline": "news-encoder", "team": "ml-platform", "variant": "control"},
    }
    assert out == {
        **common,
        "alarm_name": "feature-pipelines_news-encoder_control_scale_out",
        "alarm_description": "news-encoder_control: scale out, ApproximateNumberOfMessagesVisible at least 1",
        "alarm_actions": ["${aws_appautoscaling_policy.news-encoder_control_scale_out.arn}"],
        "comparison_operator": "GreaterThanOrEqualToThreshold",
        "threshold": 1,
        "evaluation_periods": 1,
        "datapoints_to_alarm": 1,
    }
    assert into == {
        **common,
        "alarm_name": "feature-pipelines_news-encoder_control_scale_in",
        "alarm_description": "news-encoder_control: scale in, ApproximateNumberOfMessagesVisible at most 0.5",
        "alarm_actions": ["${aws_appautoscaling_policy.news-encoder_control_scale_in.arn}"],
        "comparison_operator": "LessThanOrEqualToThreshold",
        "threshold": 0.5,
        "evaluation_periods": 15,
        "datapoints_to_alarm": 15,
    }


def test_policies_are_created_one_after_another(stack):
    """Application Auto Scaling refuses concurrent updates to one target."""
    assert policy(stack, "news-encoder_control_cpu")["depends_on"] == ["aws_appautoscaling_target.news-encoder_control"]
    assert policy(stack, "news-encoder_control_scale_out")["depends_on"] == [
        "aws_appautoscaling_policy.news-encoder_control_cpu"
    ]
    assert policy(stack, "news-encoder_control_scale_in")["depends_on"] == [
        "aws_appautoscaling_policy.news-encoder_control_scale_out"
    ]


def test_a_cloudwatch_metric_keeps_its_statistic_and_aggregates_as_average(stack):
    configuration = policy(stack, "news-encoder_treatment_scale_out")["step_scaling_policy_configuration"]
    assert configuration["metric_aggregation_type"] == "Average"
    assert configuration["step_adjustment"] == [{"metric_interval_lower_bound": "0", "scaling_adjustment": 1}]
    body = alarm(stack, "news-encoder_treatment_scale_out")
    assert (body["namespace"], body["metric_name"], body["statistic"]) == ("AWS/Kafka", "SumOffsetLag", "Sum")
    assert body["dimensions"] == {"Consumer Group": "aggregator", "Topic": "clicks"}
    assert "news-encoder_treatment_scale_in" not in stack["resource"]["aws_appautoscaling_policy"]
    assert "news-encoder_treatment_scale_in" not in stack["resource"]["aws_cloudwatch_metric_alarm"]


def test_disable_scale_in_is_set_on_target_tracking_only_when_asked(stack):
    control = policy(stack, "news-encoder_control_cpu")["target_tracking_scaling_policy_configuration"]
    treatment = policy(stack, "news-encoder_treatment_memory")["target_tracking_scaling_policy_configuration"]
    assert control["disable_scale_in"] is True
    assert "disable_scale_in" not in treatment, "unset: the provider's default (false), and unchanged output"


def test_the_dashboard_shows_the_step_signal_with_both_thresholds_as_its_alarms_read_it(stack):
    """One graph, both variants' signals in their colours, each variant's thresholds marked in its colour."""
    widgets = json.loads(stack["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"])["widgets"]
    (graph,) = [w["properties"] for w in widgets if "step scaling" in w["properties"]["title"]]
    scale_out = alarm(stack, "news-encoder_control_scale_out")
    control, treatment = graph["metrics"]
    namespace, name, key, value, options = control
    assert [namespace, name, {key: value}] == [
        scale_out["namespace"],
        scale_out["metric_name"],
        scale_out["dimensions"],
    ]
    assert (options["stat"], options["period"], options["label"]) == (
        scale_out["statistic"],
        scale_out["period"],
        "control: ApproximateNumberOfMessagesVisible",
    )
    assert treatment[:2] == ["AWS/Kafka", "SumOffsetLag"]
    blue, orange = control[-1]["color"], treatment[-1]["color"]
    assert graph["annotations"]["horizontal"] == [
        {"label": "control scale out", "value": 1, "color": blue},
        {"label": "control scale in", "value": 0.5, "color": blue},
        {"label": "treatment scale out", "value": 1000, "color": orange},
    ]


def test_without_steps_the_dashboard_has_no_step_row():
    body = synth(default_data())["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"]
    assert "step scaling" not in body
