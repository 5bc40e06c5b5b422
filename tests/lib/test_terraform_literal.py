"""User strings reach AWS byte for byte: escaping for Terraform, checked against real Terraform."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.lib.terraform_literal import NotLiteralError, escape, evaluate, evaluate_json, hcl_value, literal_strings
from tests.helpers import default_data, load

#: Text rich in what Terraform's template scanner reacts to.
TEMPLATE_TEXT = st.text(
    alphabet=st.sampled_from(list('${}%"\\\n\t a:~-')) | st.characters(exclude_categories=("Cs",)), max_size=40
)
HOSTILE = [
    "${PORT:-8080}",
    'exec app --port "${PORT}"',
    "${substr(jsonencode({a=1}),1,1)}",
    '${file("/proc/self/environ")}',
    "%{ if true }yes%{ endif }",
    "$${already}",
    "$$${x}",
    "%%{x}",
    "100%",
    "$",
    "${",
    "%{",
    "trailing $",
    'say "hi" \\ back\nslash',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_evaluating_an_escaped_string_gives_it_back(text):
    assert evaluate(escape(text)) == text


def nfc(text: str) -> str:
    """Terraform normalizes every string literal to Unicode normal form C."""
    return unicodedata.normalize("NFC", text)


@given(TEMPLATE_TEXT)
def test_evaluating_any_escaped_string_gives_it_back(text):
    assert evaluate(escape(text)) == nfc(text)


@pytest.mark.parametrize(
    "text",
    [
        "${aws_iam_role.news-encoder_control_task.arn}:log-stream:*",
        "${data.aws_region.current.name}",
        "${var.tags}",
        "${local.news-encoder_control_image}",
    ],
)
def test_plain_references_are_kept_as_written(text):
    assert evaluate(text) == text


@pytest.mark.parametrize(
    "text",
    [
        '${file("/proc/self/environ")}',
        "${substr(jsonencode({a=1}),1,1)}",
        "${var.a + 1}",
        "${var.x}${upper(var.y)}",
        "%{ for x in var.list }${x}%{ endfor }",
        "${PORT:-8080}",
    ],
)
def test_anything_but_a_plain_reference_is_an_expression(text):
    with pytest.raises(NotLiteralError, match="Terraform evaluates it at plan time"):
        evaluate(text)


def test_a_json_document_is_decoded_as_terraform_sends_it():
    written = json.dumps([{"command": [escape("sh -c 'exec app ${PORT}'")]}])
    assert evaluate_json(written) == [{"command": ["sh -c 'exec app ${PORT}'"]}]


def test_every_string_of_a_resolved_deployment_is_escaped():
    data = default_data()
    data["network"]["egress"] = [{"port": 443, "description": "HTTPS ${x}"}]
    data["pipelines"]["news-encoder"]["environment"]["PORT"] = "${PORT}"
    data["pipelines"]["news-encoder"]["command"] = ["--port", "%{x}"]
    deployment = load(data)
    spec = literal_strings(deployment).variants[0]
    assert spec.settings.environment["PORT"] == "$${PORT}"
    assert spec.settings.command == ["--port", "%%{x}"]
    assert spec.settings.egress[0].description == "HTTPS $${x}"
    assert spec.names == deployment.variants[0].names, "names cannot hold a template: unchanged"
    assert type(spec.settings.environment) is type(deployment.variants[0].settings.environment)


def test_mapping_keys_are_escaped_too():
    assert literal_strings({"a${b}": ["%{c}", ("${d}",)]}) == {"a$${b}": ["%%{c}", ("$${d}",)]}


def terraform_outputs(values: list, workdir: Path, *, hcl: bool = False) -> list:
    """Each value written as a literal into a config's outputs (JSON, or HCL), as real Terraform reads it back."""
    if hcl:
        blocks = [f'output "o{index}" {{\n  value = {hcl_value(value)}\n}}\n' for index, value in enumerate(values)]
        (workdir / "main.tf").write_text("".join(blocks))
    else:
        config = {"output": {f"o{index}": {"value": escape(value)} for index, value in enumerate(values)}}
        (workdir / "main.tf.json").write_text(json.dumps(config))
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull}
    for command in (["init", "-input=false"], ["apply", "-auto-approve", "-input=false"]):
        subprocess.run(["terraform", f"-chdir={workdir}", *command], check=True, capture_output=True, env=env)
    shown = subprocess.run(
        ["terraform", f"-chdir={workdir}", "output", "-json"], check=True, capture_output=True, env=env
    )
    outputs = json.loads(shown.stdout)
    return [outputs[f"o{index}"]["value"] for index in range(len(values))]


needs_terraform = pytest.mark.skipif(
    shutil.which("terraform") is None and os.environ.get("CI") != "true", reason="terraform is not on PATH"
)


@needs_terraform
def test_real_terraform_normalizes_strings_to_nfc(tmp_path):
    """Why the comparisons above take NFC: U+F900 is a compatibility ideograph; NFC maps it to U+8C48."""
    assert terraform_outputs(["\uf900", "e\u0301"], tmp_path) == ["\u8c48", "\u00e9"]


@needs_terraform
def test_real_terraform_reads_every_hostile_string_back_literally(tmp_path):
    assert terraform_outputs(HOSTILE, tmp_path) == HOSTILE


@needs_terraform
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEMPLATE_TEXT, min_size=20, max_size=60))
def test_real_terraform_reads_any_escaped_string_back_literally(tmp_path_factory, values):
    assert terraform_outputs(values, tmp_path_factory.mktemp("literal")) == [nfc(value) for value in values]


@needs_terraform
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEMPLATE_TEXT, min_size=20, max_size=60))
def test_real_terraform_reads_any_string_back_from_hcl(tmp_path_factory, values):
    assert terraform_outputs(values, tmp_path_factory.mktemp("hcl"), hcl=True) == [nfc(value) for value in values]


@needs_terraform
def test_real_terraform_reads_hcl_maps_and_lists_back(tmp_path):
    values = [{'k "${x}"': "v %{y}\n", "plain": "1"}, ["a", "${b}", 'c"\\'], 3, True]
    assert terraform_outputs(values, tmp_path, hcl=True) == values
