"""What the seam imports, and from which CDK runtime: CDK for Terraform (cdktf) or CDK Terrain (cdktn).

Pure data (importing this starts nothing): `modules/runtime/cdk.py` imports these names,
`benchmarks/straightforward_app.py` imports the same ones the plain way. The runtime is an
install-time choice (`make setup RUNTIME=cdktn` installs CDK Terrain into its own virtualenv):
the one whose core package is installed. Both have the same API under other package names.

To add a provider class: its name under its submodule in `PROVIDER_CLASSES` (the submodule is
the same in both providers).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass

#: From the core package (cdktf or cdktn).
CORE_NAMES = (
    "App",
    "CloudBackend",
    "Fn",
    "LocalBackend",
    "NamedCloudWorkspace",
    "S3Backend",
    "S3BackendAssumeRoleConfig",
    "TaggedCloudWorkspaces",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "TerraformVariableValidationConfig",
    "Testing",
    "Token",
)

#: From the `constructs` package (the same in both).
CONSTRUCTS_NAMES = ("Construct",)

_SCALING = "AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration"
_CUSTOM = f"{_SCALING}CustomizedMetricSpecification"

#: Provider submodule -> the classes imported from it.
PROVIDER_CLASSES: dict[str, tuple[str, ...]] = {
    "appautoscaling_policy": (
        "AppautoscalingPolicy",
        _SCALING,
        _CUSTOM,
        f"{_CUSTOM}Dimensions",
        f"{_CUSTOM}Metrics",
        f"{_CUSTOM}MetricsMetricStat",
        f"{_CUSTOM}MetricsMetricStatMetric",
        f"{_CUSTOM}MetricsMetricStatMetricDimensions",
        f"{_SCALING}PredefinedMetricSpecification",
        "AppautoscalingPolicyStepScalingPolicyConfiguration",
        "AppautoscalingPolicyStepScalingPolicyConfigurationStepAdjustment",
    ),
    "appautoscaling_scheduled_action": (
        "AppautoscalingScheduledAction",
        "AppautoscalingScheduledActionScalableTargetAction",
    ),
    "appautoscaling_target": ("AppautoscalingTarget",),
    "cloudwatch_dashboard": ("CloudwatchDashboard",),
    "cloudwatch_event_rule": ("CloudwatchEventRule",),
    "cloudwatch_event_target": ("CloudwatchEventTarget",),
    "cloudwatch_log_group": ("CloudwatchLogGroup",),
    "cloudwatch_log_metric_filter": ("CloudwatchLogMetricFilter", "CloudwatchLogMetricFilterMetricTransformation"),
    "cloudwatch_metric_alarm": (
        "CloudwatchMetricAlarm",
        "CloudwatchMetricAlarmMetricQuery",
        "CloudwatchMetricAlarmMetricQueryMetric",
    ),
    "data_aws_cloudwatch_log_group": ("DataAwsCloudwatchLogGroup",),
    "data_aws_ecs_cluster": ("DataAwsEcsCluster",),
    "data_aws_region": ("DataAwsRegion",),
    "ecs_cluster": (
        "EcsCluster",
        "EcsClusterConfiguration",
        "EcsClusterConfigurationExecuteCommandConfiguration",
        "EcsClusterConfigurationExecuteCommandConfigurationLogConfiguration",
        "EcsClusterSetting",
    ),
    "ecs_cluster_capacity_providers": (
        "EcsClusterCapacityProviders",
        "EcsClusterCapacityProvidersDefaultCapacityProviderStrategy",
    ),
    "ecs_service": (
        "EcsService",
        "EcsServiceAlarms",
        "EcsServiceCapacityProviderStrategy",
        "EcsServiceDeploymentCircuitBreaker",
        "EcsServiceNetworkConfiguration",
        "EcsServiceTimeouts",
    ),
    "ecs_task_definition": (
        "EcsTaskDefinition",
        "EcsTaskDefinitionEphemeralStorage",
        "EcsTaskDefinitionRuntimePlatform",
        "EcsTaskDefinitionVolume",
    ),
    "iam_role": ("IamRole",),
    "iam_role_policy": ("IamRolePolicy",),
    "iam_role_policy_attachment": ("IamRolePolicyAttachment",),
    "provider": ("AwsProvider", "AwsProviderAssumeRole", "AwsProviderDefaultTags"),
    "security_group": ("SecurityGroup", "SecurityGroupEgress"),
    "kinesis_stream_consumer": ("KinesisStreamConsumer",),
    "sns_topic_subscription": ("SnsTopicSubscription",),
    "sqs_queue": ("SqsQueue",),
    "sqs_queue_policy": ("SqsQueuePolicy",),
}


@dataclass(frozen=True)
class Runtime:
    """A CDK runtime: its Python packages and its command line (`npx <cli>`)."""

    name: str
    core: str
    provider: str
    cli: str


CDKTF = Runtime("cdktf", core="cdktf", provider="cdktf_cdktf_provider_aws", cli="cdktf")
CDKTN = Runtime("cdktn", core="cdktn", provider="cdktn_provider_aws", cli="cdktn")
RUNTIMES = (CDKTF, CDKTN)


class RuntimeNotInstalledError(RuntimeError):
    """No CDK runtime, or both, installed in this Python."""


def installed_runtime() -> Runtime:
    """The runtime whose core and provider packages are installed here (exactly one must be)."""
    found = [r for r in RUNTIMES if all(importlib.util.find_spec(p) is not None for p in (r.core, r.provider))]
    if len(found) != 1:
        names = " and ".join(r.name for r in found) or "neither cdktf nor cdktn"
        raise RuntimeNotInstalledError(
            f"{names} installed in {sys.prefix}: "
            "run `make setup` (cdktf) or `make setup RUNTIME=cdktn` (CDK Terrain, in .venv-cdktn)"
        )
    return found[0]


def seam_names() -> list[str]:
    """Every name the seam exports."""
    return sorted([*CORE_NAMES, *CONSTRUCTS_NAMES, *(name for names in PROVIDER_CLASSES.values() for name in names)])
