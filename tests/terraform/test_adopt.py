"""Migrating a running A/B pair made by the AWS CDK onto our stack, on a local AWS API (moto).

What a `cdk deploy` of the source memo's design leaves (cluster, two Fargate services control and
treatment, their task definitions, roles, log groups and security groups, CloudFormation's names) is
created with boto3 (`tests.terraform.moto_cdk`); the default config then adopts it. The real Terraform
plan must import every adopted resource and change them in place only: nothing destroyed, nothing
replaced; the apply keeps the very same services; and once applied, the config with `imports: false`
(the import blocks gone, the adopted names kept) plans no change at all. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modules.review.outputs import read_output
from modules.review.review import review
from tests.helpers import default_data, to_yaml
from tests.review.plans.record import record
from tests.terraform.moto import (
    MotoServer,
    point_at_moto,
    provider_override,
    rebind,
    require_moto,
    seed_spec,
)
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

pytestmark = pytest.mark.e2e

VARIANTS = ("control", "treatment")
#: Per adopted variant: log group, two roles, security group, service; the cluster and its capacity providers.
ADOPTED_PER_VARIANT = (
    "aws_cloudwatch_log_group",
    "aws_iam_role",
    "aws_iam_role",
    "aws_security_group",
    "aws_ecs_service",
)


def deploy_cdk_stack(server: MotoServer, network: dict[str, Any], region: str) -> dict[str, Any]:
    spec = {
        "region": region,
        "stack": "NewsEncoderStack",
        "variants": list(VARIANTS),
        "image": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/news-encoder:2026-10-01",
        **network,
    }
    return server.run("tests.terraform.moto_cdk", spec)


def adopting(
    data: dict[str, Any], cdk: dict[str, Any], *, imports: bool, launch_type: str = "FARGATE"
) -> dict[str, Any]:
    """The config adopting the CDK stack's cluster and both variants (`cluster.name` left to `adopt.cluster`)."""
    data = {**data, "cluster": {k: v for k, v in data.get("cluster", {}).items() if k != "name"}}
    variants = {variant: {**cdk["variants"][variant]["adopt"], "launch_type": launch_type} for variant in VARIANTS}
    data["adopt"] = {
        "cluster": cdk["cluster"],
        "imports": imports,
        "pipelines": {"news-encoder": {"variants": variants}},
    }
    return data


def point_at(workdir: Path, endpoint: str) -> None:
    """`moto.point_at_moto`, with the account id requested (moto's STS answers): the AWS provider's importers
    of a cluster and a service build the cluster's ARN from it, as they do against AWS."""
    point_at_moto(workdir, endpoint)
    override = provider_override(endpoint)
    del override["provider"]["aws"]["skip_requesting_account_id"]
    (workdir / "moto_override.tf.json").write_text(json.dumps(override, indent=2))


def plan_json(terraform: Terraform, workdir: Path) -> dict[str, Any]:
    terraform.run(workdir, "plan", "-input=false", "-no-color", "-out=tfplan")
    return json.loads(terraform.run(workdir, "show", "-json", "tfplan").stdout)


