"""What autoscaling synthesizes: each variant's own target, policies per source, schedules."""

import json

import pytest

from tests.helpers import SQS, default_data, every_source, resources_of, synth

TARGET_REF = "${aws_appautoscaling_target.news-encoder_%s.%s}"


@pytest.fixture(scope="module")
def stack():
    return synth(every_source())


def policy(stack, variant, suffix):
    return stack["resource"]["aws_appautoscaling_policy"][f"news-encoder_{variant}_{suffix}"]


def test_each_variant_has_its_own_target_on_its_own_service(stack):
    targets = stack["resource"]["aws_appautoscaling_target"]
    assert sorted(targets) == [f"news-encoder_{v}" for v in ("canary", "control", "shadow", "treatment")]
    control = targets["news-encoder_control"]
    assert (
        control["resource_id"] == "service/${aws_ecs_cluster.cluster.name}/${aws_ecs_service.news-encoder_control.name}"
    )
    assert (control["service_namespace"], control["scalable_dimension"]) == ("ecs", "ecs:service:DesiredCount")
    assert (control["min_capacity"], control["max_capacity"]) == (1, 4)
    assert "role_arn" not in control, "the service-linked role is used"


def test_cpu_and_memory_target_tracking(stack):
    for suffix, metric, target in (
        ("cpu", "ECSServiceAverageCPUUtilization", 70),
        ("memory", "ECSServiceAverageMemoryUtilization", 80),
    ):
        body = policy(stack, "control", suffix)
        assert body["name"] == f"news-encoder_control_{suffix}"
        assert body["policy_type"] == "TargetTrackingScaling"
        assert body["resource_id"] == TARGET_REF % ("control", "resource_id")
        tracking = body["target_tracking_scaling_policy_configuration"]
        assert tracking == {
            "predefined_metric_specification": {"predefined_metric_type": metric},
            "target_value": target,
            "scale_in_cooldown": 300,
            "scale_out_cooldown": 60,
        }


def test_sqs_backlog_is_visible_messages_per_running_task(stack):
    tracking = policy(stack, "control", "backlog")["target_tracking_scaling_policy_configuration"]
    assert tracking["target_value"] == 100
    signal, tasks, per_task = tracking["customized_metric_specification"]["metrics"]
    assert signal["metric_stat"] == {
        "metric": {
            "namespace": "AWS/SQS",
            "metric_name": "ApproximateNumberOfMessagesVisible",
            "dimensions": [{"name": "QueueName", "value": "news-articles"}],
        },
        "stat": "Sum",
    }
    assert tasks["metric_stat"]["metric"] == {
        "namespace": "ECS/ContainerInsights",
        "metric_name": "RunningTaskCount",
        "dimensions": [
            {"name": "ClusterName", "value": "${aws_ecs_cluster.cluster.name}"},
            {"name": "ServiceName", "value": "news-encoder_control"},
        ],
    }
    assert (signal["return_data"], tasks["return_data"]) == (False, False)
    assert per_task == {
        "id": "per_task",
        "expression": f"{signal['id']} / {tasks['id']}",
        "label": "visible messages per running task",
        "return_data": True,
    }


def test_kinesis_backlog_is_the_iterator_age_with_the_variant_cooldowns(stack):
    tracking = policy(stack, "treatment", "backlog")["target_tracking_scaling_policy_configuration"]
    assert tracking == {
        "customized_metric_specification": {
            "namespace": "AWS/Kinesis",
            "metric_name": "GetRecords.IteratorAgeMilliseconds",
            "dimensions": [{"name": "StreamName", "value": "news-clicks"}],
            "statistic": "Maximum",
            "unit": "Milliseconds",
        },
        "target_value": 60000,
        "scale_in_cooldown": 600,
        "scale_out_cooldown": 30,
    }


def test_custom_metric_per_task_for_msk_consumer_lag(stack):
    metrics = policy(stack, "canary", "backlog")["target_tracking_scaling_policy_configuration"][
        "customized_metric_specification"
    ]["metrics"]
    assert metrics[0]["metric_stat"] == {
        "metric": {
            "namespace": "AWS/Kafka",
            "metric_name": "SumOffsetLag",
            "dimensions": [
                {"name": "Cluster Name", "value": "features"},
                {"name": "Consumer Group", "value": "encoder"},
                {"name": "Topic", "value": "articles"},
            ],
        },
        "stat": "Maximum",
    }
    assert metrics[2]["expression"] == "signal / tasks"


def test_custom_metric_as_is_with_average_by_default(stack):
    tracking = policy(stack, "shadow", "backlog")["target_tracking_scaling_policy_configuration"]
    assert tracking["customized_metric_specification"] == {
        "namespace": "Features",
        "metric_name": "PendingBatches",
        "statistic": "Average",
    }


def test_scheduled_actions_in_their_time_zone(stack):
    actions = stack["resource"]["aws_appautoscaling_scheduled_action"]
    assert sorted(actions) == ["news-encoder_treatment_morning", "news-encoder_treatment_night"]
    night = actions["news-encoder_treatment_night"]
    assert night["schedule"] == "cron(0 22 * * ? *)"
    assert night["timezone"] == "Asia/Tokyo"
    assert night["scalable_target_action"] == {"min_capacity": "0", "max_capacity": "0"}
    assert night["resource_id"] == TARGET_REF % ("treatment", "resource_id")


def test_policies_and_schedules_of_one_target_are_created_one_after_another(stack):
    chain = [
        dependent["depends_on"]
        for dependent in (
            policy(stack, "treatment", "backlog"),
            stack["resource"]["aws_appautoscaling_scheduled_action"]["news-encoder_treatment_night"],
            stack["resource"]["aws_appautoscaling_scheduled_action"]["news-encoder_treatment_morning"],
        )
    ]
    assert chain == [
        ["aws_appautoscaling_target.news-encoder_treatment"],
        ["aws_appautoscaling_policy.news-encoder_treatment_backlog"],
        ["aws_appautoscaling_scheduled_action.news-encoder_treatment_night"],
    ]


def test_with_autoscaling_the_service_starts_at_min_and_ignores_desired_count(stack):
    services = stack["resource"]["aws_ecs_service"]
    assert services["news-encoder_shadow"]["desired_count"] == 2
    assert services["news-encoder_canary"]["desired_count"] == 0
    for service in services.values():
        assert service["lifecycle"] == {"ignore_changes": ["desired_count"]}


def test_without_autoscaling_nothing_is_ignored_and_no_scaling_resources_exist():
    stack = synth(default_data())
    assert not any(rtype.startswith("aws_appautoscaling") for rtype in stack["resource"])
    for service in stack["resource"]["aws_ecs_service"].values():
        assert "lifecycle" not in service


def variant_bytes(data, variant):
    return json.dumps(resources_of(synth(data), f"news-encoder_{variant}"), sort_keys=True)


@pytest.mark.parametrize(
    "change",
    [
        {"min": 2, "max": 9, "cpu_target": 55},
        {"enabled": False},
        {"min": 1, "max": 3, "backlog": SQS, "schedules": {"weekend": {"schedule": "rate(1 day)", "max": 1}}},
    ],
    ids=["bounds", "off", "source"],
)
def test_changing_one_variants_scaling_leaves_the_others_byte_identical(change):
    before = every_source()
    after = every_source()
    after["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = change
    for other in ("control", "canary", "shadow"):
        assert variant_bytes(after, other) == variant_bytes(before, other)
    assert variant_bytes(after, "treatment") != variant_bytes(before, "treatment")
