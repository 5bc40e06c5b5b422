"""`python main.py review` as CI runs it: Markdown and JSON, exit 0 / 3 / 2."""

import json
import os
from pathlib import Path

import pytest

from modules.lib import bounded
from modules.output_dir import synthesize
from tests.helpers import default_data, load_all, run
from tests.review.synthesized import bump_treatment, output, rename_treatment


@pytest.fixture(scope="module")
def outputs(synth_outputs):
    return output(synth_outputs), output(synth_outputs, bump_treatment), output(synth_outputs, rename_treatment)


def test_no_danger_exits_0_with_the_summary_first(outputs):
    base, bump, _ = outputs
    result = run("review", "--base", str(base), "--head", str(bump))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "## Plan review"
    assert lines[2].startswith("**No dangers**: 2 resources change in feature-pipelines: news-encoder/treatment;")
    assert "### Dangers" not in result.stdout
    assert "### feature-pipelines / news-encoder/treatment" in result.stdout
    assert "| **total** | | | 151.10 | 151.10 | +0.00 |" in result.stdout


def test_dangers_exit_3_and_json_lists_them(outputs):
    base, _, renamed = outputs
    result = run("review", "--base", str(base), "--head", str(renamed), "--format", "json")
    assert result.returncode == 3, result.stderr
    document = json.loads(result.stdout)
    assert [(d["kind"], d["address"], d["stack"]) for d in document["dangers"]] == [
        ("replace", "aws_ecs_service.news-encoder_treatment", "feature-pipelines"),
        ("data_loss", "aws_cloudwatch_log_group.news-encoder_treatment", "feature-pipelines"),
        ("observability", "aws_cloudwatch_log_metric_filter.news-encoder_treatment_errors", "feature-pipelines"),
        *(
            ("observability", f"aws_cloudwatch_metric_alarm.news-encoder_treatment_{kind}", "feature-pipelines")
            for kind in ("cpu", "errors", "memory", "tasks")
        ),
    ]
    assert all(d["detail"] for d in document["dangers"])
    assert {c["action"] for c in document["changes"]} == {"create", "delete", "update"}, "update: the dashboard"
    assert document["cost"]["total"] == {"base": 151.1, "head": 151.1, "delta": 0.0}


