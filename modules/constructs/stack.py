"""The stack: provider, shared cluster, one VariantService per variant, outputs."""

from __future__ import annotations

from constructs import Construct

from .. import cdk
from ..config.resolve import Deployment
from .autoscaling import VariantAutoscaling
from .cluster import PipelineCluster
from .variant import VariantService

MANAGED_BY = "streaming-feature-pipelines"


class PipelinesStack(cdk.TerraformStack):
    """A Terraform stack holding every pipeline variant of one deployment.

    The AWS provider carries the config's global `tags` plus `managed-by` as default tags;
    each resource adds its own `pipeline` and `variant` tags. State: the local backend,
    `terraform.<stack id>.tfstate` in the stack's output directory.
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment) -> None:
        super().__init__(scope, id)
        cdk.AwsProvider(
            self,
            "aws",
            region=deployment.region,
            default_tags=[cdk.AwsProviderDefaultTags(tags={**deployment.tags, "managed-by": MANAGED_BY})],
        )
        self.cluster = PipelineCluster(
            self, "cluster", name=deployment.cluster_name, container_insights=deployment.container_insights
        )
        cdk.TerraformOutput(self, "cluster_name", value=self.cluster.name, description="ECS cluster name")
        cdk.TerraformOutput(self, "cluster_arn", value=self.cluster.arn, description="ECS cluster ARN")
        self.variants: dict[str, VariantService] = {}
        for spec in deployment.variants:
            variant = VariantService(
                self,
                spec.address,
                spec=spec,
                region=deployment.region,
                cluster_arn=self.cluster.arn,
                vpc_id=deployment.vpc_id,
                subnet_ids=deployment.subnet_ids,
                egress=deployment.egress,
            )
            self.variants[spec.address] = variant
            if spec.image_owner == "ci":
                cdk.TerraformOutput(
                    self,
                    f"{spec.address}_task_family",
                    value=variant.task_definition.family,
                    description=f"task definition family CI registers {spec.pipeline}/{spec.variant} revisions in",
                )
            if spec.autoscaling:
                VariantAutoscaling(
                    self,
                    f"{spec.address}_autoscaling",
                    spec=spec,
                    scaling=spec.autoscaling,
                    cluster_name=self.cluster.name,
                    service_name=variant.service.name,
                    tags=spec.tags,
                )
            cdk.TerraformOutput(
                self,
                f"{spec.address}_service",
                value=variant.service.name,
                description=f"ECS service of {spec.pipeline}/{spec.variant}",
            )
