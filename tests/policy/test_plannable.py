"""The plan job plans only what this generator emits: everything else is refused, one line each."""

import copy
import json

import pytest

from modules.policy.plannable import check_outdir, main, problems
from tests.helpers import default_data, every_source, synth


@pytest.fixture(scope="module")
def stack():
    return synth(default_data())


def test_what_we_synthesize_may_be_planned(stack):
    assert problems(stack, "s") == []
    assert problems(synth(every_source()), "s") == [], "every autoscaling resource type is known"


def hostile(stack, change):
    changed = copy.deepcopy(stack)
    change(changed)
    return problems(changed, "s")


def test_another_provider_is_refused(stack):
    def add(s):
        s["terraform"]["required_providers"]["external"] = {"source": "hashicorp/external"}

    assert hostile(stack, add) == ["s: provider 'external' (hashicorp/external) is not hashicorp/aws"]


def test_an_unknown_data_source_and_a_provisioner_are_refused(stack):
    def add(s):
        s["data"] = {"aws_secretsmanager_secret_version": {"x": {"secret_id": "prod"}}}
        s["resource"]["aws_iam_role"]["news-encoder_control_task"]["provisioner"] = [{"local-exec": {}}]

    assert hostile(stack, add) == [
        "s: aws_iam_role.news-encoder_control_task has a provisioner",
        "s: data type 'aws_secretsmanager_secret_version' is not one this generator writes",
    ]


def test_a_function_call_anywhere_is_refused(stack):
    def add(s):
        s["resource"]["aws_iam_role"]["news-encoder_control_task"]["tags"]["x"] = '${file("/proc/self/environ")}'

    (line,) = hostile(stack, add)
    assert line.startswith("s.resource.aws_iam_role.news-encoder_control_task.tags.x: a Terraform expression")


def test_unknown_top_level_blocks_are_refused(stack):
    def add(s):
        s["module"] = {"x": {"source": "git::https://example.com/x"}}
        s["check"] = {}

    assert hostile(stack, add) == [
        "s: top-level block 'module' is not one this generator writes",
        "s: top-level block 'check' is not one this generator writes",
    ]


def test_the_command_line_checks_every_stack(tmp_path, stack, capsys):
    for name, body in (("good", stack), ("bad", {**stack, "module": {}})):
        (tmp_path / "stacks" / name).mkdir(parents=True)
        (tmp_path / "stacks" / name / "cdk.tf.json").write_text(json.dumps(body))
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().err == "not plannable: bad: top-level block 'module' is not one this generator writes\n"
    assert check_outdir(tmp_path / "missing") == [f"{tmp_path / 'missing'}: no stacks/<name>/cdk.tf.json to check"]
