"""Each backend's synthesized block, and the terraform block's version settings."""

import json
from pathlib import Path

from tests.helpers import default_data, load, synth


def terraform_block(**backend):
    data = default_data()
    if backend:
        data["backend"] = backend
    return synth(data)["terraform"]


def test_s3_backend_with_defaults_and_native_lock_file():
    block = terraform_block(type="s3", bucket="acme-state")
    assert block["backend"] == {
        "s3": {
            "bucket": "acme-state",
            "key": "feature-pipelines/feature-pipelines.tfstate",
            "region": "ap-northeast-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }


def test_s3_backend_with_every_option():
    block = terraform_block(
        type="s3",
        bucket="acme-state",
        key="states/{stack}/terraform.tfstate",
        region="us-east-1",
        encrypt=True,
        kms_key_id="arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab",
        use_lockfile=False,
        dynamodb_table="terraform-locks",
        workspace_key_prefix="workspaces",
        role_arn="arn:aws:iam::123456789012:role/terraform-state",
    )
    assert block["backend"]["s3"] == {
        "bucket": "acme-state",
        "key": "states/feature-pipelines/terraform.tfstate",
        "region": "us-east-1",
        "encrypt": True,
        "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab",
        "use_lockfile": False,
        "dynamodb_table": "terraform-locks",
        "workspace_key_prefix": "workspaces",
        "assume_role": {"role_arn": "arn:aws:iam::123456789012:role/terraform-state"},
    }


def test_cloud_backend_by_workspace_name():
    block = terraform_block(type="cloud", organization="acme", workspace="{project}-{stack}")
    assert "backend" not in block
    assert block["cloud"] == {"organization": "acme", "workspaces": {"name": "feature-pipelines-feature-pipelines"}}


def test_cloud_backend_by_tags_on_terraform_enterprise():
    block = terraform_block(
        type="cloud", organization="acme", workspace_tags=["feature-pipelines", "{stack}"], hostname="tfe.example.com"
    )
    assert block["cloud"] == {
        "organization": "acme",
        "hostname": "tfe.example.com",
        "workspaces": {"tags": ["feature-pipelines", "feature-pipelines"]},
    }


def test_local_backend_is_one_file_per_stack_beside_the_output_directory(tmp_path):
    """Relative to the stack directory Terraform runs in; nothing of the synthesizing machine."""
    from modules.output_dir import synthesize

    (summary,) = synthesize([load(default_data())], tmp_path / "out")
    text = summary.path.read_text()
    path = json.loads(text)["terraform"]["backend"]["local"]["path"]
    assert path == "../../../terraform.feature-pipelines.tfstate"
    assert (summary.path.parent / path).resolve() == tmp_path / "terraform.feature-pipelines.tfstate"
    assert str(tmp_path) not in text and str(Path.cwd()) not in text


def test_terraform_block_admits_aws_provider_5_100_and_every_6x_by_default():
    block = terraform_block()
    assert block["required_version"] == ">= 1.10"
    assert block["required_providers"] == {"aws": {"source": "hashicorp/aws", "version": ">= 5.100, < 7"}}


def test_terraform_block_takes_the_configured_versions():
    data = default_data()
    data["terraform"] = {"required_version": "~> 1.11.0", "aws_provider_version": "~> 6.30"}
    block = synth(data)["terraform"]
    assert block["required_version"] == "~> 1.11.0"
    assert block["required_providers"]["aws"] == {"source": "hashicorp/aws", "version": "~> 6.30"}


#: Backend text holding template sequences (`{{`/`}}` are format escapes of `{`/`}` in the templates).
TEMPLATED = {"key": "s/${{x}}/%{{y}}/{stack}.tfstate", "workspace_key_prefix": "p${z}%{w}"}


def test_backend_text_is_written_as_the_config_says_in_json_which_terraform_reads_literally():
    s3 = terraform_block(type="s3", bucket="acme-state", **TEMPLATED)["backend"]["s3"]
    assert (s3["key"], s3["workspace_key_prefix"]) == ("s/${x}/%{y}/feature-pipelines.tfstate", "p${z}%{w}")
    cloud = terraform_block(type="cloud", organization="acme", workspace_tags=["a${{b}}", "{stack}"])["cloud"]
    assert cloud["workspaces"]["tags"] == ["a${b}", "feature-pipelines"]


def test_backend_text_is_escaped_in_hcl_where_terraform_reads_templates(tmp_path):
    from modules.output_dir import synthesize

    data = default_data()
    data["backend"] = {"type": "s3", "bucket": "acme-state", **TEMPLATED}
    (summary,) = synthesize([load(data)], tmp_path / "out", format="hcl")
    text = summary.path.read_text()
    assert '"s/$${x}/%%{y}/feature-pipelines.tfstate"' in text
    assert '"p$${z}%%{w}"' in text
