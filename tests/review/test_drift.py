"""`drift` on a real refresh-only plan (tests/review/plans/drift.json, made on moto by drift.py after
changes made by hand with boto3): what drifted, attribute by attribute, the state's value against
AWS's, and what the next apply does; the read-back noise of the provider is no drift."""

from __future__ import annotations

import copy
import json
import re
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modules import cli
from modules.review import drift
from modules.review.changes import ResourceChange
from modules.review.diff import AttributeChange
from modules.review.outputs import read_output
from modules.review.owners import Owner
from tests.review.plans.record import load
from tests.review.synthesized import output
from tests.review.test_markdown import anything, blocks

STACK = "feature-pipelines"
CONTROL, TREATMENT = "news-encoder_control", "news-encoder_treatment"


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    return load("drift")


@pytest.fixture(scope="module")
def head(synth_outputs):
    return read_output(output(synth_outputs), "--head")[STACK]


def rows(found: drift.Drift) -> set[tuple[str, str, Any, Any, str]]:
    return {
        (r.change.address, a.path, json.dumps(a.state), json.dumps(a.aws), a.next_apply)
        for r in found.resources
        for a in r.attributes
    }


def test_the_drift_is_exactly_what_was_changed_by_hand(recorded, head):
    """desired count 1 -> 3 and two tags on the treatment's service, an SSH ingress rule on the control's
    security group, a log group's retention, an alarm deleted; and the roles' inline policies, which the
    provider reads back once aws_iam_role_policy has added them (Terraform's own doing, but the state
    does not hold them: a refresh-only apply records them)."""
    assert recorded["exit_code"] == 2, "terraform plan -refresh-only -detailed-exitcode: drift"
    found = drift.find(recorded["plan"], head)
    assert [(r.change.address, r.change.action) for r in found.resources if r.deleted] == [
        (f"aws_cloudwatch_metric_alarm.{CONTROL}_cpu", "delete")
    ]
    simple = {row for row in rows(found) if row[1] not in ("ingress", "inline_policy")}
    assert simple == {
        (f"aws_cloudwatch_log_group.{CONTROL}", "retention_in_days", "365", "1", drift.RESTORED),
        (f"aws_ecs_service.{TREATMENT}", "desired_count", "1", "3", drift.RESTORED),
        (f"aws_ecs_service.{TREATMENT}", "tags.team", '"ml-platform"', '"search"', drift.RESTORED),
        (f"aws_ecs_service.{TREATMENT}", "tags.contact", "null", '"@acme/ml-oncall"', drift.RESTORED),
    }
    (ingress,) = [a for r in found.resources for a in r.attributes if a.path == "ingress"]
    assert ingress.state == [] and ingress.next_apply == drift.UNSET, "the stack declares no ingress: apply keeps it"
    assert [(rule["from_port"], rule["cidr_blocks"]) for rule in ingress.aws] == [(22, ["0.0.0.0/0"])]
    policies = {r.change.address for r in found.resources for a in r.attributes if a.path == "inline_policy"}
    assert policies == {f"aws_iam_role.{CONTROL}_execution", f"aws_iam_role.{TREATMENT}_execution"}
    assert len(found.resources) == 6


def test_what_the_provider_reads_back_for_an_unset_value_is_no_drift(recorded, head):
    """The plan lists 17 resources: 11 differ only by null in the state against AWS's zero value
    (an alarm's `[]` actions, a capacity provider's base 0, a metric query's period 0, the cluster's `{}` tags)."""
    assert len(recorded["plan"]["resource_drift"]) == 17
    kept = {r.change.address for r in drift.find(recorded["plan"], head).resources}
    left_out = {item["address"] for item in recorded["plan"]["resource_drift"]} - kept
    assert f"aws_cloudwatch_metric_alarm.{TREATMENT}_tasks" in left_out and "aws_ecs_cluster.cluster" in left_out
    for item in recorded["plan"]["resource_drift"]:
        if item["address"] in left_out:
            before, after = drift.settled(item["change"]["before"], item["change"]["after"])
            assert before == after, item["address"]


@pytest.mark.parametrize(
    ("before", "after", "settled"),
    [
        ({"a": None, "b": [{"period": None}]}, {"a": [], "b": [{"period": 0}]}, True),
        ({"tags": None}, {"tags": {}}, True),
        ({"desired_count": 1}, {"desired_count": 0}, False),  # scaled to zero by hand: drift
        ({"enabled": None}, {"enabled": True}, False),
        ({"ingress": []}, {"ingress": [{"from_port": 22}]}, False),
    ],
)
def test_settled_makes_only_null_against_a_zero_value_equal(before, after, settled):
    assert (drift.settled(before, after)[0] == drift.settled(before, after)[1]) is settled


