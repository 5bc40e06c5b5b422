"""environments: one Deployment per environment, overrides, omissions, and bad overrides."""

import pytest
import yaml

from modules.config import load_file
from modules.config.environments import deep_merge
from tests.helpers import ROOT, config_problems, default_data, load_all

EXAMPLE = ROOT / "examples" / "environments.yaml"
PIPELINE = "news-encoder"


def with_environments(**environments):
    data = default_data()
    data["environments"] = environments
    return data


def by_stack(data):
    return {deployment.stack: deployment for deployment in load_all(data)}


def variants(deployment):
    return {spec.variant: spec for spec in deployment.variants}


def test_deep_merge_merges_mappings_and_replaces_everything_else():
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert deep_merge(base, {"a": {"c": [3]}, "e": 2}) == {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}, "the base is left as it was"


def test_without_environments_one_stack_named_after_the_project():
    (deployment,) = load_all(default_data())
    assert (deployment.stack, deployment.environment) == ("feature-pipelines", None)
    assert deployment.cluster_name == "feature-pipelines"


def test_each_environment_is_a_stack_named_after_it_in_config_order():
    stacks = by_stack(with_environments(dev={}, stg=None, prd={}))
    assert list(stacks) == ["dev", "stg", "prd"]
    assert {d.environment for d in stacks.values()} == {"dev", "stg", "prd"}
    assert {d.project for d in stacks.values()} == {"feature-pipelines"}


def test_cluster_and_so_every_aws_name_carries_the_environment_unless_it_sets_its_own():
    stacks = by_stack(with_environments(dev={}, prd={"cluster": {"name": "pipelines"}}))
    assert stacks["dev"].cluster_name == "feature-pipelines-dev"
    assert variants(stacks["dev"])["control"].names.execution_role.startswith("feature-pipelines-dev_")
    assert stacks["prd"].cluster_name == "pipelines"


def test_overrides_of_top_level_pipeline_and_variant_settings():
    stacks = by_stack(
        with_environments(
            dev={},
            prd={
                "region": "us-east-1",
                "assume_role_arn": "arn:aws:iam::333333333333:role/deploy",
                "network": {"subnet_ids": ["subnet-0f1e2d3c4b5a60001"]},
                "tags": {"cost-center": "42"},
                "pipelines": {
                    PIPELINE: {
                        "memory": 4,
                        "variants": {"control": {"desired_count": 3, "image_tag": "2026-12-01"}},
                    }
                },
            },
        )
    )
    dev, prd = stacks["dev"], stacks["prd"]
    assert (prd.region, prd.assume_role_arn) == ("us-east-1", "arn:aws:iam::333333333333:role/deploy")
    assert prd.subnet_ids == ("subnet-0f1e2d3c4b5a60001",)
    assert prd.vpc_id == dev.vpc_id, "network merges key by key"
    assert dict(prd.tags) == {"team": "ml-platform", "cost-center": "42"}
    control, treatment = variants(prd)["control"], variants(prd)["treatment"]
    assert (control.settings.desired_count, control.settings.memory) == (3, 4)
    assert control.image.uri.endswith(":2026-12-01")
    assert treatment.settings.memory == 8, "the variant's own memory still wins over its pipeline's override"
    assert (variants(dev)["control"].settings.desired_count, variants(dev)["control"].settings.memory) == (1, 2)
    assert dev.region == "ap-northeast-1" and dev.assume_role_arn is None


def test_omit_leaves_out_variants_and_pipelines():
    data = with_environments(dev={}, prd={"omit": [f"{PIPELINE}/treatment"]})
    data["pipelines"]["other"] = {
        "repository_arn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/other",
        "variants": {"control": {"image_tag": "1"}},
    }
    data["environments"]["stg"] = {"omit": ["other"]}
    stacks = by_stack(data)
    assert [s.address for s in stacks["dev"].variants] == [
        "news-encoder_control",
        "news-encoder_treatment",
        "other_control",
    ]
    assert [s.address for s in stacks["prd"].variants] == ["news-encoder_control", "other_control"]
    assert [s.address for s in stacks["stg"].variants] == ["news-encoder_control", "news-encoder_treatment"]


def test_an_environment_may_switch_backend_type_and_the_block_is_replaced_whole():
    data = with_environments(
        dev={"backend": {"key": "dev-only/{stack}.tfstate"}},
        prd={"backend": {"type": "cloud", "organization": "acme", "workspace": "fp-{stack}"}},
    )
    data["backend"] = {"type": "s3", "bucket": "acme-state", "dynamodb_table": "locks"}
    stacks = by_stack(data)
    assert (stacks["dev"].backend.bucket, stacks["dev"].backend.key) == ("acme-state", "dev-only/{stack}.tfstate")
    assert stacks["dev"].backend.dynamodb_table == "locks"
    assert stacks["prd"].backend.type == "cloud" and stacks["prd"].backend.bucket is None


def test_the_example_file_loads():
    stacks = {d.stack: d for d in load_file(EXAMPLE)}
    assert list(stacks) == ["dev", "stg", "prd"]
    assert len(stacks["prd"].variants) == 1
    assert yaml.safe_load(EXAMPLE.read_text())["backend"]["type"] == "s3"


