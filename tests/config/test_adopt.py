"""`adopt:`: shapes, adopted names, and every refusal of what would replace a running resource."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import config_problems, default_data, load, load_all

CLUSTER = "NewsStack-ClusterEB0386A7-AB12CD34EF56"
CONTROL = {
    "service": f"{CLUSTER}/NewsStack-ControlService1A2B3C4D-XYZ",
    "family": "NewsStackControlTaskDef5E6F7A8B",
    "execution_role": "NewsStack-ControlTaskDefExecutionRole-ABC",
    "task_role": "NewsStack-ControlTaskDefTaskRole-DEF",
    "log_group": "NewsStack-ControlLogGroup-GHI",
    "security_group": "sg-0123456789abcdef0",
}
VARIANT = "adopt.pipelines.news-encoder.variants.control"


def adopting(**control: Any) -> dict[str, Any]:
    """The default config (without `cluster.name`) adopting the CDK cluster and the control's resources."""
    data = default_data()
    data.setdefault("cluster", {}).pop("name", None)
    data["adopt"] = {
        "cluster": CLUSTER,
        "pipelines": {"news-encoder": {"variants": {"control": {**CONTROL, **control}}}},
    }
    return data


def test_adopted_resources_keep_their_names():
    deployment = load(adopting())
    control, treatment = deployment.variants
    assert deployment.cluster_name == CLUSTER
    assert control.names.service == "NewsStack-ControlService1A2B3C4D-XYZ"
    assert control.names.family == CONTROL["family"]
    assert control.names.execution_role == CONTROL["execution_role"]
    assert control.names.task_role == CONTROL["task_role"]
    assert control.names.log_group == CONTROL["log_group"]
    # What the control does not adopt, and the treatment, are named as ever, after the adopted cluster.
    assert control.names.security_group == f"{CLUSTER}_news-encoder_control"
    assert treatment.names.family == f"{CLUSTER}_news-encoder_treatment"
    adopted = deployment.adopt.variants["news-encoder_control"]
    assert (adopted.service, adopted.launch_type, adopted.security_group) == (
        CONTROL["service"],
        "FARGATE",
        CONTROL["security_group"],
    )
    assert deployment.adopt.cluster == CLUSTER and deployment.adopt.write_imports


def test_cluster_name_may_repeat_the_adopted_one():
    data = adopting(service="news-cluster/svc")
    data["cluster"]["name"] = data["adopt"]["cluster"] = "news-cluster"
    assert load(data).cluster_name == "news-cluster"


def test_without_adopt_nothing_is_adopted():
    assert not load(default_data()).adopt


def test_a_different_cluster_name_is_refused():
    data = adopting()
    data["cluster"]["name"] = "streaming-feature-pipelines"
    assert config_problems(data) == [
        f"adopt.cluster: cluster.name is 'streaming-feature-pipelines': an ECS cluster cannot be renamed; the "
        f"adopted cluster keeps its name, so remove cluster.name or set it to this (got '{CLUSTER}')"
    ]


def test_a_service_of_another_cluster_is_refused():
    (problem,) = config_problems(adopting(service="other-cluster/svc"))
    assert problem.startswith(f"{VARIANT}.service: the service runs in cluster 'other-cluster', ours is '{CLUSTER}'")


def test_a_service_needs_its_cluster_adopted():
    data = adopting()
    data["cluster"]["name"] = "news-cluster"
    del data["adopt"]["cluster"]
    data["adopt"]["pipelines"]["news-encoder"]["variants"]["control"]["service"] = "news-cluster/svc"
    (problem,) = config_problems(data)
    assert problem.startswith(f"{VARIANT}.service: adopting a service needs its cluster adopted too")


