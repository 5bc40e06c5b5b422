"""What each construct takes (CDK-style props: small, frozen, defaults documented), and how a
resolved config becomes them (`*_props`, called by the root constructs: the stack and the module).

Defaults are the config's own (`config.model.DEFAULT_SETTINGS`): a construct used directly behaves
as a variant that leaves the setting unset. Values may be Terraform references (the exported
module passes variables); every user string is already a Terraform literal
(`lib.terraform_literal.literal_strings`, applied once by the root).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from ..config import data
from ..config.autoscaling import AutoscalingConfig
from ..config.deployment import DeploymentSpec
from ..config.model import DEFAULT_SETTINGS as DEFAULT
from ..config.model import ClusterConfig, ContainerSettings, ExecLoggingConfig
from ..config.names import VariantNames, alarm_name
from ..config.resolve import ContainerSpec, Deployment, VariantSpec
from .address import Address


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ClusterProps:
    """The shared ECS cluster."""

    name: str
    container_insights: str = ClusterConfig().container_insights
    """Container Insights: "enabled", "enhanced" (per-task metrics) or "disabled"; default: the config's."""
    exec_logging: ExecLoggingConfig | None = None
    """None: no variant allows ECS Exec, the cluster has no exec configuration. Set: sessions are
    logged (`logging = "OVERRIDE"`) to the log group `/ecs/<name>/exec` the cluster creates, with its
    retention and KMS key, and encrypted with its `kms_key_arn` when set."""


@dataclass(frozen=True)
class DeploymentAlarm:
    """One of a variant's own alarms (`VariantObservability`) that fails its deployments."""

    address: Address
    name: str
    """Its AWS name (`config.names.alarm_name`)."""


@dataclass(frozen=True)
class Switches:
    """Terraform conditions (expressions such as `var.observability_enabled`: the exported module's variables)
    that create resources while true and remove them when false (`count` 1 or 0). None: always created."""

    observability: str | None = None
    """The dashboards and the error metric filters."""
    alarms: Mapping[str, str] = field(default_factory=_empty)
    """By variant address: its alarms, deployment-event rule and targets; its service's deployment alarms follow."""


#: No switches: every resource always exists (the stack's).
ALWAYS = Switches()


@dataclass(frozen=True)
class VariantServiceProps:
    """One variant's log group, roles, security group, task definition and service."""

    pipeline: str
    variant: str
    names: VariantNames
    container: ContainerSpec
    """The main container."""
    vpc_id: str
    subnet_ids: tuple[str, ...]
    region: str
    """Where the tasks log (a name, or a reference in an exported module)."""
    tags: Mapping[str, str] = field(default_factory=_empty)
    settings: ContainerSettings = DEFAULT
    """The variant's merged settings (`config.resolve.VariantSpec.settings`): task size, capacity weights and
    base, log retention and key, task role policies, egress (none: no egress), image owner ("ci": applies
    never revert the image CI rolled out), ...; the default: a variant that sets nothing."""
    desired_count: int = DEFAULT.desired_count
    """Tasks at creation (an autoscaled service: its `min`)."""
    autoscaled: bool = False
    """True: the service ignores `desired_count` drift (Application Auto Scaling owns it)."""
    sidecars: tuple[ContainerSpec, ...] = ()
    """Containers beside the main one (none: the main container only)."""
    deployment: DeploymentSpec = field(default_factory=DeploymentSpec)
    """Default: a variant that sets no `deployment` key (`config.deployment.DeploymentConfig`'s defaults), with
    no deployment alarms."""
    deployment_alarms: tuple[DeploymentAlarm, ...] = ()
    """The variant's own alarms that fail a deployment (Terraform creates them first), watched with
    `deployment.extra_alarm_names`; none of either: no `alarms` block."""
    alarms_switch: str | None = None
    """None: the variant's own alarms always exist. Set (a Terraform condition, the exported module's switch of
    the variant's alarms): while it is false they do not, so the `alarms` block watches only the extra names,
    or, without any, is disabled (listing the own alarms' names: ECS refuses an empty list)."""
    exec_log_group: Address | None = None
    """None: ECS Exec off. Set: the service allows ECS Exec, and the task role may open SSM session channels
    and write to this log group (the cluster's exec audit log)."""
    exec_kms_key_arn: str | None = None
    """The cluster's exec session key: the task role may kms:Decrypt with it (with ECS Exec on)."""
    data: VariantDataProps | None = None
    """None: no `input` or `output`, the stack creates and grants nothing for them (`VariantData`)."""

    @property
    def repository_arns(self) -> tuple[str, ...]:
        """The private ECR repositories the execution role may pull from: the main container's, then those of
        its sidecars' private images, each once."""
        containers = (self.container, *self.sidecars)
        return tuple(dict.fromkeys(arn for container in containers if (arn := container.repository_arn)))


@dataclass(frozen=True)
class VariantDataProps:
    """One variant's own copy of its pipeline's input and its own output namespace (`constructs.data.VariantData`)."""

    pipeline: str
    variant: str
    queues: data.InputQueues
    """The AWS names of its input queue and dead-letter queue (used with `input.sns`)."""
    consumer: str = ""
    """The AWS name of its enhanced fan-out consumer (used with `input.kinesis`)."""
    input: data.InputConfig | None = None
    """None: no queue, no input grant."""
    output: data.S3Output | data.DynamoDbOutput | None = None
    """None: no output grant."""
    output_prefix: str = ""
    """`<prefix>/<variant>/` (with `output`)."""
    tags: Mapping[str, str] = field(default_factory=_empty)

    @property
    def stem(self) -> str:
        """The variant's address stem (`<pipeline>_<variant>`): its data resources' addresses derive from it."""
        return f"{self.pipeline}_{self.variant}"


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


