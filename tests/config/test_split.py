"""`stacks: per_pipeline`: stack names from names only, and the blocks that move a single stack's state."""

import copy

import pytest

from modules.config.split import BY_ID, IMPORT_IDS, RECREATED, import_id, kept, migration
from tests.helpers import config_problems, default_data, load_all

CLUSTER_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/feature-pipelines"
TARGET = {
    "service_namespace": "ecs",
    "resource_id": "service/feature-pipelines/feature-pipelines-news-encoder-control",
    "scalable_dimension": "ecs:service:DesiredCount",
}


def split_data(**environments):
    data = default_data()
    data["stacks"] = "per_pipeline"
    data["pipelines"]["clicks"] = copy.deepcopy(data["pipelines"]["news-encoder"])
    if environments:
        data["environments"] = environments
    return data


def test_a_split_deployment_names_its_shared_stack_like_the_single_one_then_one_per_pipeline():
    (single,) = load_all(default_data())
    (split,) = load_all(split_data())
    assert single.stack_names() == ["feature-pipelines"]
    assert split.stack_names() == ["feature-pipelines", "feature-pipelines-news-encoder", "feature-pipelines-clicks"]
    own = split.for_pipeline("clicks")
    assert own.stack == "feature-pipelines-clicks"
    assert {spec.pipeline for spec in own.variants} == {"clicks"}
    assert own.cluster_name == split.cluster_name


def test_two_environments_writing_one_stack_name_are_refused():
    problems = config_problems(split_data(prod={}, **{"prod-clicks": {}}))
    assert any(
        "environments.prod-clicks" in line and "'prod-clicks' is also a stack of environment 'prod'" in line
        for line in problems
    ), problems


def test_stacks_takes_only_the_two_layouts():
    data = default_data()
    data["stacks"] = "per_variant"
    assert any(line.startswith("stacks:") and "per_pipeline" in line for line in config_problems(data))


@pytest.mark.parametrize(
    ("resource_type", "values", "expected"),
    [
        ("aws_ecs_service", {"cluster": CLUSTER_ARN, "name": "svc"}, "feature-pipelines/svc"),
        (
            "aws_ecs_task_definition",
            {"arn": "arn:aws:ecs:r:1:task-definition/f:3", "id": "f"},
            "arn:aws:ecs:r:1:task-definition/f:3",
        ),
        ("aws_appautoscaling_target", TARGET, f"ecs/{TARGET['resource_id']}/ecs:service:DesiredCount"),
        (
            "aws_appautoscaling_policy",
            {**TARGET, "name": "cpu"},
            f"ecs/{TARGET['resource_id']}/ecs:service:DesiredCount/cpu",
        ),
        ("aws_cloudwatch_log_metric_filter", {"log_group_name": "/ecs/x", "name": "errors"}, "/ecs/x:errors"),
        ("aws_cloudwatch_event_target", {"event_bus_name": "default", "rule": "r", "target_id": "t"}, "default/r/t"),
        (
            "aws_iam_role_policy_attachment",
            {"role": "r", "policy_arn": "arn:aws:iam::aws:policy/P"},
            "r/arn:aws:iam::aws:policy/P",
        ),
        ("aws_security_group", {"id": "sg-1"}, "sg-1"),
        ("aws_appautoscaling_scheduled_action", {"id": "x"}, None),
    ],
)
def test_import_ids_follow_the_provider_import_docs(resource_type, values, expected):
    assert import_id(resource_type, values) == expected


def test_every_type_a_variant_synthesizes_has_a_known_import_id():
    from modules.runtime.imports import PROVIDER_CLASSES

    shared = {"ecs_cluster", "ecs_cluster_capacity_providers", "provider"}
    resources = {f"aws_{name}" for name in PROVIDER_CLASSES if not name.startswith("data_") and name not in shared}
    assert resources <= set(IMPORT_IDS) | BY_ID | RECREATED
    with pytest.raises(ValueError, match="no import id known for aws_nothing"):
        import_id("aws_nothing", {"id": "x"})


def resource(address, **values):
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "values": values}


def test_migration_moves_what_a_pipeline_stack_declares_and_leaves_the_rest():
    state = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    resource("aws_ecs_cluster.cluster", id=CLUSTER_ARN),
                    resource("aws_iam_role.a_control_task", id="a-control-task"),
                    resource("aws_ecs_service.a_control", cluster=CLUSTER_ARN, name="a-control"),
                    resource("aws_appautoscaling_scheduled_action.a_control_night", id="night"),
                    resource("aws_iam_role.gone_control_task", id="gone"),
                    {**resource("aws_region.current"), "mode": "data"},
                ]
            }
        },
    }
    stack = {
        "resource": {
            "aws_iam_role": {"a_control_task": {}},
            "aws_ecs_service": {"a_control": {}},
            "aws_appautoscaling_scheduled_action": {"a_control_night": {}},
        }
    }
    found = migration(state, {"prod-a": stack})
    assert found.imports == {
        "prod-a": [
            {"to": "aws_iam_role.a_control_task", "id": "a-control-task"},
            {"to": "aws_ecs_service.a_control", "id": "feature-pipelines/a-control"},
        ]
    }
    assert (found.moved, found.recreated) == (3, ["aws_appautoscaling_scheduled_action.a_control_night"])


def test_the_shared_stack_forgets_never_destroys_every_resource_of_the_pipelines_stacks():
    stacks = {
        "prod-a": {"resource": {"aws_iam_role": {"a_task": {}}}},
        "prod-b": {"resource": {"aws_sqs_queue": {"b": {}}}},
    }
    assert kept(stacks) == [
        {"from": "aws_iam_role.a_task", "lifecycle": {"destroy": False}},
        {"from": "aws_sqs_queue.b", "lifecycle": {"destroy": False}},
    ]
