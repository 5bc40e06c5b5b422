"""The shared ECS cluster all variants run in."""

from __future__ import annotations

from ..runtime import cdk
from ..runtime.cdk import Construct
from .address import pin
from .props import ClusterProps


class PipelineCluster(Construct):
    """An ECS cluster for Fargate tasks, shared by every pipeline variant.

    Synthesizes `aws_ecs_cluster.<id>` and `aws_ecs_cluster_capacity_providers.<id>`
    (the construct id is the Terraform name). Behaviour:

    - Container Insights: `props.container_insights` (default "enabled"; "enhanced" for
      per-task metrics).
    - Capacity providers: FARGATE and FARGATE_SPOT are both attached; the cluster default
      strategy is FARGATE only, so nothing runs on Spot unless a service asks for it.
    - Tags: the provider's default tags (the config's `tags`, `managed-by`), nothing of its own.
    """

    def __init__(self, scope: Construct, id: str, *, props: ClusterProps) -> None:
        super().__init__(scope, id)
        self.cluster = cdk.EcsCluster(
            self,
            "cluster",
            name=props.name,
            setting=[cdk.EcsClusterSetting(name="containerInsights", value=props.container_insights)],
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

    @property
    def arn(self) -> str:
        """The cluster ARN (a Terraform reference)."""
        return self.addresses["cluster"].ref("arn")

    @property
    def name(self) -> str:
        """The cluster name (a Terraform reference)."""
        return self.addresses["cluster"].ref("name")