def deployment_alarms(spec: VariantSpec, *, cluster_name: str) -> tuple[DeploymentAlarm, ...]:
    """The variant's own alarms that fail its deployments (`deployment.alarms`), in that order."""
    return tuple(
        DeploymentAlarm(
            Address("aws_cloudwatch_metric_alarm", f"{spec.address}_{suffix}"),
            alarm_name(cluster_name, spec.address, suffix),
        )
        for suffix in spec.deployment.alarms
    )


def service_props(
    spec: VariantSpec,
    deployment: Deployment,
    *,
    region: str,
    tags: Mapping[str, str],
    alarms_switch: str | None = None,
    exec_log_group: Address | None = EXEC_LOG_GROUP,
) -> VariantServiceProps:
    """The props of `spec`'s VariantService in `deployment` (its network), logging to `region`, its resources
    tagged with `tags`, its deployment alarms following `alarms_switch` (`VariantServiceProps.alarms_switch`),
    ECS Exec sessions logged to `exec_log_group` (the cluster's, or its lookup in a pipeline's own stack)."""
    main, *others = spec.containers
    sidecars = tuple(others)
    isolation = data_props(spec, cluster_name=deployment.cluster_name, tags=tags)
    if isolation is not None:
        main = replace(main, environment=MappingProxyType({**main.environment, **data_environment(isolation)}))
    return VariantServiceProps(
        pipeline=spec.pipeline,
        variant=spec.variant,
        names=spec.names,
        container=main,
        vpc_id=deployment.vpc_id,
        subnet_ids=deployment.subnet_ids,
        tags=tags,
        settings=spec.settings,
        desired_count=spec.settings.autoscaling.min if spec.settings.autoscaling else spec.settings.desired_count,
        autoscaled=spec.settings.autoscaling is not None,
        region=region,
        sidecars=sidecars,
        deployment=spec.deployment,
        deployment_alarms=deployment_alarms(spec, cluster_name=deployment.cluster_name),
        alarms_switch=alarms_switch,
        exec_log_group=exec_log_group if spec.exec_enabled else None,
        exec_kms_key_arn=deployment.exec_logging.kms_key_arn if spec.exec_enabled else None,
        data=isolation,
    )


def data_props(spec: VariantSpec, *, cluster_name: str, tags: Mapping[str, str]) -> VariantDataProps | None:
    """None when the variant has neither `input` nor `output`."""
    settings = spec.settings
    if settings.input is None and settings.output is None:
        return None
    output = (settings.output.s3 or settings.output.dynamodb) if settings.output else None
    return VariantDataProps(
        pipeline=spec.pipeline,
        variant=spec.variant,
        queues=data.InputQueues.of(cluster_name, spec.pipeline, spec.variant),
        consumer=data.consumer_name(cluster_name, spec.pipeline, spec.variant),
        input=settings.input,
        output=output,
        output_prefix=data.namespace(output, spec.pipeline, spec.variant) if output else "",
        tags=tags,
    )


def input_queue(stem: str) -> Address:
    """The variant's input queue (`VariantData`), from its address stem."""
    return Address("aws_sqs_queue", f"{stem}_input")


def input_consumer(stem: str) -> Address:
    """The variant's enhanced fan-out consumer (`VariantData`), from its address stem."""
    return Address("aws_kinesis_stream_consumer", f"{stem}_input")


def data_environment(props: VariantDataProps) -> dict[str, str]:
    """What the stack tells the main container (`config.data.ENVIRONMENT`): references to its own queue or
    consumer, the output's bucket and namespace."""
    found: dict[str, str] = {}
    if props.input is not None and props.input.sns is not None:
        found["FEATURE_INPUT_QUEUE_URL"] = input_queue(props.stem).ref("url")
    if props.input is not None and props.input.sqs is not None:
        found["FEATURE_INPUT_QUEUE_URL"] = data.queue_url(props.input.sqs.queue_arn)
    if props.input is not None and props.input.kinesis is not None:
        found["FEATURE_INPUT_STREAM_ARN"] = props.input.kinesis.stream_arn
        found["FEATURE_INPUT_CONSUMER_ARN"] = input_consumer(props.stem).ref("arn")
    if isinstance(props.output, data.DynamoDbOutput):
        found["FEATURE_OUTPUT_TABLE"] = data.table_name(props.output.table_arn)
        found["FEATURE_OUTPUT_KEY_PREFIX"] = props.output_prefix
    if isinstance(props.output, data.S3Output):
        bucket = data.bucket_name(props.output.bucket_arn)
        found["FEATURE_OUTPUT_URI"] = f"s3://{bucket}/{props.output_prefix}"
        found["FEATURE_OUTPUT_BUCKET"] = bucket
        found["FEATURE_OUTPUT_PREFIX"] = props.output_prefix
    return found


def autoscaling_props(spec: VariantSpec, *, cluster_name: str, tags: Mapping[str, str]) -> AutoscalingProps | None:
    """None when the variant does not autoscale."""
    if spec.settings.autoscaling is None:
        return None
    return AutoscalingProps(
        stem=spec.address,
        service=spec.names.service,
        scaling=spec.settings.autoscaling,
        alarm_prefix=f"{cluster_name}_{spec.address}",
        tags=tags,
    )
