"""`review --plan` on real plans (tests/review/plans/: recorded by the e2e tests that made them on moto,
see record.py): the review's actions, attributes and dangers are the plan's, and nothing the plan
contradicts is called a danger. The heads are synthesized here from the same config changes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from modules import cli
from modules.review.changes import AFTER_APPLY
from modules.review.outputs import read_output
from modules.review.review import Review, review
from tests.review.plans.record import load
from tests.review.synthesized import output
from tests.terraform.test_adopt import adopting
from tests.terraform.test_review_plans import HEADS

STACK = "feature-pipelines"
CONTROL, TREATMENT = "news-encoder_control", "news-encoder_treatment"


def actions(plan: dict[str, Any]) -> dict[str, str]:
    """What the plan does per address, in the review's words."""
    names = {("create",): "create", ("update",): "update", ("delete",): "delete", ("no-op",): "import"}
    return {
        item["address"]: names.get(tuple(item["change"]["actions"]), "replace")
        for item in plan["resource_changes"]
        if item["change"]["actions"] != ["no-op"] or item["change"].get("importing")
    }


def reviewed(synth_outputs, name: str, *, base: bool = True) -> tuple[Review, dict[str, Any]]:
    recorded = load(name)["plan"]
    head_out = output(synth_outputs, *([HEADS[name]] if name in HEADS else []))
    base_stacks = read_output(output(synth_outputs), "--base") if base else {}
    return review(base_stacks, read_output(head_out, "--head"), {STACK: recorded}), recorded


def kinds(result: Review) -> set[tuple[str, str]]:
    return {(d.kind, d.address) for d in result.dangers}


@pytest.mark.parametrize("name", ["create-only", *HEADS])
def test_every_action_is_the_plans(synth_outputs, name):
    result, plan = reviewed(synth_outputs, name)
    assert {c.address: c.action for c in result.changes} == actions(plan)


@pytest.mark.parametrize("base", [True, False], ids=["base-is-head", "no-base"])
def test_a_create_only_plan_has_no_danger_and_lists_the_new_access(synth_outputs, base):
    """The first plan creates everything: creating is no danger; what the roles, policies and security
    groups grant is new access. Without a plan the review would compare the output with itself."""
    result, plan = reviewed(synth_outputs, "create-only", base=base)
    assert set(actions(plan).values()) == {"create"}
    assert result.dangers == []
    assert (result.total_base, result.total_delta) == (0, result.total_head), "nothing runs before a first apply"
    access = {(a.address, a.detail.split(":")[0]) for a in result.access}
    for variant in (CONTROL, TREATMENT):
        assert (f"aws_security_group.{variant}", "egress") in access
        assert any(address == f"aws_iam_role.{variant}_execution" for address, _ in access)
        assert any(address == f"aws_iam_role_policy.{variant}_execution" for address, _ in access)


def test_the_adoption_plan_lists_each_import_with_what_changes_in_aws_and_has_no_danger(synth_outputs):
    recorded = load("adoption")
    head = read_output(
        output(synth_outputs, lambda data: data.update(adopting(data, recorded["cdk"], imports=True))), "--head"
    )
    for base in ({}, read_output(output(synth_outputs), "--base")):
        result = review(base, head, {STACK: recorded["plan"]})
        assert result.dangers == [], [(d.kind, d.address, d.detail) for d in result.dangers]
    imported = {c.address: c for c in result.changes if c.importing is not None}
    assert len(imported) == 12 and all(c.action == "update" for c in imported.values())
    plan = {item["address"]: item["change"] for item in recorded["plan"]["resource_changes"]}
    for address, change in imported.items():
        assert change.importing == plan[address]["importing"]["id"]
        assert change.attributes, f"{address}: an import updated in place shows what changes"
        for attribute in change.attributes:
            assert attribute.old != attribute.new
    # The cluster keeps its name: the plan's before (AWS) and after agree, so it is no attribute.
    assert not any(a.path == "name" for a in imported["aws_ecs_cluster.cluster"].attributes)
    # The adopted security group's egress: AWS's allow-all before, ours after (narrower: no danger).
    group = imported[f"aws_security_group.{CONTROL}"]
    egress = [a for a in group.attributes if a.path.startswith("egress")]
    assert (
        egress
        and plan[f"aws_security_group.{CONTROL}"]["before"]["egress"]
        != plan[f"aws_security_group.{CONTROL}"]["after"]["egress"]
    )
    assert any(a.detail.startswith("policy") for a in result.access), "our inline policy on an adopted role"


