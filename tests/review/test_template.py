"""Terraform JSON strings as AWS receives them: the escapes `$${` and `%%{`, nothing else (checked
against `terraform console` on locals of a main.tf.json, once here too when terraform is on PATH)."""

import json
import os
import shutil
import subprocess

import pytest

from modules.lib.terraform_literal import is_reference, parse
from modules.review.template import Evaluated, evaluated, literal, shown

#: Terraform JSON string -> the value Terraform gives it (terraform console 1.11).
ESCAPES = {
    "$${a}": "${a}",
    "$$${a}": "$${a}",
    "$$$${a}": "$$${a}",
    "%%{a}": "%{a}",
    "%%%{a}": "%%{a}",
    "%%%%{": "%%%{",
    "$$a": "$$a",
    "$": "$",
    "$$": "$$",
    "x$$": "x$$",
    "a$${": "a${",
    "$${": "${",
    "%%{": "%{",
    "%%": "%%",
    "100%": "100%",
    "$${~a}": "${~a}",
    "%%{~ a}": "%{~ a}",
    "%$${": "%${",
    "$$%%{": "$$%{",
    "%%$${": "%%${",
    "$$ {": "$$ {",
    "exec app --port $${PORT:-8080}": "exec app --port ${PORT:-8080}",
    'say "hi" \\ \n': 'say "hi" \\ \n',
}


@pytest.mark.parametrize(("written", "value"), ESCAPES.items())
def test_escapes_resolve_as_terraform_resolves_them(written, value):
    assert literal(written) == value
    assert evaluated(written) == []


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")
def test_the_cases_are_what_terraform_says(tmp_path):
    cases = list(ESCAPES)
    (tmp_path / "main.tf.json").write_text(json.dumps({"locals": {f"c{i}": c for i, c in enumerate(cases)}}))
    expression = "jsonencode([" + ", ".join(f"local.c{i}" for i in range(len(cases))) + "])"
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}
    result = subprocess.run(
        ["terraform", "console", "-no-color"], input=expression, capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(json.loads(result.stdout)) == list(ESCAPES.values())


@pytest.mark.parametrize(
    "text",
    [
        "${aws_ecs_cluster.cluster.arn}",
        "${aws_iam_role.news-encoder_control_task.name}",
        "${var.count}",
        "${local.tags}",
        "${data.aws_region.current.region}",
        "${aws_instance.a[0].id}",
        '${module.m.outputs["x"]}',
    ],
)
def test_plain_references_run_nothing(text):
    assert is_reference(text)
    assert evaluated(text) == [] and literal(text) == text


@pytest.mark.parametrize(
    ("text", "expressions"),
    [
        ("v2${substr(jsonencode({a=1}),1,1)}x", ["${substr(jsonencode({a=1}),1,1)}"]),
        ('${file("/proc/self/environ")}', ['${file("/proc/self/environ")}']),
        ("a %{if true}b%{endif}", ["%{if true}", "%{endif}"]),
        ("$$ ${upper(x)}", ["${upper(x)}"]),
        ("$$${upper(x)}", []),
        ('${"}"}', ['${"}"}']),
        ("${aws_x.y.z}x${lower(aws_x.y.z)}", ["${lower(aws_x.y.z)}"]),
        ("${~aws_x.y.z}", ["${~aws_x.y.z}"]),
        ("${aws_x.y.z", ["${aws_x.y.z"]),
    ],
)
def test_expressions_that_terraform_evaluates(text, expressions):
    assert [str(e) for e in evaluated(text)] == expressions


def test_parse_keeps_literals_and_expressions_apart():
    assert parse("a$${b}${aws_x.y.z}:c") == ["a${b}", "${aws_x.y.z}", ":c"]


def test_shown_values_nested_and_evaluated():
    value = shown({"$${k}": ["%%{x}", "${jsonencode(1)}"], "n": 1})
    assert value == {"${k}": ["%{x}", "${jsonencode(1)}"], "n": 1}
    assert isinstance(value["${k}"][1], Evaluated) and not isinstance(value["${k}"][0], Evaluated)
