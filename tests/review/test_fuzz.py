"""Malformed but JSON-valid review inputs: exit 2 naming the file and the bad field, never a traceback
(issue 16). Regression cases first, then a hypothesis fuzz of mutated stacks and plans."""

import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from modules.cli import main
from tests.review.synthesized import bump_treatment, output
from tests.strategies import fuzz

STACK = "feature-pipelines"
FILE = f"stacks/{STACK}/cdk.tf.json"


@pytest.fixture(scope="module")
def outputs(synth_outputs):
    return output(synth_outputs), output(synth_outputs, bump_treatment)


def stack_json(outdir: Path) -> dict[str, Any]:
    return json.loads((outdir / FILE).read_text())


def write_output(root: Path, data: Any) -> Path:
    file = root / FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(data))
    return root


def plan_of(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """A plan as `terraform show -json` prints one: an update for every resource that differs."""
    changes = []
    for rtype, by_name in head["resource"].items():
        for name, after in by_name.items():
            before = base["resource"].get(rtype, {}).get(name)
            if before != after:
                actions = ["update"] if before else ["create"]
                changes.append(
                    {"address": f"{rtype}.{name}", "change": {"actions": actions, "before": before, "after": after}}
                )
    return {"format_version": "1.2", "planned_values": {"root_module": {}}, "resource_changes": changes}


def review(capsys, base: Path, head: Path, *plans: str) -> tuple[int, str, str]:
    args = ["review", "--base", str(base), "--head", str(head)]
    for plan in plans:
        args += ["--plan", plan]
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": [value]}
    return value


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["//"].update(variants="a string"), "//.variants: expected a JSON object"),
        (
            lambda d: d["resource"]["aws_ecs_service"]["news-encoder_control"].update(desired_count="${var.count}"),
            "resource.aws_ecs_service.news-encoder_control.desired_count: input should be a valid integer",
        ),
        (
            lambda d: d["resource"]["aws_ecs_task_definition"]["news-encoder_control"].update(cpu="one"),
            "resource.aws_ecs_task_definition.news-encoder_control.cpu",
        ),
        (
            lambda d: d["resource"]["aws_ecs_service"]["news-encoder_control"].update(tags={"pipeline": ["x"]}),
            "resource.aws_ecs_service.news-encoder_control.tags.pipeline: input should be a valid string",
        ),
        (lambda d: d["provider"].update(aws=[{"region": 5}]), "provider.aws"),
        (
            lambda d: d["resource"]["aws_ecs_service"]["news-encoder_control"].update(extra=nested(200)),
            "resource.aws_ecs_service.news-encoder_control.extra.a[0].a[0]",
        ),
        (
            lambda d: d["resource"]["aws_ecs_task_definition"]["news-encoder_control"].update(
                container_definitions=json.dumps(nested(100))
            ),
            "resource.aws_ecs_task_definition.news-encoder_control.container_definitions.a[0]",
        ),
    ],
)
def test_a_malformed_stack_is_one_line_naming_the_field(capsys, outputs, tmp_path, mutate, field):
    base, _ = outputs
    data = stack_json(base)
    mutate(data)
    head = write_output(tmp_path, data)
    code, out, err = review(capsys, base, head)
    assert code == 2 and out == ""
    lines = [line.strip() for line in err.splitlines() if line.strip().startswith("--head:")]
    assert len(lines) == 1, err
    (line,) = lines
    assert line.startswith(f"--head: {head / FILE} is not a synthesized stack: {field}")
    assert "Traceback" not in err


def test_json_nested_beyond_the_parser_is_exit_2(capsys, outputs, tmp_path):
    base, _ = outputs
    (tmp_path / "stacks" / STACK).mkdir(parents=True)
    (tmp_path / FILE).write_text("[" * 100_000 + "]" * 100_000)
    code, out, err = review(capsys, base, tmp_path)
    assert code == 2 and out == ""
    assert f"--head: cannot read {tmp_path / FILE}: JSON nested too deeply" in err


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p["resource_changes"][0]["change"].update(actions=5), "resource_changes[0].change.actions"),
        (lambda p: p["resource_changes"][0].update(address="nodot"), "resource_changes[0].address"),
        (lambda p: p["resource_changes"][0]["change"].update(after="text"), "resource_changes[0].change.after"),
        (lambda p: p["resource_changes"][0]["change"].update(replace_paths=[5]), "resource_changes[0].change.replace_"),
        (lambda p: p.update(resource_changes=[{}]), "resource_changes[0].address: field required"),
    ],
)
def test_a_malformed_plan_is_one_line_naming_the_field(capsys, outputs, tmp_path, mutate, field):
    base, head = outputs
    data = plan_of(stack_json(base), stack_json(head))
    mutate(data)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data))
    code, out, err = review(capsys, base, head, f"{STACK}={plan}")
    assert code == 2 and out == ""
    assert f"--plan: {plan} is not the output of `terraform show -json PLANFILE`: {field}" in err


