"""`init`: a commented starter config that validates as written, for the user's own resources; never overwrites."""

from __future__ import annotations

import json

import jsonschema
import yaml

from modules.cli import main
from modules.commands import init
from modules.config import load_file
from modules.config.schema import SCHEMA_FILE, render
from tests.helpers import ROOT

ARN = "arn:aws:ecr:us-west-2:111122223333:repository/team/fraud-scorer"
MINE = ["--repository-arn", ARN, "--vpc-id", "vpc-0a1b2c3d", "--subnet-ids", "subnet-0a1b2c3d", "subnet-1a1b2c3d"]


def test_the_starter_for_my_resources_validates_as_written(tmp_path, capsys):
    config = tmp_path / "pipelines.yaml"
    assert main(["init", "--config", str(config), *MINE]) == 0
    schema = tmp_path / "pipelines.schema.json"
    assert capsys.readouterr().out.startswith(f"wrote {config} and {schema} (for editors; `python main.py schema")
    assert main(["validate", "--config", str(config)]) == 0  # the security checks included
    (deployment,) = load_file(config)
    assert (deployment.region, deployment.vpc_id, deployment.subnet_ids) == (
        "us-west-2",
        "vpc-0a1b2c3d",
        ("subnet-0a1b2c3d", "subnet-1a1b2c3d"),
    )
    assert [(spec.pipeline, spec.variant, spec.repository.arn) for spec in deployment.variants] == [
        ("fraud-scorer", "control", ARN)
    ]
    text = config.read_text()
    assert "Example values" not in text
    assert text.splitlines()[0] == "# yaml-language-server: $schema=pipelines.schema.json"
    jsonschema.validate(yaml.safe_load(text), json.loads(schema.read_text()))
    assert schema.read_text() == render()


def test_outside_this_checkout_the_schema_is_beside_the_config_and_an_existing_one_is_kept(tmp_path, capsys):
    """A relative reference works in the config's own repository, wherever it is cloned."""
    (tmp_path / "team").mkdir()
    kept = tmp_path / "team" / "pipelines.schema.json"
    kept.write_text("{}\n")
    config = tmp_path / "team" / "pipelines.yaml"
    assert main(["init", "--config", str(config), *MINE]) == 0
    assert capsys.readouterr().out == (f"wrote {config}: check it with `python main.py validate --config {config}`\n")
    assert config.read_text().splitlines()[0] == "# yaml-language-server: $schema=pipelines.schema.json"
    assert kept.read_text() == "{}\n"
    assert SCHEMA_FILE.as_uri() not in config.read_text()


def test_without_options_the_stand_ins_are_named_and_it_still_validates(tmp_path, capsys):
    config = tmp_path / "pipelines.yaml"
    assert main(["init", "--config", str(config), "--vpc-id", "vpc-0a1b2c3d"]) == 0
    assert "# Example values stand in for --repository-arn, --subnet-ids: put yours in their place." in (
        config.read_text().splitlines()
    )
    assert main(["validate", "--config", str(config)]) == 0


def test_inside_the_repository_the_schema_line_is_relative_to_the_shipped_schema():
    assert init._schema_reference(ROOT / "examples" / "mine.yaml") == "../pipelines.schema.json"
    assert init._schema_reference(ROOT / "pipelines.yaml") == "pipelines.schema.json"
    assert init.schema_for(ROOT / "examples" / "mine.yaml") == SCHEMA_FILE


def test_it_never_replaces_a_file(tmp_path, capsys):
    config = tmp_path / "pipelines.yaml"
    config.write_text("mine\n")
    assert main(["init", "--config", str(config), *MINE]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {config}: 1 problem; nothing was written",
        f"  --config: exists; init never replaces a config: edit it, or name a new file with --config (got '{config}')",
    ]
    assert config.read_text() == "mine\n"


def test_a_bad_option_is_refused_at_the_key_it_fills_and_nothing_is_written(tmp_path, capsys):
    config = tmp_path / "pipelines.yaml"
    assert main(["init", "--config", str(config), "--vpc-id", "vpc-x\nevil: 1"]) == 2
    err = capsys.readouterr().err
    assert "network.vpc_id: does not match" in err
    assert not config.exists()


def test_the_default_file_is_pipelines_config_else_the_working_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PIPELINES_CONFIG", raising=False)
    assert main(["init"]) == 0
    assert (tmp_path / "pipelines.yaml").is_file()
    monkeypatch.setenv("PIPELINES_CONFIG", str(tmp_path / "named.yaml"))
    assert main(["init"]) == 0
    assert (tmp_path / "named.yaml").is_file()
