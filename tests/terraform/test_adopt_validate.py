"""Real `terraform validate` of a stack with `adopt:`: its import blocks and the adopted settings are valid
Terraform (the e2e run, tests/terraform/test_adopt.py, plans and applies them on moto)."""

from __future__ import annotations

import json

from modules.config import load_text
from modules.synth import synthesize
from tests.config.test_adopt import adopting
from tests.helpers import to_yaml
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import validated


def test_an_adopting_stack_validates_with_zero_diagnostics(terraform, tmp_path):
    (stack,) = synthesize_stacks(to_yaml(adopting()), tmp_path / "out").values()
    assert len(json.loads((stack / "cdk.tf.json").read_text())["import"]) == 7
    assert validated(terraform, stack) == []


def test_the_hcl_output_writes_the_import_blocks_and_validates(terraform, tmp_path):
    synthesize(load_text(to_yaml(adopting())), tmp_path / "out", format="hcl")
    stack = tmp_path / "out" / "stacks" / "feature-pipelines"
    text = (stack / "cdk.tf").read_text()
    assert text.count("\nimport {\n") == 7
    assert '  id = "NewsStack-ClusterEB0386A7-AB12CD34EF56"\n  to = aws_ecs_cluster.cluster\n' in text
    assert validated(terraform, stack) == []
