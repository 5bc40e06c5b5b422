"""Reviews of plans that import (`adopt:`): imports are their own action; an import that replaces is a danger."""

from __future__ import annotations

import json

from modules.output_dir import synthesize
from modules.review import report
from modules.review.import_table import import_rows, render
from modules.review.outputs import read_output
from modules.review.review import review
from tests.config.test_adopt import CLUSTER, CONTROL, adopting
from tests.helpers import load_all, run

STACK = "feature-pipelines"
SERVICE = "aws_ecs_service.news-encoder_control"
GROUP = "aws_security_group.news-encoder_control"
ROLE = "aws_iam_role.news-encoder_control_task"


def plan(*changes: dict) -> dict:
    return {"format_version": "1.2", "planned_values": {"root_module": {}}, "resource_changes": list(changes)}


def imported(address: str, id: str, actions: list[str], **extra: object) -> dict:
    change = {"actions": actions, "before": {}, "after": {}, "importing": {"id": id}, **extra}
    return {"address": address, "change": change}


def adopted_output(tmp_path):
    out = tmp_path / "adopt"
    if not out.exists():
        synthesize(load_all(adopting()), out)
    return out


def test_imports_are_their_own_action_and_no_danger(tmp_path):
    head = read_output(adopted_output(tmp_path), "--head")
    result = review({}, head, {STACK: plan(imported(ROLE, CONTROL["task_role"], ["no-op"]))})
    (change,) = result.changes
    assert (change.address, change.action, change.importing) == (ROLE, "import", CONTROL["task_role"])
    assert result.dangers == []
    assert f"| `{ROLE}` | import `{CONTROL['task_role']}` | | | |" in report.markdown(result)
    assert json.loads(report.as_json(result))["changes"][0]["importing"] == CONTROL["task_role"]


def test_an_import_then_an_update_says_both(tmp_path):
    head = read_output(adopted_output(tmp_path), "--head")
    update = imported(GROUP, CONTROL["security_group"], ["update"])
    update["change"].update(before={"egress": []}, after={"egress": [{"from_port": 443}]})
    result = review({}, head, {STACK: plan(update)})
    assert result.changes[0].action == "update"
    assert f"import `{CONTROL['security_group']}`, then update" in report.markdown(result)
    assert [d.kind for d in result.dangers] == []


def test_an_import_that_replaces_is_an_adoption_danger(tmp_path):
    head = read_output(adopted_output(tmp_path), "--head")
    replaced = imported(
        SERVICE, CONTROL["service"], ["delete", "create"], replace_paths=[["capacity_provider_strategy"]]
    )
    result = review({}, head, {STACK: plan(replaced, imported(GROUP, CONTROL["security_group"], ["create", "delete"]))})
    assert [(d.kind, d.address) for d in result.dangers] == [("adoption", SERVICE), ("adoption", GROUP)]
    assert result.dangers[0].detail.startswith(
        f"imported ({CONTROL['service']}), then replaced (capacity_provider_strategy force it): the running resource"
    )


def test_review_exits_3_on_an_import_that_replaces(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan(imported(SERVICE, CONTROL["service"], ["delete", "create"]))))
    out = str(adopted_output(tmp_path))
    result = run("review", "--base", out, "--head", out, "--plan", f"{STACK}={plan_file}", "--format", "json")
    assert result.returncode == 3, result.stderr
    # Base and head are one output, but an import is adoption, never an isolation danger.
    assert [d["kind"] for d in json.loads(result.stdout)["dangers"]] == ["adoption"]


def test_the_import_table_reads_the_stack(tmp_path):
    stack = json.loads((adopted_output(tmp_path) / "stacks" / STACK / "cdk.tf.json").read_text())
    rows = {row.address: row for row in import_rows(STACK, stack)}
    assert rows["aws_ecs_cluster.cluster"].id == CLUSTER
    service = rows[SERVICE]
    assert (
        service.changes[0] == f"task definition: a new revision of family {CONTROL['family']}; its tasks roll "
        "(force_new_deployment)"
    )
    assert "launch type FARGATE kept, no capacity provider strategy" in service.changes
    assert rows[GROUP].checks[0].startswith("its VPC must be vpc-0a1b2c3d4e5f60718")
    assert "inline policy 'least-privilege' added" in rows["aws_iam_role.news-encoder_control_execution"].changes
    assert "inline policy 'least-privilege' added" not in rows[ROLE].changes
    assert render(list(rows.values())).startswith("| stack | address | AWS id | after import |")