@pytest.mark.parametrize(
    ("environments", "expected"),
    [
        (
            {"dev": {"pipelines": {"nope": {"cpu": 2}}}},
            "environments.dev.pipelines.nope: no such pipeline; environments override only "
            "the ones defined in the config (news-encoder)",
        ),
        (
            {"dev": {"pipelines": {PIPELINE: {"variants": {"canary": {"desired_count": 1}}}}}},
            "environments.dev.pipelines.news-encoder.variants.canary: no such variant of news-encoder; "
            "environments override only the ones defined in the config (control, treatment)",
        ),
        (
            {"dev": {"regoin": "us-east-1"}},
            "environments.dev.regoin: unknown key; did you mean 'region'?",
        ),
        (
            {"dev": {"omit": ["news-encoder/canary"]}},
            "environments.dev.omit[0]: no such variant; use one of the ones defined in the config",
        ),
        ({"dev": {"omit": ["nope"]}}, "environments.dev.omit[0]: no such pipeline"),
        (
            {"dev": {"omit": ["news-encoder/treatmnt"]}},
            "environments.dev.omit[0]: no such variant; did you mean 'treatment'? use one of the ones defined in "
            "the config (control, treatment) (got 'news-encoder/treatmnt')",
        ),
        (
            {"dev": {"omit": ["news-encodr"]}},
            "environments.dev.omit[0]: no such pipeline; did you mean 'news-encoder'? use one of",
        ),
        (
            {"dev": {"pipelines": {PIPELINE: {"variants": {"controll": {"desired_count": 1}}}}}},
            "environments.dev.pipelines.news-encoder.variants.controll: no such variant of news-encoder; "
            "did you mean 'control'? environments override only",
        ),
        (
            {"dev": {"pipelines": {"news-encodr": {"cpu": 2}}}},
            "environments.dev.pipelines.news-encodr: no such pipeline; did you mean 'news-encoder'? environments",
        ),
        ({"dev": {"omit": [PIPELINE]}}, "environments.dev.omit: leaves no pipeline in this environment"),
        ({"dev": {"omit": "news-encoder"}}, "environments.dev.omit: must be a list"),
        ({"Dev": {}}, "environments.Dev: invalid name"),
        ({"dev": ["x"]}, "environments.dev: must be a mapping of overrides"),
        (
            {"dev": {"pipelines": {PIPELINE: {"variants": {"treatment": {"memory": 3}}}}}},
            "environments.dev.pipelines.news-encoder.variants.treatment.memory: does not fit cpu 2",
        ),
        (
            {"dev": {"network": {"subnet_ids": ["subnet-0a1b2c3d4e5f60001", "bad"]}}},
            "environments.dev.network.subnet_ids[1]: does not match",
        ),
        (
            {"dev": {"assume_role_arn": "arn:aws:iam::123:role/x"}},
            "environments.dev.assume_role_arn: not an IAM role ARN",
        ),
        (
            {"dev": {"backend": {"type": "s3"}}},
            "backend.bucket: required for type s3",
        ),
    ],
)
def test_each_bad_environment_gives_one_line_with_its_path(environments, expected):
    (line,) = config_problems(with_environments(**environments))
    assert line.startswith(expected), line


def test_problem_of_a_shared_value_is_reported_once_and_one_of_some_environments_names_them():
    data = with_environments(dev={}, stg={}, prd={"omit": [f"{PIPELINE}/treatment"]})
    data["pipelines"][PIPELINE]["variants"]["treatment"]["memory"] = 3
    data["network"]["vpc_id"] = "vpc-x"
    assert config_problems(data) == [
        "network.vpc_id: does not match ^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$ (got 'vpc-x')",
        "pipelines.news-encoder.variants.treatment.memory: does not fit cpu 2: use 4-16 GiB in steps of 1 "
        "(in environments dev, stg) (got 3)",
    ]


def test_problems_of_every_environment_are_reported_together():
    data = with_environments(dev={"regoin": "x"}, prd={"pipelines": {"nope": {}}})
    data["backend"] = {"type": "s3", "bucket": "b-1", "key": "state.tfstate"}
    lines = config_problems(data)
    assert [line.split(":")[0] for line in lines] == [
        "environments.dev.regoin",
        "environments.prd.pipelines.nope",
    ]


def test_an_environment_in_another_region_keeps_its_state_in_the_configs_bucket():
    data = with_environments(
        dev={},
        prd={"region": "us-east-1"},
        sandbox={"region": "us-east-1", "backend": {"bucket": "sandbox-state"}},
    )
    data["backend"] = {"type": "s3", "bucket": "acme-state"}
    stacks = by_stack(data)
    assert stacks["prd"].region == "us-east-1"
    assert (stacks["prd"].backend.bucket, stacks["prd"].backend.region) == ("acme-state", "ap-northeast-1")
    assert stacks["dev"].backend.region == "ap-northeast-1"
    assert stacks["sandbox"].backend.region is None, "its own bucket: the stack's region, as without environments"
    data["backend"]["region"] = "eu-west-1"
    assert {d.backend.region for d in by_stack(data).values()} == {"eu-west-1"}


def test_a_bad_environment_name_is_reported_at_a_readable_path():
    assert config_problems(with_environments(**{"": {}, "a.b": {}})) == [
        "environments['']: invalid name; use lowercase letters, digits and '-', starting with a letter, "
        "not ending with '-' (got '')",
        "environments['a.b']: invalid name; use lowercase letters, digits and '-', starting with a letter, "
        "not ending with '-' (got 'a.b')",
    ]
