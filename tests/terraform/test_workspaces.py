"""Real Terraform still finds its workspaces after a re-synth: the local backend keeps a non-default
workspace's state in the stack directory (`terraform.tfstate.d/<workspace>/`), which a re-synth used
to delete, so Terraform forgot what it had created (issue 27)."""

from __future__ import annotations

import json

from modules.cli import main
from tests.helpers import ROOT
from tests.terraform.terraform_cli import Terraform

STATE = {
    "version": 4,
    "terraform_version": "1.10.0",
    "serial": 1,
    "lineage": "0b5a7d1e-27a1-4c1a-9f43-5d7c5b9e2a10",
    "outputs": {"deployed": {"value": "blue", "type": "string"}},
    "resources": [],
}


def test_a_resynth_keeps_the_workspace_terraform_works_in_and_its_state(terraform: Terraform, tmp_path):
    out = tmp_path / "cdktf.out"
    assert main(["synth", "--config", str(ROOT / "pipelines.yaml"), "--out", str(out)]) == 0
    stack = out / "stacks" / "feature-pipelines"
    terraform.init(stack)
    terraform.run(stack, "workspace", "new", "-no-color", "blue")
    (tmp_path / "state.json").write_text(json.dumps(STATE))
    terraform.run(stack, "state", "push", str(tmp_path / "state.json"))
    assert main(["synth", "--config", str(ROOT / "pipelines.yaml"), "--out", str(out)]) == 0
    assert terraform.run(stack, "workspace", "show", "-no-color").stdout.strip() == "blue"
    assert terraform.run(stack, "output", "-raw", "-no-color", "deployed").stdout == "blue"
