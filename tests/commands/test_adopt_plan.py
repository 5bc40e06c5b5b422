"""`python main.py adopt-plan`: the import table of `adopt:`, exit 0; a bad `adopt:` exits 2 and writes nothing."""

from __future__ import annotations

import json

from tests.config.test_adopt import CLUSTER, CONTROL, adopting
from tests.helpers import DEFAULT_CONFIG, run, to_yaml


def test_the_import_table_lists_each_import(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(adopting()))
    result = run("adopt-plan", "--config", str(config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "| stack | address | AWS id | after import |"
    assert lines[2].startswith(f"| feature-pipelines | `aws_ecs_cluster.cluster` | `{CLUSTER}` | ")
    assert sum(line.startswith("| feature-pipelines |") for line in lines) == 7
    assert "Check in AWS before the first apply:" in lines
    assert list(tmp_path.iterdir()) == [config]


def test_json_for_tools(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(adopting()))
    result = run("adopt-plan", "--config", str(config), "--format", "json")
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows][-1] == CONTROL["service"]
    assert set(rows[0]) == {"stack", "address", "id", "changes", "checks"}


def test_nothing_to_import():
    result = run("adopt-plan", "--config", str(DEFAULT_CONFIG))
    assert (result.returncode, result.stdout) == (
        0,
        f"{DEFAULT_CONFIG}: nothing to import (the config has no `adopt:`)\n",
    )


def test_imports_off(tmp_path):
    data = adopting()
    data["adopt"]["imports"] = False
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(data))
    assert run("adopt-plan", "--config", str(config)).stdout.endswith("nothing to import (`adopt.imports` is false)\n")


def test_a_refused_adoption_exits_2(tmp_path):
    data = adopting(service="other/svc")
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(data))
    result = run("adopt-plan", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"error: {config}: 1 problem"
    assert "adopt.pipelines.news-encoder.variants.control.service: the service runs in cluster 'other'" in result.stderr


def test_names_are_shown_as_aws_has_them_not_as_terraform_escapes_them(tmp_path):
    """`synth` writes `${` as `$${` so that Terraform keeps it literal; the real name is what users compare."""
    data = adopting(security_group_name="grp-${stage}", security_group_description="made by ${tool} $${x}")
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(data))
    result = run("adopt-plan", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "its name must be 'grp-\\${stage}' and its description 'made by \\${tool} \\$\\${x}'" in result.stdout
    rows = json.loads(run("adopt-plan", "--config", str(config), "--format", "json").stdout)
    checks = [check for row in rows for check in row["checks"]]
    assert "its name must be 'grp-${stage}' and its description 'made by ${tool} $${x}'" in checks
