"""What each construct takes (CDK-style props: small, frozen, defaults documented), and how a
resolved config becomes them (`*_props`, called by the root constructs: the stack and the module).

Defaults are the config's own (`config.resolve.DEFAULTS`): a construct used directly behaves
as a variant that leaves the setting unset. Values may be Terraform references (the exported
module passes variables); every user string is already a Terraform literal
(`lib.terraform_literal.literal_strings`, applied once by the root).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..config.autoscaling import AutoscalingConfig, ImageOwner
from ..config.model import EgressRule
from ..config.names import VariantNames
from ..config.resolve import DEFAULTS, Deployment, VariantSpec


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ClusterProps:
    """The shared ECS cluster."""

    name: str
    container_insights: str = "enabled"
    """Container Insights: "enabled", "enhanced" (per-task metrics) or "disabled"."""


@dataclass(frozen=True)
class ContainerProps:
    """The one container of a variant's task."""

    name: str
    image: str
    """`<repository URI>:<tag>` or `@<digest>`."""
    log_group: str
    """The CloudWatch Logs group it writes to (awslogs)."""
    log_stream_prefix: str
    environment: Mapping[str, str] = field(default_factory=_empty)
    secrets: Mapping[str, str] = field(default_factory=_empty)
    """Name -> Secrets Manager or SSM parameter ARN."""
    entry_point: tuple[str, ...] | None = None
    """None: the image's ENTRYPOINT."""
    command: tuple[str, ...] | None = None
    """None: the image's CMD."""
    user: str | None = DEFAULTS["user"]
    """None: the image's USER."""
    stop_timeout: int | None = DEFAULTS["stop_timeout"]
    """None: ECS's 30 s."""


@dataclass(frozen=True)
class VariantServiceProps:
    """One variant's log group, roles, security group, task definition and service."""

    pipeline: str
    variant: str
    names: VariantNames
    container: ContainerProps
    repository_arn: str
    """The one ECR repository the execution role may pull from."""
    vpc_id: str
    subnet_ids: tuple[str, ...]
    region: str
    """Where the tasks log (a name, or a reference in an exported module)."""
    tags: Mapping[str, str] = field(default_factory=_empty)
    cpu: float = DEFAULTS["cpu"]
    """vCPU (a Fargate size with `memory`)."""
    memory: float = DEFAULTS["memory"]
    """GiB."""
    architecture: str = DEFAULTS["architecture"]
    ephemeral_storage: int | None = DEFAULTS["ephemeral_storage"]
    """GiB; None: Fargate's 20 GiB."""
    desired_count: int = DEFAULTS["desired_count"]
    """Tasks at creation (an autoscaled service: its `min`)."""
    autoscaled: bool = False
    """True: the service ignores `desired_count` drift (Application Auto Scaling owns it)."""
    fargate_weight: int = DEFAULTS["fargate_weight"]
    fargate_spot_weight: int = DEFAULTS["fargate_spot_weight"]
    log_retention_days: int = DEFAULTS["log_retention_days"]
    log_kms_key_arn: str | None = DEFAULTS["log_kms_key_arn"]
    """None: CloudWatch Logs' own encryption."""
    secrets_kms_key_arns: tuple[str, ...] = ()
    """Customer managed keys of the secrets (the execution role may decrypt through the services)."""
    task_role_policy_arns: tuple[str, ...] = ()
    """Managed policies attached to the task role (none: no permissions)."""
    egress: tuple[EgressRule, ...] = ()
    """Outbound rules of the security group (none: no egress)."""
    image_owner: ImageOwner = DEFAULTS["image_owner"]
    """"ci": applies never revert the image CI rolled out."""


@dataclass(frozen=True)
class AutoscalingProps:
    """Application Auto Scaling of one variant's service."""

    stem: str
    """The variant's address stem (`<pipeline>_<variant>`): every address derives from it."""
    service: str
    """The service's AWS name (the running-tasks metric's dimension)."""
    scaling: AutoscalingConfig
    alarm_prefix: str = ""
    """`<cluster>_<pipeline>_<variant>`: the step scaling alarms' names start with it (unique per region)."""
    tags: Mapping[str, str] = field(default_factory=_empty)


def cluster_props(deployment: Deployment) -> ClusterProps:
    return ClusterProps(name=deployment.cluster_name, container_insights=deployment.container_insights)


def container_props(spec: VariantSpec) -> ContainerProps:
    return ContainerProps(
        name=spec.names.container,
        image=spec.image,
        log_group=spec.names.log_group,
        log_stream_prefix=spec.variant,
        environment=spec.environment,
        secrets=spec.secrets,
        entry_point=spec.entry_point,
        command=spec.command,
        user=spec.user,
        stop_timeout=spec.stop_timeout,
    )


def service_props(spec: VariantSpec, deployment: Deployment, *, region: str) -> VariantServiceProps:
    """The props of `spec`'s VariantService in `deployment` (its network), logging to `region`."""
    return VariantServiceProps(
        pipeline=spec.pipeline,
        variant=spec.variant,
        names=spec.names,
        container=container_props(spec),
        repository_arn=spec.repository.arn,
        vpc_id=deployment.vpc_id,
        subnet_ids=deployment.subnet_ids,
        tags=spec.tags,
        cpu=spec.cpu,
        memory=spec.memory,
        architecture=spec.architecture,
        ephemeral_storage=spec.ephemeral_storage,
        desired_count=spec.autoscaling.min if spec.autoscaling else spec.desired_count,
        autoscaled=spec.autoscaling is not None,
        fargate_weight=spec.fargate_weight,
        fargate_spot_weight=spec.fargate_spot_weight,
        log_retention_days=spec.log_retention_days,
        log_kms_key_arn=spec.log_kms_key_arn,
        secrets_kms_key_arns=spec.secrets_kms_key_arns,
        task_role_policy_arns=spec.task_role_policy_arns,
        egress=spec.egress,
        image_owner=spec.image_owner,
        region=region,
    )


def autoscaling_props(spec: VariantSpec, *, cluster_name: str) -> AutoscalingProps | None:
    """None when the variant does not autoscale."""
    if spec.autoscaling is None:
        return None
    return AutoscalingProps(
        stem=spec.address,
        service=spec.names.service,
        scaling=spec.autoscaling,
        alarm_prefix=f"{cluster_name}_{spec.address}",
        tags=spec.tags,
    )
