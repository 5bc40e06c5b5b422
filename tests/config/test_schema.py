"""The JSON Schema editors read (pipelines.schema.json): generated from the config models, shipped as
generated, and it accepts every good config and refuses every config whose error is one of shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from modules.cli import main
from modules.config import schema
from tests.helpers import ROOT

FIX = (
    "pipelines.schema.json is out of date with the config models: "
    "run `python main.py schema --out pipelines.schema.json`"
)
VALIDATOR = jsonschema.Draft202012Validator(json.loads(schema.SCHEMA_FILE.read_text()))
GOOD = [ROOT / "pipelines.yaml", *sorted((ROOT / "examples").glob("*.yaml"))]
HOSTILE = sorted((ROOT / "tests" / "corpus" / "hostile").glob("*.yaml"))
BAD = sorted((ROOT / "tests" / "corpus" / "bad").glob("*.yaml"))
#: What a shape error says (types, unknown keys, missing keys, sizes, bounds, names): a file expecting
#: one of these must fail the schema; any other expected problem is a check across fields or of a
#: value's meaning (an ARN, a Fargate size, a policy rule), which the schema leaves to `validate`.
SHAPE = re.compile(
    r"valid (number|integer|list|dictionary|string|boolean)|unknown key|did you mean|required key is missing"
    r"|at least \d+ (item|character)|expected a mapping|must be a YAML mapping|invalid name|name is \d+ characters"
    r"|(less|greater) than or equal|quote it|Input should be '|null is not a value here"
)
#: Problems the YAML parser finds before there is data to check: syntax errors and keys written twice.
PARSE = re.compile(r"YAML syntax error|duplicate key")


def _expected(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("# expect: ")]


def _errors(path: Path) -> list[str]:
    return [error.message for error in VALIDATOR.iter_errors(yaml.safe_load(path.read_text()))]


def test_the_shipped_schema_is_the_generated_one():
    assert schema.SCHEMA_FILE.read_text() == schema.render(), FIX


def test_it_is_a_valid_draft_2020_12_schema_with_descriptions_and_defaults():
    generated = schema.generate()
    assert generated["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(generated)
    pipeline = generated["$defs"]["PipelineConfig"]["properties"]
    assert pipeline["cpu"]["default"] == 1.0  # declared with the key, as the docs show
    assert pipeline["user"]["description"].endswith("unset: the image's USER")
    assert "default" not in generated["$defs"]["VariantConfig"]["properties"]["cpu"]
    assert all(prop.get("description") for _, prop in schema._properties(generated))


def test_the_schema_command_prints_it_and_writes_it(tmp_path, capsys):
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == schema.render()
    assert main(["schema", "--out", str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text() == schema.render()


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_every_example_names_the_schema_and_passes_it(path):
    relative = Path("..") / schema.SCHEMA_FILE.name if path.parent.name == "examples" else schema.SCHEMA_FILE.name
    assert path.read_text().splitlines()[0] == f"# yaml-language-server: $schema={relative}"
    assert (path.parent / relative).resolve() == schema.SCHEMA_FILE
    assert _errors(path) == []


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
def test_every_hostile_config_passes_its_text_is_checked_by_validate(path):
    assert _errors(path) == []


@pytest.mark.parametrize(
    "path", [p for p in BAD if not any(PARSE.search(e) for e in _expected(p))], ids=lambda p: p.stem
)
def test_shape_errors_fail_the_schema_and_the_rest_are_left_to_validate(path):
    if any(SHAPE.search(line) for line in _expected(path)):
        assert _errors(path), f"{path.name}: a shape error the schema lets through"
    else:
        assert _errors(path) == [], f"{path.name}: the schema refuses what only validate should"


def test_names_follow_the_name_rule():
    data = yaml.safe_load((ROOT / "pipelines.yaml").read_text())
    data["pipelines"]["News_Encoder"] = data["pipelines"].pop("news-encoder")
    assert any("does not match" in error.message for error in VALIDATOR.iter_errors(data))