def test_the_unmutated_plan_is_read(capsys, outputs, tmp_path):
    base, head = outputs
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_of(stack_json(base), stack_json(head))))
    code, out, _ = review(capsys, base, head, f"{STACK}={plan}")
    assert code == 0
    assert "- feature-pipelines: actions from Terraform's plan" in out


@pytest.mark.parametrize("value", [{"a": 1}, ["x"], 5, None, True, {"": {"": []}}])
@pytest.mark.parametrize("tag", ["pipeline", "variant"])
def test_a_plan_may_hold_any_json_value_in_a_tag(capsys, outputs, tmp_path, tag, value):
    """A plan is what Terraform printed, not what we wrote: a tag value that is no string is shown, not a traceback."""
    base, head = outputs
    data = plan_of(stack_json(base), stack_json(head))
    for change in data["resource_changes"]:
        change["change"]["after"].setdefault("tags", {})[tag] = value
    created = copy.deepcopy(data["resource_changes"][0])
    created.update(address="aws_ecs_service.news-encoder_other")
    created["change"].update(actions=["create"], before=None)
    data["resource_changes"].append(created)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data))
    code, out, err = review(capsys, base, head, f"{STACK}={plan}")
    assert code in (0, 3) and err == "", err
    assert "aws_ecs_service.news-encoder_other" in out


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def mutated(data: Any, draw: st.DrawFn) -> Any:
    """`data` with one value somewhere inside (JSON documents in strings included) replaced or removed."""
    if isinstance(data, str) and data[:1] in "[{" and draw(st.booleans()):
        return json.dumps(mutated(json.loads(data), draw))
    if isinstance(data, (dict, list)) and data and draw(st.integers(0, 4)):
        keys = list(data) if isinstance(data, dict) else list(range(len(data)))
        key = draw(st.sampled_from(keys))
        copy = dict(data) if isinstance(data, dict) else list(data)
        if draw(st.integers(0, 9)) == 0:
            del copy[key]
        else:
            copy[key] = mutated(data[key], draw)
        return copy
    return draw(json_values)


@fuzz(250, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_mutated_stacks_and_plans_never_crash(capsys, outputs, data):
    base, head = outputs
    base_json, head_json = stack_json(base), stack_json(head)
    plan = plan_of(base_json, head_json)
    side = data.draw(st.sampled_from(["base", "head", "plan"]))
    if side == "base":
        base_json = mutated(base_json, data.draw)
    elif side == "head":
        head_json = mutated(head_json, data.draw)
    else:
        plan = mutated(plan, data.draw)
    root = Path(tempfile.mkdtemp())
    try:
        write_output(root / "base", base_json)
        write_output(root / "head", head_json)
        (root / "plan.json").write_text(json.dumps(plan))
        with_plan = [f"{STACK}={root / 'plan.json'}"] if data.draw(st.booleans()) else []
        code, out, err = review(capsys, root / "base", root / "head", *with_plan)
    finally:
        shutil.rmtree(root)
    assert code in (0, 2, 3), err
    assert (code == 2) == (out == ""), (code, err)
    if code == 2:
        assert err.startswith("error: python main.py review:"), err


@fuzz(100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_json_value_in_a_planned_attribute_or_tag_is_reviewed(capsys, outputs, data):
    """Terraform's plan may hold any JSON value in an attribute (or a tag): reviewed, never a traceback."""
    base, head = outputs
    plan = plan_of(stack_json(base), stack_json(head))
    change = data.draw(st.sampled_from(plan["resource_changes"]))["change"]
    after = change["after"]
    target = after.setdefault("tags", {}) if data.draw(st.booleans()) else after
    target[data.draw(st.sampled_from([*target, "pipeline", "variant"]))] = data.draw(json_values)
    root = Path(tempfile.mkdtemp())
    try:
        (root / "plan.json").write_text(json.dumps(plan))
        code, out, err = review(capsys, base, head, f"{STACK}={root / 'plan.json'}")
    finally:
        shutil.rmtree(root)
    assert code in (0, 2, 3), err
    assert (code == 2) == (out == ""), (code, err)
