"""What each construct takes (CDK-style props: small, frozen, defaults documented), and how a
resolved config becomes them (`*_props`, called by the root constructs: the stack and the module).

Defaults are the config's own (`config.model.DEFAULT_SETTINGS`): a construct used directly behaves
as a variant that leaves the setting unset. Values may be Terraform references (the exported
module passes variables); every user string is already a Terraform literal
(`lib.terraform_literal.literal_strings`, applied once by the root).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..config.autoscaling import AutoscalingConfig, ImageOwner
from ..config.container import HealthCheck, RestartPolicy, Ulimit, image_of
from ..config.deployment import DeploymentSpec
from ..config.model import DEFAULT_SETTINGS as DEFAULT
from ..config.model import EgressRule, ExecLoggingConfig
from ..config.names import VariantNames
from ..config.resolve import Deployment, VariantSpec
from .address import Address


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ClusterProps:
    """The shared ECS cluster."""

    name: str
    container_insights: str = "enabled"
    """Container Insights: "enabled", "enhanced" (per-task metrics) or "disabled"."""
    exec_logging: ExecLoggingConfig | None = None
    """None: no variant allows ECS Exec, the cluster has no exec configuration. Set: sessions are
    logged (`logging = "OVERRIDE"`) to the log group `/ecs/<name>/exec` the cluster creates, with its
    retention and KMS key, and encrypted with its `kms_key_arn` when set."""


@dataclass(frozen=True)
class ContainerProps:
    """A container of a variant's task: the main one, or a sidecar beside it.

    Every container has a read-only root filesystem with a writable /tmp, logs to the
    variant's log group (awslogs) and is never privileged.
    """

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
    user: str | None = DEFAULT.user
    """None: the image's USER."""
    stop_timeout: int | None = DEFAULT.stop_timeout
    """None: ECS's 30 s."""
    essential: bool = True
    """True: the task stops when this container stops (the main container always is)."""
    health_check: HealthCheck | None = DEFAULT.health_check
    """None: no health check (ECS knows only whether the process runs)."""
    restart_policy: RestartPolicy | None = DEFAULT.restart_policy
    """None: no in-place restarts (an exited essential container stops the task)."""
    init_process_enabled: bool = DEFAULT.init_process_enabled
    """True: an init process is PID 1 and forwards signals (SIGTERM) to the container's process."""
    ulimits: Mapping[str, Ulimit] = field(default_factory=lambda: MappingProxyType({}))
    """Name -> limits; none: Fargate's (nofile 65535/65535)."""
    depends_on: Mapping[str, str] = field(default_factory=_empty)
    """Container name -> condition it waits for (START, COMPLETE, SUCCESS, HEALTHY); none: starts at once."""
    cpu: float | None = None
    """vCPU reserved out of the task's; None: shares the task's CPU."""
    memory: float | None = None
    """GiB hard limit; None: no limit but the task's."""
    tmp_volume: str = "tmp"
    """The task volume mounted writable at /tmp: each container has its own."""


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
    cpu: float = DEFAULT.cpu
    """vCPU (a Fargate size with `memory`)."""
    memory: float = DEFAULT.memory
    """GiB."""
    architecture: str = DEFAULT.architecture
    ephemeral_storage: int | None = DEFAULT.ephemeral_storage
    """GiB; None: Fargate's 20 GiB."""
    desired_count: int = DEFAULT.desired_count
    """Tasks at creation (an autoscaled service: its `min`)."""
    autoscaled: bool = False
    """True: the service ignores `desired_count` drift (Application Auto Scaling owns it)."""
    fargate_weight: int = DEFAULT.fargate_weight
    fargate_spot_weight: int = DEFAULT.fargate_spot_weight
    log_retention_days: int = DEFAULT.log_retention_days
    log_kms_key_arn: str | None = DEFAULT.log_kms_key_arn
    """None: CloudWatch Logs' own encryption."""
    secrets_kms_key_arns: tuple[str, ...] = ()
    """Customer managed keys of the secrets (the execution role may decrypt through the services)."""
    task_role_policy_arns: tuple[str, ...] = ()
    """Managed policies attached to the task role (none: no permissions)."""
    egress: tuple[EgressRule, ...] = ()
    """Outbound rules of the security group (none: no egress)."""
    image_owner: ImageOwner = DEFAULT.image_owner
    """"ci": applies never revert the image CI rolled out."""
    sidecars: tuple[ContainerProps, ...] = ()
    """Containers beside the main one (none: the main container only)."""
    sidecar_repository_arns: tuple[str, ...] = ()
    """Private ECR repositories of sidecar images the execution role may also pull from."""
    fargate_base: int = DEFAULT.fargate_base
    """Tasks placed on FARGATE before the weights share the rest (0: none)."""
    deployment: DeploymentSpec = field(default_factory=DeploymentSpec)
    """Default: 100 % minimum healthy / 200 % maximum, rollback on failure, `terraform apply` waits for
    steady state with the provider's timeouts, no deployment alarms."""
    deployment_alarm_names: tuple[str, ...] = ()
    """CloudWatch alarms (names or references to them) that fail a deployment; none: no `alarms` block."""
    exec_log_group: Address | None = None
    """None: ECS Exec off. Set: the service allows ECS Exec, and the task role may open SSM session channels
    and write to this log group (the cluster's exec audit log)."""
    exec_kms_key_arn: str | None = None
    """The cluster's exec session key: the task role may kms:Decrypt with it (with ECS Exec on)."""


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


