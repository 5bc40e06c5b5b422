"""One stack per environment: own provider, own state, and no leaks between stacks."""

import json

import pytest
import yaml

from tests.helpers import ROOT, synth_all

EXAMPLE = yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text())


def example():
    return json.loads(json.dumps(EXAMPLE))


@pytest.fixture(scope="module")
def stacks():
    return synth_all(example())


def test_each_environment_has_its_own_provider(stacks):
    assert list(stacks) == ["dev", "stg", "prd"]
    for env, account in (("dev", "111111111111"), ("stg", "222222222222"), ("prd", "333333333333")):
        (aws,) = stacks[env]["provider"]["aws"]
        assert aws["region"] == "ap-northeast-1"
        assert aws["assume_role"] == [{"role_arn": f"arn:aws:iam::{account}:role/feature-pipelines-deploy"}]
        assert aws["default_tags"] == [
            {
                "tags": {
                    "team": "ml-platform",
                    "project": "feature-pipelines",
                    "environment": env,
                    "managed-by": "streaming-feature-pipelines",
                }
            }
        ]


def test_each_environment_has_its_own_state(stacks):
    keys = {env: stack["terraform"]["backend"]["s3"]["key"] for env, stack in stacks.items()}
    assert keys == {
        "dev": "feature-pipelines/dev.tfstate",
        "stg": "feature-pipelines/stg.tfstate",
        "prd": "feature-pipelines/prd.tfstate",
    }


def test_resource_tags_stay_per_pipeline_and_variant(stacks):
    service = stacks["prd"]["resource"]["aws_ecs_service"]["news-encoder_control"]
    assert service["tags"] == {"pipeline": "news-encoder", "team": "ml-platform", "variant": "control"}


def test_overrides_and_omissions_reach_the_resources(stacks):
    dev, prd = stacks["dev"]["resource"], stacks["prd"]["resource"]
    assert set(dev["aws_ecs_service"]) == {"news-encoder_control", "news-encoder_treatment"}
    assert set(prd["aws_ecs_service"]) == {"news-encoder_control"}
    assert not [name for by_name in prd.values() for name in by_name if "treatment" in name]
    assert prd["aws_ecs_service"]["news-encoder_control"]["desired_count"] == 3
    assert dev["aws_ecs_service"]["news-encoder_control"]["desired_count"] == 1
    assert prd["aws_ecs_service"]["news-encoder_control"]["network_configuration"]["subnets"] == [
        "subnet-0f1e2d3c4b5a60001",
        "subnet-0f1e2d3c4b5a60002",
        "subnet-0f1e2d3c4b5a60003",
    ]
    assert prd["aws_security_group"]["news-encoder_control"]["vpc_id"] == "vpc-0f1e2d3c4b5a69788"
    assert dev["aws_ecs_service"]["news-encoder_treatment"]["capacity_provider_strategy"] == [
        {"capacity_provider": "FARGATE", "weight": 1},
        {"capacity_provider": "FARGATE_SPOT", "weight": 1},
    ]
    assert dev["aws_ecs_cluster"]["cluster"]["name"] == "feature-pipelines-dev"
    assert prd["aws_ecs_cluster"]["cluster"]["name"] == "feature-pipelines-prd"


def change_prd(data):
    control = data["environments"]["prd"]["pipelines"]["news-encoder"]["variants"]["control"]
    control.update(desired_count=7, cpu=4, memory=16, image_tag="2027-01-01")
    data["environments"]["prd"]["omit"] = []
    data["environments"]["prd"]["region"] = "us-east-1"
    return data


def change_dev(data):
    data["environments"]["dev"]["pipelines"]["news-encoder"]["variants"] = {"treatment": {"desired_count": 0}}
    data["environments"]["dev"]["tags"] = {"owner": "alice"}
    data["environments"]["dev"]["backend"] = {"key": "sandbox/{stack}.tfstate"}
    return data


@pytest.mark.parametrize(
    ("mutate", "changed", "untouched"),
    [(change_prd, "prd", ("dev", "stg")), (change_dev, "dev", ("stg", "prd"))],
    ids=["prd-change", "dev-change"],
)
def test_changing_one_environment_leaves_the_others_byte_identical(stacks, mutate, changed, untouched):
    after = synth_all(mutate(example()))
    assert after[changed] != stacks[changed], "the change must show in its own stack"
    for env in untouched:
        assert json.dumps(after[env], sort_keys=True) == json.dumps(stacks[env], sort_keys=True)
