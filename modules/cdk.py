"""The one seam between this project and CDK for Terraform plus the prebuilt AWS provider.

Every other module imports cdktf and provider classes from here, never directly, so that
moving to CDK Terrain (`cdktn`, `cdktn-provider-aws`, same API) changes this file and the
requirements only.

Importing the provider package the ordinary way runs its `__init__`, which imports all
2,212 resource submodules (about 10 s and 600 MiB). We register the package without running
that `__init__` and import only the submodules we use; each still loads the provider's jsii
assembly, so the classes are the real, typed ones.
"""

from __future__ import annotations

import importlib.util
import sys
import types

from cdktf import (
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

PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws"


def _register_provider_package() -> None:
    """Put an empty package object for the provider in sys.modules (skips its __init__)."""
    if PROVIDER_PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PROVIDER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"{PROVIDER_PACKAGE} is not installed: run `make setup`")
    package = types.ModuleType(PROVIDER_PACKAGE)
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    sys.modules[PROVIDER_PACKAGE] = package


_register_provider_package()

from cdktf_cdktf_provider_aws.appautoscaling_policy import (  # noqa: E402
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
from cdktf_cdktf_provider_aws.appautoscaling_scheduled_action import (  # noqa: E402
    AppautoscalingScheduledAction,
    AppautoscalingScheduledActionScalableTargetAction,
)
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget  # noqa: E402
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup  # noqa: E402
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion  # noqa: E402
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster, EcsClusterSetting  # noqa: E402
from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import (  # noqa: E402
    EcsClusterCapacityProviders,
    EcsClusterCapacityProvidersDefaultCapacityProviderStrategy,
)
from cdktf_cdktf_provider_aws.ecs_service import (  # noqa: E402
    EcsService,
    EcsServiceCapacityProviderStrategy,
    EcsServiceDeploymentCircuitBreaker,
    EcsServiceNetworkConfiguration,
)
from cdktf_cdktf_provider_aws.ecs_task_definition import (  # noqa: E402
    EcsTaskDefinition,
    EcsTaskDefinitionEphemeralStorage,
    EcsTaskDefinitionRuntimePlatform,
    EcsTaskDefinitionVolume,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole  # noqa: E402
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy  # noqa: E402
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment  # noqa: E402
from cdktf_cdktf_provider_aws.provider import (  # noqa: E402
    AwsProvider,
    AwsProviderAssumeRole,
    AwsProviderDefaultTags,
)
from cdktf_cdktf_provider_aws.security_group import SecurityGroup, SecurityGroupEgress  # noqa: E402

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
