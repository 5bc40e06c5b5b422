"""Real `terraform validate` of a stack with `adopt:`: its import blocks and the adopted settings are valid
Terraform (the e2e run, tests/terraform/test_adopt.py, plans and applies them on moto). The validates run
in the background pool (tests/terraform/background.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from modules.config import load_text
from modules.output_dir import synthesize
from tests.config.test_adopt import adopting
from tests.helpers import to_yaml
from tests.terraform import background
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform, validated


def prepare(terraform: Terraform, scratch: Path) -> dict[str, Callable[[], list[str]]]:
    """The adopting config synthesized as JSON and as HCL into `scratch`; a job validating each."""
    (json_stack,) = synthesize_stacks(to_yaml(adopting()), scratch / "json").values()
    synthesize(load_text(to_yaml(adopting())), scratch / "hcl", format="hcl")
    hcl_stack = scratch / "hcl" / "stacks" / "feature-pipelines"
    return {
        "json": lambda: (json_stack, validated(terraform, json_stack)),
        "hcl": lambda: (hcl_stack, validated(terraform, hcl_stack)),
    }


background.register(__name__, prepare)


@pytest.fixture(scope="module")
def stacks(terraform: Terraform) -> dict[str, tuple[Path, list[str]]]:
    """Each stack's directory and its validation problems, by format."""
    found = background.outcomes(__name__)
    for outcome in found.values():
        if isinstance(outcome, BaseException):
            raise outcome
    return found


def test_an_adopting_stack_validates_with_zero_diagnostics(stacks):
    stack, problems = stacks["json"]
    assert len(json.loads((stack / "cdk.tf.json").read_text())["import"]) == 7
    assert problems == []


def test_the_hcl_output_writes_the_import_blocks_and_validates(stacks):
    stack, problems = stacks["hcl"]
    text = (stack / "cdk.tf").read_text()
    assert text.count("\nimport {\n") == 7
    assert '  id = "NewsStack-ClusterEB0386A7-AB12CD34EF56"\n  to = aws_ecs_cluster.cluster\n' in text
    assert problems == []
