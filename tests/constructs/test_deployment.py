"""What Terraform sees of the deployment keys, fargate_base and ECS Exec; other variants stay byte-identical."""

from __future__ import annotations

import json

from modules.constructs.documents import EXEC_CHANNEL_ACTIONS
from modules.policy.rules import WILDCARD_ACTIONS
from tests.helpers import default_data, resources_of, synth

KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
LOG_KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/1a1b2c3d-4e5f-6789-abcd-ef0123456789"
SQS = {"source": "sqs", "queue_name": "q", "target": 10}


def services(data):
    return synth(data)["resource"]["aws_ecs_service"]


def control(data):
    return data["pipelines"]["news-encoder"]["variants"]["control"]


def test_defaults_100_200_rollback_wait_and_no_alarms_block_exec_off():
    service = services(default_data())["news-encoder_control"]
    assert service["deployment_minimum_healthy_percent"] == 100
    assert service["deployment_maximum_percent"] == 200
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    assert service["wait_for_steady_state"] is True
    assert service["enable_execute_command"] is False
    assert "alarms" not in service and "timeouts" not in service


def test_deployment_settings_reach_the_service():
    data = default_data()
    control(data)["deployment"] = {
        "minimum_healthy_percent": 0,
        "maximum_percent": 100,
        "alarms": ["tasks", "errors"],
        "extra_alarm_names": ["team-wide lag"],
        "rollback": False,
        "wait_for_steady_state": False,
        "timeouts": {"create": 15, "delete": 5},
    }
    service = services(data)["news-encoder_control"]
    assert (service["deployment_minimum_healthy_percent"], service["deployment_maximum_percent"]) == (0, 100)
    assert service["alarms"] == {
        "alarm_names": [
            "${aws_cloudwatch_metric_alarm.news-encoder_control_tasks.alarm_name}",
            "${aws_cloudwatch_metric_alarm.news-encoder_control_errors.alarm_name}",
            "team-wide lag",
        ],
        "enable": True,
        "rollback": False,
    }
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": False}
    assert service["wait_for_steady_state"] is False
    assert service["timeouts"] == {"create": "15m", "delete": "5m"}


def test_the_default_lag_alarm_is_referenced_and_exists():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 1, "max": 4, "backlog": SQS}
    stack = synth(data)
    alarm_names = stack["resource"]["aws_ecs_service"]["news-encoder_control"]["alarms"]["alarm_names"]
    assert alarm_names == ["${aws_cloudwatch_metric_alarm.news-encoder_control_stream_lag.alarm_name}"]
    assert "news-encoder_control_stream_lag" in stack["resource"]["aws_cloudwatch_metric_alarm"]


def test_an_extra_alarm_name_reaches_terraform_as_a_literal():
    data = default_data()
    control(data)["deployment"] = {"extra_alarm_names": ["lag ${var.x}"]}
    service = services(data)["news-encoder_control"]
    assert service["alarms"]["alarm_names"] == ["lag $${var.x}"]


def test_fargate_base_puts_a_floor_on_fargate_next_to_the_weights():
    data = default_data()
    control(data).update({"fargate_weight": 0, "fargate_spot_weight": 1, "fargate_base": 1})
    assert services(data)["news-encoder_control"]["capacity_provider_strategy"] == [
        {"capacity_provider": "FARGATE", "weight": 0, "base": 1},
        {"capacity_provider": "FARGATE_SPOT", "weight": 1},
    ]


def test_exec_turns_on_the_service_grants_only_its_task_role_and_configures_the_cluster():
    data = default_data()
    control(data)["exec"] = {"enabled": True}
    control(data)["waivers"] = {"ECS-NO-EXEC": "on-call debugs stuck consumers in staging"}
    data.setdefault("cluster", {})["exec_logging"] = {
        "kms_key_arn": KEY,
        "log_kms_key_arn": LOG_KEY,
        "log_retention_days": 30,
    }
    stack = synth(data)
    resource = stack["resource"]
    assert resource["aws_ecs_service"]["news-encoder_control"]["enable_execute_command"] is True
    assert resource["aws_ecs_service"]["news-encoder_treatment"]["enable_execute_command"] is False
    group = resource["aws_cloudwatch_log_group"]["cluster__exec"]
    assert (group["name"], group["retention_in_days"], group["kms_key_id"]) == (
        "/ecs/feature-pipelines/exec",
        30,
        LOG_KEY,
    )
    assert resource["aws_ecs_cluster"]["cluster"]["configuration"] == {
        "execute_command_configuration": {
            "kms_key_id": KEY,
            "logging": "OVERRIDE",
            "log_configuration": {
                "cloud_watch_log_group_name": "${aws_cloudwatch_log_group.cluster__exec.name}",
                "cloud_watch_encryption_enabled": True,
            },
        }
    }
    policies = resource["aws_iam_role_policy"]
    assert "news-encoder_treatment_task_exec" not in policies
    exec_policy = policies["news-encoder_control_task_exec"]
    assert exec_policy["role"] == "${aws_iam_role.news-encoder_control_task.id}"
    statements = {s["Sid"]: s for s in json.loads(exec_policy["policy"])["Statement"]}
    assert statements["EcsExecChannels"]["Action"] == list(EXEC_CHANNEL_ACTIONS)
    assert statements["EcsExecChannels"]["Resource"] == "*"
    assert statements["EcsExecLogGroup"]["Resource"] == "${aws_cloudwatch_log_group.cluster__exec.arn}"
    assert statements["EcsExecLogs"]["Resource"] == "${aws_cloudwatch_log_group.cluster__exec.arn}:log-stream:*"
    assert statements["EcsExecKms"] == {
        "Sid": "EcsExecKms",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": KEY,
    }


def test_without_exec_no_cluster_configuration_and_no_exec_log_group():
    resource = synth(default_data())["resource"]
    assert "configuration" not in resource["aws_ecs_cluster"]["cluster"]
    assert "cluster__exec" not in resource["aws_cloudwatch_log_group"]


def test_the_policy_rules_exempt_exactly_the_channels_the_documents_grant():
    assert tuple(EXEC_CHANNEL_ACTIONS) in WILDCARD_ACTIONS


def test_changing_one_variants_deployment_leaves_the_other_byte_identical():
    data = default_data()
    before = resources_of(synth(data), "news-encoder_treatment")
    control(data)["deployment"] = {"minimum_healthy_percent": 0, "maximum_percent": 100, "alarms": ["cpu"]}
    control(data)["fargate_base"] = 1
    control(data)["exec"] = {"enabled": True}
    control(data)["waivers"] = {"ECS-NO-EXEC": "on-call debugs stuck consumers in staging"}
    assert resources_of(synth(data), "news-encoder_treatment") == before


def test_availability_zone_rebalancing_is_always_stated_and_a_variant_overrides_its_pipeline():
    data = default_data()
    assert {s["availability_zone_rebalancing"] for s in services(data).values()} == {"ENABLED"}
    data["pipelines"]["news-encoder"]["availability_zone_rebalancing"] = "DISABLED"
    before = resources_of(synth(data), "news-encoder_treatment")
    control(data)["availability_zone_rebalancing"] = "ENABLED"
    found = services(data)
    assert found["news-encoder_control"]["availability_zone_rebalancing"] == "ENABLED"
    assert found["news-encoder_treatment"]["availability_zone_rebalancing"] == "DISABLED"
    assert resources_of(synth(data), "news-encoder_treatment") == before