@pytest.mark.parametrize("key", ["fargate_spot_weight", "fargate_base"])
def test_a_strategy_on_a_launch_type_service_is_refused(key):
    data = adopting()
    data["pipelines"]["news-encoder"]["variants"]["control"][key] = 1
    (problem,) = config_problems(data)
    assert problem.startswith(f"{VARIANT}.launch_type: the service has launch type FARGATE: {key} needs a capacity")


def test_spot_on_a_capacity_provider_service_is_fine():
    data = adopting(launch_type="none")
    data["pipelines"]["news-encoder"]["variants"]["control"]["fargate_spot_weight"] = 1
    assert load(data).adopt.variants["news-encoder_control"].launch_type is None


def test_launch_type_without_a_service_is_refused():
    control = {key: value for key, value in CONTROL.items() if key != "service"}
    data = adopting()
    data["adopt"]["pipelines"]["news-encoder"]["variants"]["control"] = {**control, "launch_type": "none"}
    assert config_problems(data) == [f"{VARIANT}.launch_type: only with `service` (it is the service's) (got 'none')"]


def test_a_security_group_name_needs_its_id():
    data = adopting(security_group_name="NewsStack-ControlSG")
    del data["adopt"]["pipelines"]["news-encoder"]["variants"]["control"]["security_group"]
    assert config_problems(data) == [f"{VARIANT}.security_group: name the adopted security group's id (sg-...)"]


def test_an_unknown_variant_is_refused():
    data = adopting()
    data["adopt"]["pipelines"]["news-encoder"]["variants"]["canary"] = {"log_group": "x"}
    (problem,) = config_problems(data)
    assert problem == (
        "adopt.pipelines.news-encoder.variants.canary: no such variant in pipelines; variants: "
        "news-encoder.control, news-encoder.treatment"
    )


def test_one_resource_adopted_by_two_variants_is_refused():
    data = adopting()
    data["adopt"]["pipelines"]["news-encoder"]["variants"]["treatment"] = {"task_role": CONTROL["execution_role"]}
    (problem,) = config_problems(data)
    assert problem == (
        f"adopt.pipelines.news-encoder.variants.treatment.task_role: already adopted by {VARIANT}.execution_role; "
        f"each is one variant's (got '{CONTROL['execution_role']}')"
    )


def test_the_same_role_for_execution_and_task_is_refused():
    problems = config_problems(adopting(task_role=CONTROL["execution_role"]))
    assert any(
        p.startswith(f"{VARIANT}.task_role: the execution role and the task role are two roles") for p in problems
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("service", "no-slash"),
        ("service", "a/b/c"),
        ("execution_role", "bad role"),
        ("execution_role", "r" * 65),
        ("family", "has:colon"),
        ("log_group", "bad group!"),
        ("security_group", "sg-xyz"),
        ("launch_type", "EC2"),
        ("security_group_description", "no\nnewline"),
    ],
)
def test_shapes_are_checked_at_their_path(key, value):
    (problem,) = config_problems(adopting(**{key: value}))
    assert problem.startswith(f"{VARIANT}.{key}: ")


def test_unknown_keys_are_refused():
    (problem,) = config_problems(adopting(service_name="x"))
    assert problem.startswith(f"{VARIANT}.service_name: ")


def test_two_environments_importing_one_resource_are_refused():
    data = adopting()
    data["environments"] = {"stg": None, "prd": None}
    problems = config_problems(data)
    assert problems[0] == (
        f"adopt: environments stg and prd both import cluster '{CLUSTER}': each stack would manage it; give each "
        "environment its own `adopt:` (in its entry)"
    )
    assert len(problems) == 6  # the cluster, and the service, both roles, log group and security group


def test_environments_in_other_accounts_may_adopt_the_same_names():
    data = adopting()
    data["environments"] = {
        env: {"assume_role_arn": f"arn:aws:iam::{account}:role/deploy"}
        for env, account in (("stg", "111111111111"), ("prd", "222222222222"))
    }
    assert [d.adopt.cluster for d in load_all(data)] == [CLUSTER, CLUSTER]
