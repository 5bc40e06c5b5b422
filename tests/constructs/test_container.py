"""The container settings as the task definition and execution role carry them (documents.py,
constructs/variant.py), read from real synthesized stacks."""

from __future__ import annotations

import json
from typing import Any

from modules.config import aws_rules
from modules.constructs import documents
from tests.constructs.test_documents import LOG_GROUP_ARN, statements_by_sid, variant_props
from tests.helpers import default_data, load, synth

OTEL = {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}
ROUTER_REPOSITORY = "arn:aws:ecr:ap-northeast-1:123456789012:repository/fluent-bit"
ROUTER_TOKEN = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/router-token"


def with_pipeline(**settings: Any) -> dict[str, Any]:
    data = default_data()
    data["pipelines"]["news-encoder"].update(settings)
    return data


def task_definition(stack: dict[str, Any], stem: str = "news-encoder_control") -> dict[str, Any]:
    return stack["resource"]["aws_ecs_task_definition"][stem]


def containers(stack: dict[str, Any], stem: str = "news-encoder_control") -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in json.loads(task_definition(stack, stem)["container_definitions"])}


def test_default_main_container_has_an_init_process_and_nothing_else_new():
    (main,) = containers(synth(default_data())).values()
    assert main["linuxParameters"] == {"initProcessEnabled": True}
    assert not {"healthCheck", "restartPolicy", "ulimits", "dependsOn", "cpu", "memory"} & set(main)


def test_init_process_off_leaves_no_linux_parameters():
    (main,) = containers(synth(with_pipeline(init_process_enabled=False))).values()
    assert "linuxParameters" not in main


