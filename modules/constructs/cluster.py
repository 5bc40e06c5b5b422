"""The shared ECS cluster all variants run in, and its lookup from a pipeline's own stack."""

from __future__ import annotations

from ..runtime import cdk
from ..runtime.cdk import Construct
from .address import Address, pin, pin_data
from .props import EXEC_LOG_GROUP, ClusterProps


class PipelineCluster(Construct):
    """An ECS cluster for Fargate tasks, shared by every pipeline variant.

    Synthesizes `aws_ecs_cluster.<id>` and `aws_ecs_cluster_capacity_providers.<id>`
    (the construct id is the Terraform name). Behaviour:

    - Container Insights: `props.container_insights` (default "enabled"; "enhanced" for
      per-task metrics).
    - Capacity providers: FARGATE and FARGATE_SPOT are both attached; the cluster default
      strategy is FARGATE only, so nothing runs on Spot unless a service asks for it.
    - ECS Exec (`props.exec_logging` set): the log group `/ecs/<name>/exec`
      (`aws_cloudwatch_log_group.<id>__exec`, with the configured retention and KMS key) and the
      cluster's `execute_command_configuration`: sessions encrypted with `kms_key_arn` when set,
      logged (`OVERRIDE`) to that group, with `cloud_watch_encryption_enabled` when the group has a key.
      Shared: turning exec on for one variant changes the cluster for all.
    - Tags: the provider's default tags (the config's `tags`, `managed-by`), nothing of its own.
    """

    def __init__(self, scope: Construct, id: str, *, props: ClusterProps) -> None:
        super().__init__(scope, id)
        self.cluster = cdk.EcsCluster(
            self,
            "cluster",
            name=props.name,
            setting=[cdk.EcsClusterSetting(name="containerInsights", value=props.container_insights)],
            configuration=self._exec_configuration(id, props),
        )
        self.addresses = {"cluster": pin(self.cluster, id)}
        providers = cdk.EcsClusterCapacityProviders(
            self,
            "capacity_providers",
            cluster_name=self.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategy=[
                cdk.EcsClusterCapacityProvidersDefaultCapacityProviderStrategy(
                    capacity_provider="FARGATE", weight=1, base=0
                )
            ],
        )
        pin(providers, id)
        self.capacity_providers = providers
        self.exec_log_group = EXEC_LOG_GROUP

    def _exec_configuration(self, id: str, props: ClusterProps) -> cdk.EcsClusterConfiguration | None:
        """The exec audit log group and the configuration logging to it; None without ECS Exec."""
        logging = props.exec_logging
        if logging is None:
            return None
        log_group = cdk.CloudwatchLogGroup(
            self,
            "exec_log_group",
            name=f"/ecs/{props.name}/exec",
            retention_in_days=logging.log_retention_days,
            kms_key_id=logging.log_kms_key_arn,
        )
        if pin(log_group, f"{id}__exec") != EXEC_LOG_GROUP:
            raise ValueError(f"the cluster's id must be {EXEC_LOG_GROUP.name.split('__')[0]!r}, got {id!r}")
        return cdk.EcsClusterConfiguration(
            execute_command_configuration=cdk.EcsClusterConfigurationExecuteCommandConfiguration(
                kms_key_id=logging.kms_key_arn,
                logging="OVERRIDE",
                log_configuration=cdk.EcsClusterConfigurationExecuteCommandConfigurationLogConfiguration(
                    cloud_watch_log_group_name=EXEC_LOG_GROUP.ref("name"),
                    cloud_watch_encryption_enabled=logging.log_kms_key_arn is not None,
                ),
            )
        )

    @property
    def arn(self) -> str:
        """The cluster ARN (a Terraform reference)."""
        return self.addresses["cluster"].ref("arn")

    @property
    def name(self) -> str:
        """The cluster name (a Terraform reference)."""
        return self.addresses["cluster"].ref("name")


class ClusterLookup(Construct):
    """The shared cluster as a pipeline's own stack sees it (`stacks: per_pipeline`): looked up by name.

    Synthesizes `data.aws_ecs_cluster.<id>` (by `props.name`) and, when `exec_log_group` is set (a variant of
    the stack allows ECS Exec), `data.aws_cloudwatch_log_group.<id>__exec` (`/ecs/<name>/exec`). A lookup by
    name works with every state backend (no remote state to read, no credentials for another state) and
    fails the plan while the shared stack is not applied: the shared stack goes first. Offers what
    `VariantService` and `VariantAutoscaling` read of a `PipelineCluster`: `arn`, `name`, `exec_log_group`;
    `capacity_providers` is None (the shared stack attached them before this stack plans).
    """

    capacity_providers = None

    def __init__(self, scope: Construct, id: str, *, props: ClusterProps, exec_log_group: bool) -> None:
        super().__init__(scope, id)
        found = cdk.DataAwsEcsCluster(self, "cluster", cluster_name=props.name)
        self.address = pin_data(found, id)
        self.exec_log_group: Address | None = None
        if exec_log_group:
            log_group = cdk.DataAwsCloudwatchLogGroup(self, "exec_log_group", name=f"/ecs/{props.name}/exec")
            self.exec_log_group = pin_data(log_group, EXEC_LOG_GROUP.name)

    @property
    def arn(self) -> str:
        """The cluster ARN (a Terraform reference)."""
        return self.address.ref("arn")

    @property
    def name(self) -> str:
        """The cluster name (a Terraform reference)."""
        return self.address.ref("cluster_name")