def test_the_next_apply_keeps_what_ignore_changes_names_or_the_config_does_not_set():
    attribute = AttributeChange("desired_count", 1, 3)
    assert drift.next_apply(attribute, {"desired_count": 1}) == drift.RESTORED
    assert drift.next_apply(attribute, {"lifecycle": {"ignore_changes": ["desired_count"]}}) == drift.IGNORED
    assert drift.next_apply(attribute, {"desired_count": 1, "lifecycle": {"ignore_changes": "all"}}) == drift.IGNORED
    assert drift.next_apply(attribute, {}) == drift.UNSET
    assert drift.next_apply(AttributeChange("tags_all.team", "a", "b"), {"tags": {}}) == drift.RESTORED


def test_the_markdown_shows_each_drift_in_a_row_and_values_from_aws_as_data(recorded, head):
    plan = copy.deepcopy(recorded["plan"])
    (service,) = [item for item in plan["resource_drift"] if item["address"] == f"aws_ecs_service.{TREATMENT}"]
    hostile = "@acme/ml-oncall | `x`\n# forged <!-- @octocat"
    for key in ("tags", "tags_all"):
        service["change"]["after"][key]["contact"] = hostile
    text = drift.markdown(drift.find(plan, head))
    assert text.startswith(
        f"## Drift: {STACK}\n\n6 resources of {STACK} changed outside Terraform (5 changed, 1 deleted)"
    )
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 7 for line in table), "six cells per row"
    (contact,) = [line for line in table if "`tags.contact`" in line]
    assert contact == (
        '|  |  | `tags.contact` | (none) | ``"@acme/ml-oncall \\| `x`\\n# forged <!-- @octocat"`` '
        "| sets the config's value again |"
    ), "a code span: no mention, no HTML, no line break, the cell's pipe escaped"
    assert (
        f"| `aws_cloudwatch_metric_alarm.{CONTROL}_cpu` | deleted outside Terraform | | | | creates it again |" in text
    )


def test_the_drift_command_exits_3_on_drift_and_0_without(recorded, synth_outputs, tmp_path, capsys):
    head_dir = str(output(synth_outputs))
    plan_file = tmp_path / "drift.json"
    plan_file.write_text(json.dumps(recorded["plan"]))
    code = cli.main(["drift", "--head", head_dir, "--plan", f"{STACK}={plan_file}", "--format", "json"])
    (report,) = json.loads(capsys.readouterr().out)
    assert code == 3
    assert report["stack"] == STACK and len(report["drifted"]) == 6
    assert report["summary"].startswith(f"6 resources of {STACK} changed outside Terraform")
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps({**recorded["plan"], "resource_drift": []}))
    code = cli.main(["drift", "--head", head_dir, "--plan", f"{STACK}={clean}"])
    assert (code, capsys.readouterr().out) == (0, f"## Drift: {STACK}\n\nNo drift in {STACK}: AWS matches the state.\n")


def test_the_drift_command_refuses_what_is_not_a_plan(synth_outputs, tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text('{"format_version": "1.0", "values": {}}')
    code = cli.main(["drift", "--head", str(output(synth_outputs)), "--plan", f"{STACK}={state}"])
    assert code == 2
    assert "is not the output of `terraform show -json PLANFILE`" in capsys.readouterr().err


def _drift(values: Any) -> drift.Drift:
    stack, owner = next(values), Owner(next(values), next(values))  # one owner: one table, whatever the names
    changed = ResourceChange(stack, next(values), owner, "update")
    deleted = ResourceChange(stack, next(values), owner, "delete")
    attributes = [drift.Drifted(next(values), next(values), next(values), drift.RESTORED) for _ in range(2)]
    return drift.Drift(stack, [drift.Resource(changed, attributes), drift.Resource(deleted)])


@settings(max_examples=60, deadline=None)
@given(st.lists(anything, min_size=11, max_size=11))
def test_the_drift_keeps_its_headings_tables_and_rows_whatever_the_values(values):
    """Stack, pipeline and variant names, addresses, paths and AWS's values are data: the Markdown's structure
    is that of placeholders (parsed as CommonMark with GFM tables)."""
    placeholders = (f"v{i}" for i in count())
    assert blocks(drift.markdown(_drift(iter(values)))) == blocks(drift.markdown(_drift(placeholders)))
