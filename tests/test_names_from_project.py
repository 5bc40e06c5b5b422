"""AWS names default from `project`: two projects in one account and region never collide."""

from typing import Any

from tests.helpers import default_data, synth, synth_all

#: Attributes holding a name AWS requires unique per account (IAM) or per account and region.
#: A service's name is unique only inside its cluster; a metric filter's inside its log group.
UNIQUE_NAMES = {
    "aws_ecs_cluster": "name",
    "aws_ecs_task_definition": "family",
    "aws_iam_role": "name",
    "aws_security_group": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_cloudwatch_metric_alarm": "alarm_name",
    "aws_cloudwatch_dashboard": "dashboard_name",
    "aws_cloudwatch_event_rule": "name",
}


def unique_names(stack: dict[str, Any]) -> set[str]:
    names = {
        body[attribute]
        for rtype, attribute in UNIQUE_NAMES.items()
        for body in stack["resource"].get(rtype, {}).values()
    }
    # custom metrics: the same namespace and name from two projects would mix their error counts
    metrics = [f["metric_transformation"] for f in stack["resource"]["aws_cloudwatch_log_metric_filter"].values()]
    return names | {f"{metric['namespace']}/{metric['name']}" for metric in metrics}


def project(name: str, **changes: Any) -> dict[str, Any]:
    data = default_data()
    data["project"] = name
    data.update(changes)
    return data


def test_the_cluster_is_named_after_the_project_and_every_aws_name_after_the_cluster():
    stack = synth(project("recsys"))
    assert stack["resource"]["aws_ecs_cluster"]["cluster"]["name"] == "recsys"
    names = unique_names(stack)
    # cluster, dashboard; per variant: family = security group, 2 roles, log group, 4 alarms, error metric
    assert len(names) == 2 + 2 * 9
    assert all(name.startswith(("recsys", "/ecs/recsys/", "FeaturePipelines/recsys")) for name in names), names


def test_two_projects_in_one_account_share_no_name():
    first, second = synth(project("recsys")), synth(project("search"))
    assert unique_names(first).isdisjoint(unique_names(second))


def test_a_set_cluster_name_keeps_every_name_whatever_the_project():
    kept = {"cluster": {"name": "streaming-feature-pipelines"}}
    first, second = synth(project("recsys", **kept)), synth(project("search", **kept))
    assert first["resource"] == second["resource"]
    assert first["resource"]["aws_ecs_cluster"]["cluster"]["name"] == "streaming-feature-pipelines"
    roles = sorted(role["name"] for role in first["resource"]["aws_iam_role"].values())
    assert roles[0] == "streaming-feature-pipelines_news-encoder_control_apne1_exec"


def test_environments_of_one_project_in_one_account_share_no_name():
    stacks = synth_all(project("recsys", environments={"dev": {}, "prd": None}))
    clusters = [stack["resource"]["aws_ecs_cluster"]["cluster"]["name"] for stack in stacks.values()]
    assert clusters == ["recsys-dev", "recsys-prd"]
    assert unique_names(stacks["dev"]).isdisjoint(unique_names(stacks["prd"]))


def test_an_environment_naming_its_own_project_or_cluster_is_named_after_that():
    stacks = synth_all(
        project(
            "recsys",
            cluster={"name": "shared"},
            environments={"dev": {"project": "recsys-lab"}, "stg": {}, "prd": {"cluster": {"name": "recsys"}}},
        )
    )
    clusters = {name: s["resource"]["aws_ecs_cluster"]["cluster"]["name"] for name, s in stacks.items()}
    # the top-level cluster.name wins over any project; an environment's own cluster.name is taken as is
    assert clusters == {"dev": "shared-dev", "stg": "shared-stg", "prd": "recsys"}
    lab = synth_all(project("recsys", environments={"dev": {"project": "recsys-lab"}}))
    assert lab["dev"]["resource"]["aws_ecs_cluster"]["cluster"]["name"] == "recsys-lab-dev"
