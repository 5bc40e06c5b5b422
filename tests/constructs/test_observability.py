"""Alarms per variant and the pipeline dashboard, as Terraform and AWS see them in the synthesized JSON."""

import json

import pytest

from modules.lib.terraform_literal import evaluate
from tests.helpers import default_data, resources_of, synth

CLUSTER = "feature-pipelines"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:pipeline-alarms"
SQS = {"min": 1, "max": 4, "backlog": {"source": "sqs", "queue_name": "articles", "target": 50}}
KINESIS = {"min": 1, "max": 6, "backlog": {"source": "kinesis", "stream_name": "clicks", "target": 2000}}


def pipeline(data):
    return data["pipelines"]["news-encoder"]


def alarms(stack):
    return stack["resource"]["aws_cloudwatch_metric_alarm"]


def dashboard(stack):
    body = stack["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"]
    return json.loads(body)["widgets"]


def service(variant):
    return {"ClusterName": CLUSTER, "ServiceName": f"news-encoder_{variant}"}


@pytest.fixture(scope="module")
def default_stack():
    return synth(default_data())


def test_the_default_example_has_five_resources_per_variant_and_one_dashboard(default_stack):
    resources = default_stack["resource"]
    assert sorted(alarms(default_stack)) == [
        f"news-encoder_{variant}_{kind}"
        for variant in ("control", "treatment")
        for kind in ("cpu", "errors", "memory", "tasks")
    ]
    assert sorted(resources["aws_cloudwatch_log_metric_filter"]) == [
        "news-encoder_control_errors",
        "news-encoder_treatment_errors",
    ]
    assert resources["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_name"] == f"{CLUSTER}_news-encoder"
    assert "aws_cloudwatch_event_rule" not in resources, "deployment events are opt-in"


def test_running_below_desired_is_container_insights_math_per_service(default_stack):
    alarm = alarms(default_stack)["news-encoder_treatment_tasks"]
    running, desired, missing = alarm["metric_query"]
    for query, name in ((running, "RunningTaskCount"), (desired, "DesiredTaskCount")):
        assert query["metric"]["namespace"] == "ECS/ContainerInsights"
        assert query["metric"]["metric_name"] == name
        assert query["metric"]["dimensions"] == service("treatment")
        assert query["return_data"] is False
    assert (missing["expression"], missing["return_data"]) == ("desired - running", True)
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["evaluation_periods"] == alarm["datapoints_to_alarm"] == 5, "5 minutes of 60 s datapoints"
    assert alarm["treat_missing_data"] == "notBreaching"


def test_saturation_and_error_alarms(default_stack):
    found = alarms(default_stack)
    cpu, memory = found["news-encoder_control_cpu"], found["news-encoder_control_memory"]
    assert (cpu["namespace"], cpu["metric_name"], cpu["dimensions"]) == (
        "AWS/ECS",
        "CPUUtilization",
        service("control"),
    )
    assert memory["metric_name"] == "MemoryUtilization"
    assert cpu["threshold"] == memory["threshold"] == 90
    assert cpu["evaluation_periods"] == 15
    errors = found["news-encoder_control_errors"]
    metric_filter = default_stack["resource"]["aws_cloudwatch_log_metric_filter"]["news-encoder_control_errors"]
    transformation = metric_filter["metric_transformation"]
    assert metric_filter["pattern"] == '?"ERROR" ?"Exception" ?"Traceback"'
    assert metric_filter["log_group_name"] == "${aws_cloudwatch_log_group.news-encoder_control.name}"
    assert (errors["namespace"], errors["metric_name"]) == (transformation["namespace"], transformation["name"])
    assert (errors["statistic"], errors["threshold"]) == ("Sum", 10)


def test_stream_lag_alarms_follow_the_backlog_signal():
    data = default_data()
    pipeline(data)["autoscaling"] = SQS
    pipeline(data)["variants"]["treatment"]["autoscaling"] = KINESIS
    found = alarms(synth(data))
    sqs = found["news-encoder_control_stream_lag"]
    visible, tasks, per_task = sqs["metric_query"]
    assert visible["metric"]["metric_name"] == "ApproximateNumberOfMessagesVisible"
    assert visible["metric"]["dimensions"] == {"QueueName": "articles"}
    assert tasks["metric"]["dimensions"] == service("control")
    assert per_task["expression"] == "signal / tasks"
    assert sqs["threshold"] == 150, "3 x the backlog target"
    kinesis = found["news-encoder_treatment_stream_lag"]
    assert (kinesis["metric_name"], kinesis["statistic"]) == ("GetRecords.IteratorAgeMilliseconds", "Maximum")
    assert kinesis["dimensions"] == {"StreamName": "clicks"}
    assert kinesis["threshold"] == 6000
    assert kinesis["evaluation_periods"] == 10