@pytest.fixture(scope="module")
def migration(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The first plan (JSON), the apply, the re-plan with `imports: false`: what each showed."""
    require_moto()
    workdir = tmp_path_factory.mktemp("adopt")
    server = MotoServer(workdir / "moto.log")
    try:
        base = rebind(default_data(), server.seed(seed_spec(default_data())))
        cdk = deploy_cdk_stack(server, base["network"], base["region"])
        # The contrast: declared as having a capacity provider strategy, the launch-type services are replaced.
        (wrong,) = synthesize_stacks(
            to_yaml(adopting(base, cdk, imports=True, launch_type="none")), workdir / "wrong"
        ).values()
        point_at(wrong, server.endpoint)
        terraform.run(wrong, "init", "-input=false", "-no-color")
        contrast = plan_json(terraform, wrong)
        (stack,) = synthesize_stacks(to_yaml(adopting(base, cdk, imports=True)), workdir / "first").values()
        point_at(stack, server.endpoint)
        terraform.run(stack, "init", "-input=false", "-no-color")
        plan = plan_json(terraform, stack)
        record("adoption", plan, cdk=cdk)
        record("adoption-wrong-launch-type", contrast, cdk=cdk)
        terraform.run(stack, "apply", "-input=false", "-no-color", "tfplan")
        outputs = json.loads(terraform.run(stack, "output", "-json").stdout)
        # After the first apply: the import blocks go, the adopted names stay. The local backend keeps the
        # state three levels up from the stack's directory (`../../../terraform.<stack>.tfstate`): the same file.
        (later,) = synthesize_stacks(to_yaml(adopting(base, cdk, imports=False)), workdir / "later").values()
        point_at(later, server.endpoint)
        terraform.run(later, "init", "-input=false", "-no-color")
        replan = terraform.run(later, "plan", "-input=false", "-no-color", "-detailed-exitcode", expect=(0, 2))
        return {
            "plan": plan,
            "cdk": cdk,
            "outputs": outputs,
            "replan": replan,
            "later": later,
            "first": stack,
            "contrast": (wrong, contrast),
        }
    finally:
        server.stop()


def changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["address"]: change for change in plan["resource_changes"]}


def test_the_first_plan_imports_every_adopted_resource(migration):
    found = changes(migration["plan"])
    imported = {address: change for address, change in found.items() if change["change"].get("importing")}
    expected = {"aws_ecs_cluster.cluster", "aws_ecs_cluster_capacity_providers.cluster"} | {
        f"{kind}.news-encoder_{variant}{suffix}"
        for variant in VARIANTS
        for kind, suffix in zip(ADOPTED_PER_VARIANT, ("", "_execution", "_task", "", ""), strict=True)
    }
    assert set(imported) == expected
    cdk = migration["cdk"]["variants"]
    for variant in VARIANTS:
        adopted = cdk[variant]["adopt"]
        assert imported[f"aws_ecs_service.news-encoder_{variant}"]["change"]["importing"]["id"] == adopted["service"]
        assert (
            imported[f"aws_security_group.news-encoder_{variant}"]["change"]["importing"]["id"]
            == (adopted["security_group"])
        )


def test_the_review_of_the_first_plan_lists_every_import_and_finds_no_danger(migration):
    """What the plan does is adopting: each import with what then changes in AWS (the plan's before: AWS's
    values), and no danger, as nothing is replaced, destroyed or widened relative to what runs."""
    plan = migration["plan"]
    result = review({}, read_output(migration["first"].parent.parent, "--head"), {"feature-pipelines": plan})
    assert [(d.kind, d.address, d.detail) for d in result.dangers] == []
    imported = {c.address: c.importing for c in result.changes if c.importing is not None}
    assert imported == {
        address: change["change"]["importing"]["id"]
        for address, change in changes(plan).items()
        if change["change"].get("importing")
    }


def test_the_first_plan_destroys_and_replaces_nothing(migration):
    found = changes(migration["plan"])
    for address, change in found.items():
        actions = change["change"]["actions"]
        assert "delete" not in actions, f"{address}: {actions}"
        if change["change"].get("importing"):
            assert actions in (["no-op"], ["update"]), f"{address} is imported, then {actions}"
    created = sorted({change["type"] for change in found.values() if change["change"]["actions"] == ["create"]})
    # New: the task definition revisions in the adopted families, our least-privilege inline policy, alarms.
    assert "aws_ecs_service" not in created and "aws_iam_role" not in created and "aws_ecs_cluster" not in created
    assert "aws_ecs_task_definition" in created


def test_the_apply_keeps_the_running_services_and_names(migration):
    outputs = {name: body["value"] for name, body in migration["outputs"].items()}
    cdk = migration["cdk"]
    assert outputs["cluster_name"] == cdk["cluster"]
    for variant in VARIANTS:
        adopted = cdk["variants"][variant]["adopt"]
        assert outputs[f"news-encoder_{variant}_service_arn"] == cdk["variants"][variant]["service_arn"]
        assert outputs[f"news-encoder_{variant}_task_definition_family"] == adopted["family"]
        assert outputs[f"news-encoder_{variant}_log_group_name"] == adopted["log_group"]
        assert outputs[f"news-encoder_{variant}_execution_role_arn"].endswith(f":role/{adopted['execution_role']}")
        assert outputs[f"news-encoder_{variant}_security_group_id"] == adopted["security_group"]


def test_without_the_import_blocks_the_next_plan_changes_nothing(migration):
    assert "import" not in json.loads((migration["later"] / "cdk.tf.json").read_text())
    assert migration["replan"].returncode == 0, migration["replan"].stdout[-8000:]


def test_a_wrong_launch_type_would_replace_the_services_and_review_says_so(migration):
    """Why `launch_type` is kept: the AWS provider replaces a service that gains a capacity provider strategy.
    `review` on that real plan reports each such import as an adoption danger."""
    wrong, plan = migration["contrast"]
    found = changes(plan)
    for variant in VARIANTS:
        change = found[f"aws_ecs_service.news-encoder_{variant}"]["change"]
        assert change["importing"] and change["actions"] == ["delete", "create"]
    result = review({}, read_output(wrong.parent.parent, "--head"), {"feature-pipelines": plan})
    assert [(d.kind, d.address) for d in result.dangers if d.kind == "adoption"] == [
        ("adoption", f"aws_ecs_service.news-encoder_{variant}") for variant in VARIANTS
    ]