def test_an_adoption_that_replaces_the_services_is_an_adoption_danger(synth_outputs):
    recorded = load("adoption-wrong-launch-type")

    def wrong(data):
        data.update(adopting(data, recorded["cdk"], imports=True, launch_type="none"))

    head = read_output(output(synth_outputs, wrong), "--head")
    result = review({}, head, {STACK: recorded["plan"]})
    assert kinds(result) == {("adoption", f"aws_ecs_service.{variant}") for variant in (CONTROL, TREATMENT)}


def test_a_bumped_image_shows_the_plans_image_and_no_danger(synth_outputs):
    result, _ = reviewed(synth_outputs, "bump-image")
    assert result.dangers == []
    (revision,) = [c for c in result.changes if c.type == "aws_ecs_task_definition"]
    (image,) = [a for a in revision.attributes if a.path.endswith(".image")]
    assert image.old.endswith(":2026-11-20") and image.new.endswith(":2026-12-01")
    assert any(a.new == AFTER_APPLY for a in revision.attributes), "arn, revision: known after apply"


def test_a_renamed_cluster_is_shared_and_replaces_every_service(synth_outputs):
    result, plan = reviewed(synth_outputs, "rename-cluster")
    replaced = {address for address, action in actions(plan).items() if action == "replace"}
    revisions = {a for a in replaced if a.startswith("aws_ecs_task_definition.")}
    assert {address for kind, address in kinds(result) if kind == "replace"} == replaced - revisions
    assert ("shared", "aws_ecs_cluster.cluster") in kinds(result)
    assert {address for kind, address in kinds(result) if kind == "isolation"} == {
        f"aws_ecs_service.{CONTROL}",
        f"aws_ecs_service.{TREATMENT}",
    }
    (name,) = [
        a
        for a in next(c for c in result.changes if c.address == "aws_ecs_cluster.cluster").attributes
        if a.path == "name"
    ]
    assert (name.old, name.new) == ("feature-pipelines", "feature-pipelines-v2")


def changed(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every resource the plan replaces or destroys: its change, by address."""
    return {
        item["address"]: item["change"] for item in plan["resource_changes"] if "delete" in item["change"]["actions"]
    }


def test_a_renamed_variants_dangers_are_exactly_what_the_plan_destroys(synth_outputs):
    """Every danger is on an address the plan destroys, and every destroyed service, log group, alarm and
    metric filter is one: the rest of the old variant (roles, policy, security group, task definition)
    goes with it, which the service's rename danger says."""
    result, plan = reviewed(synth_outputs, "rename-variant")
    destroyed = changed(plan)
    assert {tuple(change["actions"]) for change in destroyed.values()} == {("delete",)}
    by_type = {
        "aws_ecs_service": "replace",
        "aws_cloudwatch_log_group": "data_loss",
        "aws_cloudwatch_metric_alarm": "observability",
        "aws_cloudwatch_log_metric_filter": "observability",
    }
    expected = {(by_type[a.split(".")[0]], a) for a in destroyed if a.split(".")[0] in by_type}
    assert kinds(result) == expected
    assert {address for _, address in kinds(result)} <= set(destroyed)
    assert len(expected) == 7, "the service, its log group, four alarms and the error metric filter"


def test_a_region_moves_dangers_are_exactly_what_the_plan_replaces_and_the_orphans(synth_outputs):
    """The plan creates every regional resource anew (no danger: the orphans danger says why) and replaces
    the global IAM ones: each replacement is a `replace` danger; a policy whose document the plan changes
    (its log group's ARN in the new region) grants something new (`security`); one `isolation` per
    variant (its config did not change); nothing on an address the plan does not replace."""
    result, plan = reviewed(synth_outputs, "change-region")
    replaced = changed(plan)
    assert {tuple(change["actions"]) for change in replaced.values()} == {("delete", "create")}
    policies = {
        address
        for address, change in replaced.items()
        # its document names the new region's log group: Terraform knows it only after the apply
        if address.startswith("aws_iam_role_policy.") and change["after"].get("policy") != change["before"]["policy"]
    }
    isolation = {(d.address, d.detail.split(" changes ")[0]) for d in result.dangers if d.kind == "isolation"}
    assert {owner for _, owner in isolation} == {"news-encoder/control", "news-encoder/treatment"}
    assert kinds(result) == {
        ("orphans", "provider.aws"),
        *(("replace", address) for address in replaced),
        *(("security", address) for address in policies),
        *(("isolation", address) for address, _ in isolation),
    }
    assert {address for _, address in kinds(result)} <= {*replaced, "provider.aws"}
    assert policies and len(replaced) == 6


def test_review_reads_a_real_plan_without_a_base(synth_outputs, tmp_path, capsys):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(load("create-only")["plan"]))
    head = str(output(synth_outputs))
    code = cli.main(["review", "--head", head, "--plan", f"{STACK}={plan_file}", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["dangers"]) == (0, [])
    assert report["new_access"]
