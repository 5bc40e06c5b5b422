"""Constructs used directly, CDK style: the props' defaults are a variant that sets nothing."""

import json

from modules.config.names import VariantNames
from modules.config.resolve import ContainerSpec
from modules.constructs.cluster import PipelineCluster
from modules.constructs.props import ClusterProps, VariantServiceProps
from modules.constructs.variant import VariantService
from modules.runtime import cdk

NAMES = VariantNames.of("c", "p", "v", "eu-west-1")


def test_a_variant_service_with_only_the_required_props_synthesizes_the_documented_defaults():
    stack = cdk.TerraformStack(cdk.Testing.app(), "direct")
    cluster = PipelineCluster(stack, "cluster", props=ClusterProps(name="c"))
    repository = "arn:aws:ecr:eu-west-1:123456789012:repository/r"
    container = ContainerSpec(
        name="app", image="r:1", log_group=NAMES.log_group, log_stream_prefix="v", repository_arn=repository
    )
    props = VariantServiceProps(
        pipeline="p",
        variant="v",
        names=NAMES,
        container=container,
        vpc_id="vpc-0123456789abcdef0",
        subnet_ids=("subnet-0123456789abcdef0",),
        region="eu-west-1",
    )
    VariantService(stack, "p_v", props=props, cluster=cluster)
    resources = json.loads(cdk.Testing.synth(stack))["resource"]
    task = resources["aws_ecs_task_definition"]["p_v"]
    assert (task["cpu"], task["memory"], task["runtime_platform"]["cpu_architecture"]) == ("1024", "2048", "X86_64")
    assert "ephemeral_storage" not in task and "track_latest" not in task
    service = resources["aws_ecs_service"]["p_v"]
    assert service["desired_count"] == 1 and "lifecycle" not in service
    assert service["capacity_provider_strategy"] == [{"capacity_provider": "FARGATE", "weight": 1}]
    assert resources["aws_cloudwatch_log_group"]["p_v"]["retention_in_days"] == 365
    assert resources["aws_security_group"]["p_v"]["egress"] == []
    assert "aws_iam_role_policy_attachment" not in resources
    pull = json.loads(resources["aws_iam_role_policy"]["p_v_execution"]["policy"])["Statement"][1]
    assert (pull["Sid"], pull["Resource"]) == ("EcrPull", repository)
    (definition,) = json.loads(task["container_definitions"])
    assert "user" not in definition and "stopTimeout" not in definition and definition["environment"] == []
    cluster_settings = resources["aws_ecs_cluster"]["cluster"]["setting"]
    assert cluster_settings == [{"name": "containerInsights", "value": "enabled"}]
