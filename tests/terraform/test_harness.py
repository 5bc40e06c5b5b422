"""The harness's own pure parts: the Terraform CLI config, when the tests may run, what moto gets, how the
shared root's run reads for each child."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.helpers import ROOT
from tests.terraform.cycles import TOGETHER_MODULES, Cycle, applied, child_cycle, shown
from tests.terraform.moto import backend_override, provider_override, rebind, seed_spec
from tests.terraform.parallel import processes
from tests.terraform.terraform_cli import cli_config, mirror_problem, unavailable_reason

ENVIRONMENTS = yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text())
ALL_FEATURES = yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text())


def test_cli_config_with_a_mirror_installs_aws_from_it_only(tmp_path):
    text = cli_config(Path("/m"), tmp_path)
    assert 'path    = "/m"' in text
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in text
    assert 'exclude = ["registry.terraform.io/*/*"]' in text
    assert f"plugin_cache_dir = {json.dumps(str(tmp_path))}" in text


def test_cli_config_without_a_mirror_keeps_the_ordinary_installation(tmp_path):
    text = cli_config(None, tmp_path)
    assert "provider_installation" not in text
    assert "plugin_cache_dir" in text


def test_a_mirror_must_be_the_root_holding_the_aws_provider(tmp_path):
    assert "must name the mirror root" in mirror_problem(tmp_path)
    (tmp_path / "registry.terraform.io" / "hashicorp" / "aws").mkdir(parents=True)
    assert mirror_problem(tmp_path) is None
    assert "must name the mirror root" in mirror_problem(tmp_path / "registry.terraform.io")


def test_no_terraform_on_path_is_a_reason_not_to_run(tmp_path):
    assert unavailable_reason({"PATH": str(tmp_path)}) == "the terraform CLI is not on PATH"


def test_a_wrong_mirror_is_a_reason_not_to_run(tmp_path):
    terraform = tmp_path / "terraform"
    terraform.write_text("#!/bin/sh\n")
    terraform.chmod(0o755)
    reason = unavailable_reason({"PATH": str(tmp_path), "TF_PROVIDER_MIRROR": str(tmp_path)})
    assert reason is not None and "TF_PROVIDER_MIRROR" in reason


def test_seed_spec_has_a_vpc_per_environment_in_its_account_and_the_state_bucket():
    spec = seed_spec(ENVIRONMENTS)
    assert spec["vpcs"] == {
        "dev": {"role_arn": "arn:aws:iam::111111111111:role/feature-pipelines-deploy", "subnets": 2},
        "stg": {"role_arn": "arn:aws:iam::222222222222:role/feature-pipelines-deploy", "subnets": 2},
        "prd": {"role_arn": "arn:aws:iam::333333333333:role/feature-pipelines-deploy", "subnets": 3},
    }
    assert spec["buckets"] == ["acme-terraform-state"]
    assert spec["secrets"] == ["feature-store-token"]


def test_seed_spec_names_every_key_secret_and_parameter_a_config_refers_to():
    spec = seed_spec(ALL_FEATURES)
    assert spec["vpcs"] == {"": {"role_arn": None, "subnets": 2}}
    assert len(spec["kms_keys"]) == 3  # secrets, log groups, ECS Exec sessions
    assert spec["secrets"] == ["feature-db", "feature-store-token"]
    assert spec["parameters"] == ["/all-features/model-api-key", "/all-features/router-token"]
    assert spec["buckets"] == []


def test_seed_spec_names_the_topics_streams_and_buckets_a_config_reads_writes_or_alarms_to():
    ab_data = seed_spec(yaml.safe_load((ROOT / "examples" / "ab-data.yaml").read_text()))
    assert (ab_data["topics"], ab_data["streams"], ab_data["buckets"]) == (
        ["news-articles"],
        ["news-clicks"],
        ["ab-data-features"],
    )
    assert seed_spec(ALL_FEATURES)["topics"] == ["feature-pipelines-alarms"]


def test_rebind_puts_moto_ids_in_and_keeps_a_secrets_json_key():
    spec = seed_spec(ALL_FEATURES)
    answer = {
        "vpcs": {"": {"vpc_id": "vpc-0123456789abcdef0", "subnet_ids": ["subnet-1", "subnet-2"]}},
        "kms_keys": {arn: arn.replace("123456789012", "999999999999") for arn in spec["kms_keys"]},
        "secrets": {name: f"arn:new:{name}-XyZ123" for name in spec["secrets"]},
        "parameters": {
            "/all-features/model-api-key": "arn:new:parameter",
            "/all-features/router-token": "arn:new:router-token",
        },
    }
    bound = rebind(ALL_FEATURES, answer)
    assert bound["network"] == answer["vpcs"][""]
    secrets = bound["pipelines"]["news-encoder"]["secrets"]
    assert secrets == {
        "FEATURE_STORE_TOKEN": "arn:new:feature-store-token-XyZ123",
        "DB_PASSWORD": "arn:new:feature-db-XyZ123:password::",
        "MODEL_API_KEY": "arn:new:parameter",
    }
    router = bound["pipelines"]["click-aggregator"]["sidecars"]["log-router"]["secrets"]
    assert router == {"ROUTER_TOKEN": "arn:new:router-token"}, "a sidecar's secret is rebound too"
    assert "123456789012:key/" not in json.dumps(bound)
    assert ALL_FEATURES["network"]["vpc_id"] == "vpc-0a1b2c3d4e5f60718", "the input is not changed"


def test_rebind_gives_each_environment_its_own_network():
    vpcs = {env: {"vpc_id": f"vpc-{env}", "subnet_ids": [f"subnet-{env}"]} for env in ("dev", "stg", "prd")}
    bound = rebind(
        ENVIRONMENTS, {"vpcs": vpcs, "kms_keys": {}, "secrets": {"feature-store-token": "s"}, "parameters": {}}
    )
    assert {env: bound["environments"][env]["network"] for env in vpcs} == vpcs
    assert bound["environments"]["prd"]["pipelines"] == ENVIRONMENTS["environments"]["prd"]["pipelines"]


def test_provider_override_points_every_service_at_one_endpoint():
    provider = provider_override("http://127.0.0.1:1")["provider"]["aws"]
    (endpoints,) = provider["endpoints"]
    assert set(endpoints.values()) == {"http://127.0.0.1:1"} and {"ecs", "sts", "s3", "kms"} <= set(endpoints)
    assert provider["skip_credentials_validation"] is True
    assert 0 < provider["max_retries"] <= 5, "a call moto cannot answer fails in seconds, not minutes"


def test_backend_override_keeps_the_s3_settings_and_only_for_s3():
    stack = {"terraform": {"backend": {"s3": {"bucket": "b", "key": "k", "region": "r"}}}}
    s3 = backend_override(stack, "http://127.0.0.1:1")["terraform"]["backend"]["s3"]
    assert (s3["bucket"], s3["key"], s3["region"]) == ("b", "k", "r")
    assert s3["endpoints"] == {"s3": "http://127.0.0.1:1", "sts": "http://127.0.0.1:1"} and s3["use_path_style"]
    assert backend_override({"terraform": {"backend": {"local": {}}}}, "x") is None


def test_a_stored_state_reads_as_show_json_addresses_it():
    state = {
        "outputs": {"a": {"value": {"x": 1}, "type": ["object", {"x": "number"}], "sensitive": True}},
        "resources": [
            {"mode": "managed", "type": "aws_sqs_queue", "name": "q", "instances": [{"attributes": {"id": "1"}}]},
            {
                "module": "module.one.module.inner",
                "mode": "managed",
                "type": "aws_ecs_service",
                "name": "s",
                "instances": [
                    {"index_key": 0, "attributes": {"id": "2"}},
                    {"index_key": "k", "attributes": {"id": "3"}},
                ],
            },
            {
                "module": "module.one",
                "mode": "data",
                "type": "aws_ecs_service",
                "name": "d",
                "instances": [{"attributes": {}}],
            },
        ],
    }
    values = shown(state)
    assert values["values"]["outputs"] == state["outputs"]
    assert applied(values, "aws_ecs_service") == {
        "module.one.module.inner.aws_ecs_service.s[0]": {"id": "2"},
        'module.one.module.inner.aws_ecs_service.s["k"]': {"id": "3"},
        "module.one.data.aws_ecs_service.d": {},
    }
    assert applied(values, "aws_sqs_queue") == {"aws_sqs_queue.q": {"id": "1"}}


def test_a_child_of_the_shared_root_sees_its_own_outputs_resources_and_changes():
    whole = Cycle(
        outputs={"a__x": {"arn": "1"}, "b__y": {"arn": "2"}},
        replan_code=2,
        replan="  # module.a__x.aws_ecs_service.s will be updated in-place\n",
        destroyed=True,
        services={"module.a__x.aws_ecs_service.s": {"id": "s"}, "module.b__y.aws_ecs_service.t": {"id": "t"}},
        remaining=["module.b__y.aws_sqs_queue.q"],
    )
    a, b = child_cycle(whole, "a__x"), child_cycle(whole, "b__y")
    assert (a.outputs, a.services, a.replan_code, a.remaining) == (
        {"arn": "1"},
        {"aws_ecs_service.s": {"id": "s"}},
        2,
        [],
    )
    assert (b.replan_code, b.remaining) == (0, ["module.b__y.aws_sqs_queue.q"])
    outside = Cycle(replan_code=2, replan="Changes to Outputs:\n", remaining=["aws_sqs_queue.q"])
    assert child_cycle(outside, "a__x").replan_code == 2 and child_cycle(outside, "a__x").remaining == [
        "aws_sqs_queue.q"
    ]


def test_the_modules_of_the_shared_root_run_in_one_process():
    files = ["tests/terraform/test_e2e_ab_data.py", *(f"tests/terraform/{name}" for name in TOGETHER_MODULES)]
    groups = processes(files)
    assert groups.pop("tests/terraform/test_e2e_ab_data.py") == ["tests/terraform/test_e2e_ab_data.py"]
    (together,) = groups.values()
    assert together == files[1:]
