"""Exec and deployment-safety dangers (review/dangers_service.py) on small hand-written stacks."""

from modules.review.changes import infer
from modules.review.dangers import find, new_access
from modules.review.outputs import parse_stack

TAGS = {"pipeline": "p", "variant": "v"}
SAFE = {
    "name": "p_v",
    "tags": TAGS,
    "force_new_deployment": True,
    "deployment_circuit_breaker": {"enable": True, "rollback": True},
    "deployment_minimum_healthy_percent": 100,
    "deployment_maximum_percent": 200,
    "wait_for_steady_state": True,
    "enable_execute_command": False,
    "alarms": {"alarm_names": ["a"], "enable": True, "rollback": True},
}


def stack(service=None, cluster=None):
    resources = {"aws_ecs_service": {"p_v": service}} if service else {}
    if cluster:
        resources["aws_ecs_cluster"] = {"cluster": cluster}
    data = {"provider": {"aws": [{"region": "us-east-1"}]}, "resource": resources}
    return parse_stack("s", data)


def dangers(base, head):
    return [(d.kind, d.detail.split(":")[0]) for d in find(infer(base, head), base, head, inferred=True)]


def test_an_unchanged_safe_service_has_no_danger():
    assert dangers(stack(SAFE), stack({**SAFE, "desired_count": 2})) == []


def test_exec_turned_on_is_a_security_danger_on_update_and_new_access_on_create():
    on = {**SAFE, "enable_execute_command": True}
    assert dangers(stack(SAFE), stack(on)) == [("security", "ECS Exec turned on")]
    assert dangers(stack(on), stack({**on, "desired_count": 2})) == []
    created = infer(stack(), stack(on))
    assert dangers(stack(), stack(on)) == [], "a new service is no danger by itself"
    assert [(a.address, a.detail.split(":")[0]) for a in new_access(created, stack(), stack(on), inferred=True)] == [
        ("aws_ecs_service.p_v", "ECS Exec on")
    ]


def test_weakened_deployments_are_safety_dangers():
    weak = {
        **SAFE,
        "deployment_circuit_breaker": {"enable": True, "rollback": False},
        "deployment_minimum_healthy_percent": 0,
        "wait_for_steady_state": False,
    }
    weak.pop("alarms")
    assert dangers(stack(SAFE), stack(weak)) == [
        ("safety", "rollback off"),
        ("safety", "minimum healthy percent 0"),
        ("safety", "deployment alarms removed"),
        ("safety", "wait_for_steady_state off"),
    ]


def test_alarm_rollback_off_alone_is_a_safety_danger():
    head = {**SAFE, "alarms": {"alarm_names": ["a"], "enable": True, "rollback": False}}
    assert dangers(stack(SAFE), stack(head)) == [("safety", "rollback off")]


def test_the_shared_cluster_exec_configuration_is_flagged_as_shared_and_security():
    cluster = {"name": "c"}
    configured = {**cluster, "configuration": {"execute_command_configuration": {"logging": "OVERRIDE"}}}
    found = dangers(stack(cluster=cluster), stack(cluster=configured))
    assert ("security", "the cluster's ECS Exec configuration (session key, audit logging) changes") in found
    assert any(kind == "shared" for kind, _ in found)