@pytest.mark.parametrize("base", [None, "", "empty"])
def test_a_first_pull_request_has_no_base_output(outputs, tmp_path, base):
    """No `--base`, an empty one, or an empty directory (the base branch synthesized nothing yet):
    everything in --head is created."""
    _, bump, _ = outputs
    args = [] if base is None else ["--base", str(tmp_path) if base == "empty" else base]
    result = run("review", *args, "--head", str(bump), "--format", "json")
    assert (result.returncode, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert {c["action"] for c in document["changes"]} == {"create"} and document["dangers"] == []
    assert document["new_access"], "what the new roles, policies and security groups grant"


def test_bad_input_exits_2(outputs, tmp_path):
    base, bump, _ = outputs
    (tmp_path / "README").write_text("not an output")
    not_output = run("review", "--base", str(tmp_path), "--head", str(bump))
    assert not_output.returncode == 2
    assert "--base: not a synthesized output: expected stacks/<stack>/cdk.tf.json inside" in not_output.stderr
    assert not_output.stderr.splitlines()[0] == "error: python main.py review: 1 problem", "review never writes"
    bad_plan = tmp_path / "plan.json"
    bad_plan.write_text("{}")
    state = tmp_path / "state.json"  # `terraform show -json` without a plan file: the state, no changes
    state.write_text(json.dumps({"format_version": "1.0", "terraform_version": "1.10.5", "values": {}}))
    mangled = tmp_path / "mangled.json"
    mangled.write_text(json.dumps({"format_version": "1.2", "planned_values": {}, "resource_changes": [{}]}))
    for plan, message in [
        ("feature-pipelines", "use --plan STACK=FILE"),
        (f"prod={bad_plan}", "no stack 'prod' in --base or --head"),
        (f"feature-pipelines={bad_plan}", f"{bad_plan} is not the output of `terraform show -json PLANFILE`"),
        (f"feature-pipelines={state}", f"{state} is not the output of `terraform show -json PLANFILE`"),
        (f"feature-pipelines={mangled}", f"{mangled} is not the output of `terraform show -json PLANFILE`"),
    ]:
        result = run("review", "--base", str(base), "--head", str(bump), "--plan", plan)
        assert result.returncode == 2
        assert f"--plan: {message}" in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""


def test_a_plan_file_decides_the_actions(outputs, tmp_path):
    base, bump, _ = outputs
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "planned_values": {"root_module": {}}}))
    result = run("review", "--base", str(base), "--head", str(bump), "--plan", f"feature-pipelines={plan}")
    assert result.returncode == 0, result.stderr
    assert "**No dangers**: no resource changes;" in result.stdout
    assert "- feature-pipelines: actions from Terraform's plan" in result.stdout


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ([], "<top level>: expected a JSON object (got [])"),
        ({"resource": []}, "resource: expected a JSON object (got [])"),
        ({"terraform": []}, "terraform: expected a JSON object (got [])"),
        ({"resource": {"aws_ecs_service": {"x": "s"}}}, 'resource.aws_ecs_service.x: expected a JSON object (got "s")'),
        ({"resource": {"aws_ecs_service": []}}, "resource.aws_ecs_service: expected a JSON object (got [])"),
    ],
)
def test_a_stack_that_is_not_terraform_json_exits_2(outputs, tmp_path, body, why):
    base, _, _ = outputs
    stack = tmp_path / "stacks" / "s" / "cdk.tf.json"
    stack.parent.mkdir(parents=True)
    stack.write_text(json.dumps(body))
    result = run("review", "--base", str(base), "--head", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert f"--head: {stack} is not a synthesized stack: {why}" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_an_hcl_output_reviews_as_its_json_form(outputs, tmp_path):
    base, bump, _ = outputs
    hcl = tmp_path / "hcl"
    synthesize(load_all(default_data()), hcl, format="hcl")
    assert (hcl / "stacks" / "feature-pipelines" / "cdk.tf").is_file()
    assert not (hcl / "stacks" / "feature-pipelines" / "cdk.tf.json").exists()
    same = run("review", "--base", str(base), "--head", str(hcl), "--format", "json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["changes"] == []
    against_json = run("review", "--base", str(hcl), "--head", str(bump))
    by_json = run("review", "--base", str(base), "--head", str(bump))
    assert against_json.returncode == 0, against_json.stderr
    assert against_json.stdout == by_json.stdout


@pytest.mark.parametrize("kind", ["device", "fifo", "directory", "oversized"])
def test_a_plan_is_read_from_a_regular_file_of_bounded_size(outputs, tmp_path, monkeypatch, kind):
    """/dev/zero once grew the review to 24 GB: a plan is read only from a regular file, up to a bound."""
    base, bump, _ = outputs
    plan = {"device": Path("/dev/zero"), "fifo": tmp_path / "fifo", "directory": tmp_path, "oversized": tmp_path / "p"}[
        kind
    ]
    if kind == "fifo":
        os.mkfifo(plan)  # nobody writes: opening it must not block
    if kind == "oversized":
        monkeypatch.setattr(bounded, "MAX_JSON_BYTES", 100 << 10)  # above the stacks', below the plan
        plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": [], "x": "y" * (200 << 10)}))
    result = run("review", "--base", str(base), "--head", str(bump), "--plan", f"feature-pipelines={plan}")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("  --plan")]
    why = {
        "device": "not a regular file (a FIFO, socket or device)",
        "fifo": "not a regular file (a FIFO, socket or device)",
        "directory": "a directory",
        "oversized": "larger than the 100 KiB a plan or stack may have",
    }[kind]
    assert line == f"  --plan: cannot read {plan}: {why}", result.stderr


def test_a_stack_file_is_bounded_too(outputs, monkeypatch):
    base, bump, _ = outputs
    monkeypatch.setattr(bounded, "MAX_JSON_BYTES", 64)
    result = run("review", "--base", str(base), "--head", str(bump))
    assert result.returncode == 2
    stack = base / "stacks" / "feature-pipelines" / "cdk.tf.json"
    assert f"--base: cannot read {stack}: larger than the 64 bytes a plan or stack may have" in result.stderr


def test_the_plans_of_split_stacks_make_one_review_and_a_forgotten_resource_is_no_danger(synth_outputs, tmp_path):
    """`stacks: per_pipeline` in CI: one plan per changed stack, one review; the shared stack's `removed`
    blocks plan `forget`, which leaves the resource running."""

    def split(data):
        data["stacks"] = "per_pipeline"

    base, head = output(synth_outputs, split), output(synth_outputs, split, bump_treatment)
    role = "aws_iam_role.news-encoder_control_task"
    forget = {"actions": ["forget"], "before": {"name": "news-encoder_control_task"}, "after": None}
    plans = {
        "feature-pipelines": {
            "planned_values": {"root_module": {}},
            "resource_changes": [{"address": role, "type": "aws_iam_role", "change": forget}],
        },
        "feature-pipelines-news-encoder": {"planned_values": {"root_module": {}}},
    }
    args = []
    for stack, plan in plans.items():
        path = tmp_path / f"{stack}.json"
        path.write_text(json.dumps({"format_version": "1.2", **plan}))
        args += ["--plan", f"{stack}={path}"]
    result = run("review", "--base", str(base), "--head", str(head), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "- feature-pipelines: actions from Terraform's plan" in result.stdout
    assert "- feature-pipelines-news-encoder: actions from Terraform's plan" in result.stdout
    assert "isolation not checked" not in result.stdout, "the shared stack has no variants to check"
