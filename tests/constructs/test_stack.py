"""What the default example synthesizes: provider, cluster and each variant's resources."""

import json

import pytest

from modules.runtime import cdk
from tests.helpers import DEFAULT_OUTPUTS, default_data, resources_of, synth

CONTROL = "news-encoder_control"


@pytest.fixture(scope="module")
def stack():
    return synth(default_data())


def test_provider_region_and_default_tags(stack):
    (aws,) = stack["provider"]["aws"]
    assert aws["region"] == "ap-northeast-1"
    assert aws["default_tags"] == [{"tags": {"managed-by": "streaming-feature-pipelines", "team": "ml-platform"}}]


def test_cluster_has_insights_and_both_fargate_capacity_providers(stack):
    cluster = stack["resource"]["aws_ecs_cluster"]["cluster"]
    assert cluster["name"] == "feature-pipelines"
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]
    providers = stack["resource"]["aws_ecs_cluster_capacity_providers"]["cluster"]
    assert providers["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]
    assert providers["default_capacity_provider_strategy"] == [{"base": 0, "capacity_provider": "FARGATE", "weight": 1}]


def test_each_variant_gets_its_own_twelve_resources(stack):
    for stem in (CONTROL, "news-encoder_treatment"):
        assert sorted(resources_of(stack, stem)) == [
            f"aws_cloudwatch_log_group.{stem}",
            f"aws_cloudwatch_log_metric_filter.{stem}_errors",
            *(f"aws_cloudwatch_metric_alarm.{stem}_{kind}" for kind in ("cpu", "errors", "memory", "tasks")),
            f"aws_ecs_service.{stem}",
            f"aws_ecs_task_definition.{stem}",
            f"aws_iam_role.{stem}_execution",
            f"aws_iam_role.{stem}_task",
            f"aws_iam_role_policy.{stem}_execution",
            f"aws_security_group.{stem}",
        ]


def test_service_defaults(stack):
    service = stack["resource"]["aws_ecs_service"][CONTROL]
    assert service["name"] == CONTROL
    assert service["cluster"] == "${aws_ecs_cluster.cluster.arn}"
    assert service["task_definition"] == f"${{aws_ecs_task_definition.{CONTROL}.arn}}"
    assert service["desired_count"] == 1
    assert "launch_type" not in service
    assert service["capacity_provider_strategy"] == [{"capacity_provider": "FARGATE", "weight": 1}]
    assert service["network_configuration"] == {
        "assign_public_ip": False,
        "security_groups": [f"${{aws_security_group.{CONTROL}.id}}"],
        "subnets": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    }
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    assert service["deployment_minimum_healthy_percent"] == 100
    assert service["deployment_maximum_percent"] == 200
    assert service["platform_version"] == "LATEST"
    assert service["propagate_tags"] == "TASK_DEFINITION"
    assert service["enable_execute_command"] is False
    assert service["force_new_deployment"] is True  # capacity strategy changes apply in place
    assert service["tags"] == {"pipeline": "news-encoder", "team": "ml-platform", "variant": "control"}


def test_spot_weight_adds_a_fargate_spot_strategy():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"].update(fargate_weight=1, fargate_spot_weight=3)
    service = synth(data)["resource"]["aws_ecs_service"]["news-encoder_treatment"]
    assert service["capacity_provider_strategy"] == [
        {"capacity_provider": "FARGATE", "weight": 1},
        {"capacity_provider": "FARGATE_SPOT", "weight": 3},
    ]


def test_task_definition(stack):
    task = stack["resource"]["aws_ecs_task_definition"]["news-encoder_treatment"]
    assert task["family"] == "feature-pipelines_news-encoder_treatment"
    assert task["requires_compatibilities"] == ["FARGATE"]
    assert task["network_mode"] == "awsvpc"
    assert (task["cpu"], task["memory"]) == ("2048", "8192")
    assert task["runtime_platform"] == {"cpu_architecture": "X86_64", "operating_system_family": "LINUX"}
    assert "ephemeral_storage" not in task
    assert task["volume"] == [{"name": "tmp"}]
    assert task["execution_role_arn"] == "${aws_iam_role.news-encoder_treatment_execution.arn}"
    assert task["task_role_arn"] == "${aws_iam_role.news-encoder_treatment_task.arn}"
    (container,) = json.loads(task["container_definitions"])
    assert container["image"].endswith("news-encoder:2026-11-20")


def test_arm64_and_ephemeral_storage():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"].update(architecture="arm64", ephemeral_storage=50)
    task = synth(data)["resource"]["aws_ecs_task_definition"][CONTROL]
    assert task["runtime_platform"]["cpu_architecture"] == "ARM64"
    assert task["ephemeral_storage"] == {"size_in_gib": 50}


def test_roles_trust_ecs_tasks_and_the_policy_references_the_variant_log_group(stack):
    role = stack["resource"]["aws_iam_role"][f"{CONTROL}_execution"]
    assert role["name"] == "feature-pipelines_news-encoder_control_apne1_exec"
    trust = json.loads(role["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ecs-tasks.amazonaws.com"}
    policy = stack["resource"]["aws_iam_role_policy"][f"{CONTROL}_execution"]
    assert policy["role"] == f"${{aws_iam_role.{CONTROL}_execution.id}}"
    logs = [s for s in json.loads(policy["policy"])["Statement"] if s["Sid"] == "Logs"]
    assert logs[0]["Resource"] == f"${{aws_cloudwatch_log_group.{CONTROL}.arn}}:log-stream:*"


def test_task_role_policy_attachments():
    data = default_data()
    arn = "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"
    data["pipelines"]["news-encoder"]["variants"]["control"]["task_role_policy_arns"] = [arn]
    attachments = synth(data)["resource"]["aws_iam_role_policy_attachment"]
    (name,) = attachments
    assert name.startswith(f"{CONTROL}_task_")
    assert attachments[name]["policy_arn"] == arn


def test_security_group_has_no_ingress_and_https_egress(stack):
    group = stack["resource"]["aws_security_group"][CONTROL]
    assert "ingress" not in group
    assert group["vpc_id"] == "vpc-0a1b2c3d4e5f60718"
    (egress,) = group["egress"]
    assert (egress["from_port"], egress["to_port"], egress["protocol"]) == (443, 443, "tcp")
    assert egress["cidr_blocks"] == ["0.0.0.0/0"]


def test_pipeline_egress_replaces_the_network_rules_for_its_variants_only():
    """A Kafka consumer needs 9098 on top of HTTPS; other pipelines keep the network's rules."""
    data = default_data()
    msk = {"port": 9098, "cidr_blocks": ["10.0.0.0/16"], "description": "MSK IAM auth"}
    https = {"port": 443, "description": "HTTPS"}
    data["pipelines"]["news-encoder"]["egress"] = [https, msk]
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["egress"] = [https]
    data["pipelines"]["other"] = {
        "repository_arn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/other",
        "variants": {"control": {"image_tag": "1"}},
    }
    groups = synth(data)["resource"]["aws_security_group"]

    def ports(address):
        return [(rule["from_port"], rule["cidr_blocks"]) for rule in groups[address]["egress"]]

    assert ports(CONTROL) == [(443, ["0.0.0.0/0"]), (9098, ["10.0.0.0/16"])]
    assert ports("news-encoder_treatment") == [(443, ["0.0.0.0/0"])]
    assert ports("other_control") == [(443, ["0.0.0.0/0"])]
    assert groups["other_control"]["egress"][0]["description"] == "HTTPS: ECR, CloudWatch Logs, AWS APIs"


def test_log_group_retention(stack):
    group = stack["resource"]["aws_cloudwatch_log_group"][CONTROL]
    assert group["name"] == "/ecs/feature-pipelines/news-encoder/control"
    assert group["retention_in_days"] == 365


def test_outputs_are_the_exported_module_s_and_include_what_other_stacks_wire_to(stack):
    """The same names as the module's outputs; the security group and roles are what a data store,
    bucket or key policy in another stack needs to grant this variant access."""
    assert set(stack["output"]) == DEFAULT_OUTPUTS
    outputs = stack["output"]
    assert outputs[f"{CONTROL}_security_group_id"]["value"] == f"${{aws_security_group.{CONTROL}.id}}"
    assert outputs[f"{CONTROL}_task_role_arn"]["value"] == f"${{aws_iam_role.{CONTROL}_task.arn}}"
    assert outputs[f"{CONTROL}_service_name"]["value"] == f"${{aws_ecs_service.{CONTROL}.name}}"
    assert all(body["description"] for body in outputs.values())


def test_outputs_synthesize_as_cdktf_s_own_terraform_outputs_would(tmp_path):
    """declare_outputs writes every output in one override: the same `output` block and the same
    `//.outputs` index (what `cdktf output` reads) as one TerraformOutput per output."""
    from modules.constructs.stack import PipelinesStack
    from tests.helpers import load

    def synthesized(name: str, build) -> dict:
        app = cdk.App(outdir=str(tmp_path / name))
        build(app)
        app.synth()
        return json.loads((tmp_path / name / "stacks" / "pipelines" / "cdk.tf.json").read_text())

    ours = synthesized("ours", lambda app: PipelinesStack(app, "pipelines", deployment=load(default_data())))

    def one_construct_each(app) -> None:
        stack = cdk.TerraformStack(app, "pipelines")
        for name, body in ours["output"].items():
            cdk.TerraformOutput(stack, name, value=body["value"], description=body["description"])

    plain = synthesized("plain", one_construct_each)
    assert set(ours["output"]) == DEFAULT_OUTPUTS
    assert ours["output"] == plain["output"]
    assert ours["//"]["outputs"] == plain["//"]["outputs"]


def test_cdktf_property_matcher_agrees():
    """The same facts through cdktf's own assertion helper."""
    from modules.constructs.stack import PipelinesStack
    from tests.helpers import load

    app = cdk.Testing.app()
    stack = PipelinesStack(app, "s", deployment=load(default_data()))
    text = cdk.Testing.synth(stack)
    assert cdk.Testing.to_have_resource_with_properties(
        text, "aws_ecs_service", {"name": CONTROL, "platform_version": "LATEST"}
    )
    assert not cdk.Testing.to_have_resource_with_properties(text, "aws_ecs_service", {"launch_type": "EC2"})


def test_every_taggable_resource_of_an_experiments_variants_carries_its_tags_literally():
    """Every resource of each variant whose type takes `tags` (the provider's schema) carries the experiment's
    id, owner and start; the other pipeline's carry none."""
    from tests.provider_schema.check import snapshot

    taggable = {name for name, body in snapshot("5.100.0")["resource"].items() if "tags" in body["attributes"]}
    data = default_data()
    data["pipelines"]["news-encoder"]["experiment"] = {
        "id": "batch-64",
        "hypothesis": "shorter lag",
        "owner": "ml-platform@example.com",
        "start": "2026-11-30",
    }
    data["pipelines"]["other"] = {
        key: value for key, value in data["pipelines"]["news-encoder"].items() if key != "experiment"
    }
    stack = synth(data)
    experiment = {
        "experiment": "batch-64",
        "experiment-owner": "ml-platform@example.com",
        "experiment-start": "2026-11-30",
    }
    checked = 0
    for variant in ("control", "treatment"):
        for address, body in resources_of(stack, f"news-encoder_{variant}").items():
            if address.split(".")[0] in taggable:
                assert {key: body["tags"].get(key) for key in experiment} == experiment, address
                checked += 1
        for address, body in resources_of(stack, f"other_{variant}").items():
            assert not set(experiment) & set(body.get("tags", {})), address
    assert checked >= 16, "service, task definition, roles, log group, security group, alarms of each variant"