def test_topics_are_alarm_and_ok_actions_and_receive_deployment_failures():
    data = default_data()
    data["observability"] = {"alarm_topic_arns": [TOPIC], "deployment_failure_events": True}
    stack = synth(data)
    assert all(alarm["alarm_actions"] == alarm["ok_actions"] == [TOPIC] for alarm in alarms(stack).values())
    rule = stack["resource"]["aws_cloudwatch_event_rule"]["news-encoder_control_deployment_failed"]
    assert json.loads(rule["event_pattern"]) == {
        "detail": {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]},
        "detail-type": ["ECS Deployment State Change"],
        "resources": ["${aws_ecs_service.news-encoder_control.id}"],
        "source": ["aws.ecs"],
    }
    (target,) = [t for name, t in stack["resource"]["aws_cloudwatch_event_target"].items() if "control" in name]
    assert target["arn"] == TOPIC
    assert target["rule"] == "${aws_cloudwatch_event_rule.news-encoder_control_deployment_failed.name}"


def test_a_disabled_variant_has_no_alarms_and_no_place_on_the_dashboard():
    data = default_data()
    pipeline(data)["variants"]["treatment"]["observability"] = {"enabled": False}
    stack = synth(data)
    assert not any("treatment" in name for name in alarms(stack))
    assert "treatment" not in json.dumps(dashboard(stack))
    (logs,) = [widget for widget in dashboard(stack) if widget["type"] == "log"]
    assert logs["width"] == 24
    data["observability"] = {"enabled": False}
    assert "aws_cloudwatch_dashboard" not in synth(data)["resource"]


def test_changing_one_variants_observability_leaves_the_others_alarms_byte_identical(default_stack):
    data = default_data()
    pipeline(data)["variants"]["treatment"]["observability"] = {"cpu_threshold": 50, "error_terms": ["FATAL"]}
    changed = synth(data)
    assert resources_of(changed, "news-encoder_control") == resources_of(default_stack, "news-encoder_control")
    assert alarms(changed)["news-encoder_treatment_cpu"]["threshold"] == 50


def test_the_dashboard_body_is_deterministic(default_stack):
    again = synth(default_data())
    body = default_stack["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"]
    assert again["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"] == body
    assert body == json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))


def test_config_strings_in_the_dashboard_body_stay_literal():
    hostile = '${file("/etc/passwd")}'
    data = default_data()
    pipeline(data)["autoscaling"] = {
        "min": 1,
        "max": 2,
        "backlog": {
            "source": "cloudwatch",
            "namespace": "AWS/Kafka",
            "metric_name": "SumOffsetLag",
            "dimensions": {"Consumer Group": hostile},
            "target": 10,
        },
    }
    stack = synth(data)
    body = stack["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"]
    assert hostile not in body.replace("$${", "")
    stream = [w for w in json.loads(evaluate(body))["widgets"] if "stream" in w["properties"]["title"]]
    assert stream[0]["properties"]["metrics"][0][2:4] == ["Consumer Group", hostile]
    lag = alarms(stack)["news-encoder_control_stream_lag"]
    assert evaluate(lag["dimensions"]["Consumer Group"]) == hostile


def test_the_committed_dashboard_picture_is_drawn_from_the_default_examples_body(default_stack):
    from modules.constructs.dashboard_svg import PICTURE, default_picture, render

    assert PICTURE.read_text() == default_picture(), "run: python -m modules.constructs.dashboard_svg --write"
    body = default_stack["resource"]["aws_cloudwatch_dashboard"]["news-encoder"]["dashboard_body"]
    picture = render(body, "t")
    assert picture == default_picture().replace("Dashboard feature-pipelines_news-encoder (pipelines.yaml)", "t"), (
        "the picture's body is the synthesized one"
    )
    for widget in dashboard(default_stack):
        assert f">{widget['properties']['title']}</text>" in picture