def test_health_check_restart_policy_and_ulimits_of_the_main_container():
    data = with_pipeline(
        health_check={"command": ["CMD-SHELL", "test -f /tmp/ok"], "start_period": 60},
        restart_policy={"ignored_exit_codes": [0, 143], "restart_attempt_period": 120},
        ulimits={"nproc": {"soft": 512, "hard": 1024}, "nofile": {"soft": 65536, "hard": 1048576}},
    )
    main = containers(synth(data))["news-encoder"]
    assert main["healthCheck"] == {
        "command": ["CMD-SHELL", "test -f /tmp/ok"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 60,
    }
    assert main["restartPolicy"] == {"enabled": True, "ignoredExitCodes": [0, 143], "restartAttemptPeriod": 120}
    assert main["ulimits"] == [
        {"name": "nofile", "softLimit": 65536, "hardLimit": 1048576},
        {"name": "nproc", "softLimit": 512, "hardLimit": 1024},
    ]


def test_a_restart_policy_without_ignored_codes_and_a_check_without_start_period_omit_them():
    data = with_pipeline(health_check={"command": ["CMD", "/check"]}, restart_policy={})
    main = containers(synth(data))["news-encoder"]
    assert "startPeriod" not in main["healthCheck"]
    assert main["restartPolicy"] == {"enabled": True, "restartAttemptPeriod": 300}


def test_sidecars_follow_the_main_container_with_its_safety_settings_and_their_own():
    data = with_pipeline(
        depends_on={"otel-collector": "HEALTHY"},
        sidecars={
            "otel-collector": {
                **OTEL,
                "cpu": 0.25,
                "memory": 0.5,
                "command": ["--config=/etc/otel.yaml"],
                "environment": {"OTEL_SERVICE_NAME": "news-encoder"},
                "health_check": {"command": ["CMD", "/healthcheck"], "interval": 10},
            },
            "log-router": {
                "repository_arn": ROUTER_REPOSITORY,
                "image_tag": "3.2.4",
                "user": "1000",
                "essential": True,
            },
        },
    )
    stack = synth(data)
    found = list(containers(stack))
    assert found == ["news-encoder", "log-router", "otel-collector"], "main first, then sidecars by name"
    main, router, otel = containers(stack).values()
    assert main["dependsOn"] == [{"containerName": "otel-collector", "condition": "HEALTHY"}]
    assert otel["essential"] is False and router["essential"] is True and main["essential"] is True
    assert (otel["cpu"], otel["memory"]) == (256, 512)
    assert "cpu" not in router and "memory" not in router
    assert otel["command"] == ["--config=/etc/otel.yaml"]
    assert otel["environment"] == [{"name": "OTEL_SERVICE_NAME", "value": "news-encoder"}]
    assert otel["healthCheck"]["interval"] == 10
    assert router["image"] == "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/fluent-bit:3.2.4"
    for container in (router, otel):
        assert container["readonlyRootFilesystem"] is True and container["privileged"] is False
        assert container["linuxParameters"] == {"initProcessEnabled": True}
        assert container["logConfiguration"] == main["logConfiguration"]
        assert container["mountPoints"] == [
            {"sourceVolume": f"tmp-{container['name']}", "containerPath": "/tmp", "readOnly": False}
        ]
    assert task_definition(stack)["volume"] == [
        {"name": "tmp"},
        {"name": "tmp-log-router"},
        {"name": "tmp-otel-collector"},
    ]
    assert task_definition(stack)["cpu"] == "1024", "the task size is what Fargate bills; shares carve it"


def test_the_pull_grant_widens_only_to_a_private_ecr_sidecar_repository():
    public = statements_by_sid(
        documents.execution_role_policy(variant_props(with_pipeline(sidecars={"otel": OTEL})), LOG_GROUP_ARN)
    )
    assert public["EcrPull"]["Resource"] == "arn:aws:ecr:ap-northeast-1:123456789012:repository/news-encoder"
    private = with_pipeline(
        sidecars={
            "router": {"repository_arn": ROUTER_REPOSITORY, "image_digest": f"sha256:{'a' * 64}", **{"user": "1"}}
        }
    )
    by_sid = statements_by_sid(documents.execution_role_policy(variant_props(private), LOG_GROUP_ARN))
    assert by_sid["EcrPull"]["Resource"] == [
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/news-encoder",
        ROUTER_REPOSITORY,
    ]


def test_a_sidecar_repository_equal_to_the_main_one_is_granted_once():
    same = "arn:aws:ecr:ap-northeast-1:123456789012:repository/news-encoder"
    data = with_pipeline(sidecars={"helper": {"repository_arn": same, "image_tag": "helper-1", "user": "1"}})
    by_sid = statements_by_sid(documents.execution_role_policy(variant_props(data), LOG_GROUP_ARN))
    assert by_sid["EcrPull"]["Resource"] == same


def test_sidecar_secrets_are_granted_to_the_execution_role_like_the_main_containers():
    data = with_pipeline(sidecars={"router": {**OTEL, "secrets": {"TOKEN": ROUTER_TOKEN}}})
    by_sid = statements_by_sid(documents.execution_role_policy(variant_props(data), LOG_GROUP_ARN))
    assert by_sid["Parameters"] == {
        "Sid": "Parameters",
        "Effect": "Allow",
        "Action": "ssm:GetParameters",
        "Resource": [ROUTER_TOKEN],
    }
    assert "Secrets" in by_sid, "the main container's secret is still granted"
    router = containers(synth(data))["router"]
    assert router["secrets"] == [{"name": "TOKEN", "valueFrom": ROUTER_TOKEN}]


def test_the_size_validate_checks_is_a_lower_bound_of_the_synthesized_task_definition():
    """`aws_rules.task_definition_floor` (ECS's 64 KiB, checked at validate) never exceeds what synth writes."""
    data = with_pipeline(
        environment={"QUOTED": 'a "b" \\ c', "PLAIN": "x" * 500},
        command=["--flag", "value"],
        sidecars={"otel": {**OTEL, "environment": {"K": "v"}, "command": ["--config", "/etc/otel.yaml"]}},
    )
    spec = next(spec for spec in load(data).variants if spec.variant == "control")
    floor = aws_rules.task_definition_floor(spec.settings)
    written = len(task_definition(synth(data))["container_definitions"].encode())
    assert 500 < floor <= written