#: The cluster construct's id: the exec audit log group is `aws_cloudwatch_log_group.<id>__exec`.
CLUSTER_ID = "cluster"
#: `__` never occurs in a pipeline or variant name, so no variant's address can collide with it.
EXEC_LOG_GROUP = Address("aws_cloudwatch_log_group", f"{CLUSTER_ID}__exec")


def cluster_props(deployment: Deployment) -> ClusterProps:
    return ClusterProps(
        name=deployment.cluster_name,
        container_insights=deployment.container_insights,
        exec_logging=deployment.exec_logging if deployment.exec_enabled else None,
    )


def deployment_alarm_names(spec: VariantSpec) -> tuple[str, ...]:
    """References to the variant's own deployment alarms (Terraform creates them first), then the extra names."""
    own = (Address("aws_cloudwatch_metric_alarm", f"{spec.address}_{suffix}") for suffix in spec.deployment.alarms)
    return (*(alarm.ref("alarm_name") for alarm in own), *spec.deployment.extra_alarm_names)


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
        health_check=spec.health_check,
        restart_policy=spec.restart_policy,
        init_process_enabled=spec.init_process_enabled,
        ulimits=spec.ulimits,
        depends_on=spec.depends_on,
    )


def sidecar_props(spec: VariantSpec) -> tuple[ContainerProps, ...]:
    """The variant's sidecars in name order, logging like the main container."""
    return tuple(
        ContainerProps(
            name=name,
            image=image_of(sidecar)[0],
            log_group=spec.names.log_group,
            log_stream_prefix=spec.variant,
            environment=MappingProxyType(dict(sidecar.environment)),
            secrets=MappingProxyType(dict(sidecar.secrets)),
            entry_point=tuple(sidecar.entry_point) if sidecar.entry_point is not None else None,
            command=tuple(sidecar.command) if sidecar.command is not None else None,
            user=sidecar.user,
            essential=sidecar.essential,
            health_check=sidecar.health_check,
            restart_policy=sidecar.restart_policy
            if sidecar.restart_policy and sidecar.restart_policy.enabled
            else None,
            init_process_enabled=spec.init_process_enabled,
            ulimits=MappingProxyType(dict(sidecar.ulimits)),
            depends_on=MappingProxyType(dict(sidecar.depends_on)),
            cpu=sidecar.cpu,
            memory=sidecar.memory,
            tmp_volume=f"tmp-{name}",
        )
        for name, sidecar in spec.sidecars.items()
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
        sidecars=sidecar_props(spec),
        sidecar_repository_arns=tuple(
            dict.fromkeys(arn for sidecar in spec.sidecars.values() if (arn := image_of(sidecar)[1]))
        ),
        fargate_base=spec.fargate_base,
        deployment=spec.deployment,
        deployment_alarm_names=deployment_alarm_names(spec),
        exec_log_group=EXEC_LOG_GROUP if spec.exec_enabled else None,
        exec_kms_key_arn=deployment.exec_logging.kms_key_arn if spec.exec_enabled else None,
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
