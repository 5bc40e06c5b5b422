"""The shared ECS cluster all variants run in."""

from __future__ import annotations

from ..runtime import cdk
from ..runtime.cdk import Construct
from .address import pin
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
