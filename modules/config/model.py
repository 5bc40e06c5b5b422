"""The pipelines.yaml schema: typed, validated pydantic models (no cdktf import).

Every key is documented where it is declared (`Field(description=...)`); `docs/configuration.md`
renders those descriptions (`python -m modules.config.reference --write`).
Values a variant leaves unset (`None`) are inherited from its pipeline, then from the
defaults in `modules.config.resolve`.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from ..policy.catalog import RULES
from . import arns, experiment, fargate, names
from .adopt import AdoptConfig
from .autoscaling import AutoscalingConfig, ImageOwner
from .backend import BackendConfig, RoleArn
from .container import DependsOn, HealthCheck, RestartPolicy, SidecarConfig, Ulimits
from .data import InputConfig, OutputConfig
from .deployment import DeploymentConfig, ExecConfig
from .images import ImageDigest, ImageTag
from .lists import Distinct
from .names import USER_RULE
from .observability import ObservabilityConfig
from .pricing import PricingConfig
from .strict import Inherited, Layered, Strict, inherited
from .terraform import TerraformConfig

# Values CloudWatch Logs accepts for retention_in_days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def _name(value: str) -> str:
    return names.check_name(value)


def _one_line(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must be one line of printable characters (no newline, tab or control character)")
    return value


#: Letters and symbols drawn as nothing: the Hangul fillers (Unicode's default-ignorable letters),
#: the blank braille pattern and the null notehead.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\U0001d159")
MIN_REASON = 10


def visible_length(text: str) -> int:
    """Characters of `text` that are drawn: letters, digits, punctuation and symbols (Unicode categories
    L, N, P, S); spaces, marks, format and control characters are not, nor are blank letters."""
    return sum(unicodedata.category(char)[0] in "LNPS" and char not in _BLANK for char in text)


def _reason(value: str) -> str:
    if (count := visible_length(value)) < MIN_REASON:
        raise ValueError(
            f"needs at least {MIN_REASON} visible characters (letters, digits, punctuation, symbols), not {count}"
        )
    return value


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"CloudWatch accepts {', '.join(map(str, LOG_RETENTION_DAYS))}")
    return value


#: Characters IAM accepts in tag keys and values (`[\p{L}\p{Z}\p{N}_.:/=+\-@]*`): tags land on
#: IAM roles, so CreateRole refuses any other (the IAM API reference, Tag data type).
_TAG_PUNCTUATION = frozenset("_.:/=+-@")
TAG_RULE = "letters, digits, spaces and _ . : / = + - @ (what IAM accepts)"
#: What EC2 accepts in a security group rule's description (the EC2 API reference, IpRange).
_RULE_DESCRIPTION = re.compile(r"[0-9A-Za-z_ .:/()#,@\[\]+=&;{}!$*-]*")


def _tag_text(value: str) -> str:
    bad = sorted({char for char in value if not (char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN")})
    if bad:
        raise ValueError(f"{''.join(bad)!r} not allowed in a tag; use {TAG_RULE}")
    return value


def _tag_key(value: str) -> str:
    """A tag key or value: not `aws:` in any case (reserved for AWS's own tags, keys and values alike:
    the ECS API reference, Tag data type), and only what IAM accepts."""
    if value.lower().startswith("aws:"):
        raise ValueError("the aws: prefix is reserved for AWS's own tags")
    return _tag_text(value)


def _rule_description(value: str) -> str:
    if not _RULE_DESCRIPTION.fullmatch(value):
        raise ValueError("use letters, digits, spaces and _ . : / ( ) # , @ [ ] + = & ; { } ! $ * - (what EC2 accepts)")
    return value


def _rule_id(value: str) -> str:
    if value not in RULES:
        raise ValueError(f"unknown rule; rules: {', '.join(RULES)}")
    return value


def _cidr(value: str) -> str:
    try:
        ipaddress.IPv4Network(value)
    except ValueError as err:
        raise ValueError(f"not an IPv4 CIDR block such as 10.0.0.0/16 ({err})") from None
    return value


Name = Annotated[str, AfterValidator(_name)]
EnvName = Annotated[str, AfterValidator(names.check_env_name)]
Region = Annotated[str, AfterValidator(arns.check_region)]
RepositoryArn = Annotated[str, AfterValidator(arns.check_repository_arn)]
SecretArn = Annotated[str, AfterValidator(arns.check_secret_arn)]
PolicyArn = Annotated[str, AfterValidator(arns.check_policy_arn)]
Cidr = Annotated[str, AfterValidator(_cidr)]
KmsKeyArn = Annotated[str, AfterValidator(arns.check_kms_key_arn)]
RuleId = Annotated[str, AfterValidator(_rule_id)]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=MIN_REASON, max_length=500),
    AfterValidator(_one_line),
    AfterValidator(_reason),
]
User = Annotated[str, AfterValidator(names.check_user)]
Retention = Annotated[int, AfterValidator(_retention)]
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(_tag_key)]
TagValue = Annotated[str, StringConstraints(max_length=256), AfterValidator(_tag_key)]
EnvValue = Annotated[str, StringConstraints(max_length=32768)]
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=40)]
Count = Annotated[int, Field(ge=0, le=1000)]
Weight = Annotated[int, Field(ge=0, le=1000)]
Arg = Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class ExecLoggingConfig(Strict):
    """Where ECS Exec sessions are logged and how they are encrypted (shared by every variant of the cluster)."""

    kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="customer managed KMS key (same region) encrypting exec sessions; the exec variants' task "
        "roles may kms:Decrypt with it; unset: TLS only",
    )
    log_retention_days: Retention = Field(365, description="retention of the exec audit log group, in days")
    log_kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="customer managed KMS key (same region) of the exec audit log group; its key policy must "
        "allow `logs.<region>.amazonaws.com`; set: sessions log only to an encrypted group",
    )


class ClusterConfig(Strict):
    """The one ECS cluster every variant runs in."""

    name: Name | None = Field(
        None,
        description="name of the one ECS cluster; every variant's AWS names (roles, task families, security "
        "groups, log groups, alarms, dashboards) derive from it; unset: `project` (with environments: "
        "`<project>-<environment>`), so two projects in one account do not collide",
    )
    container_insights: Literal["enabled", "enhanced"] = Field("enabled", description="CloudWatch Container Insights")
    exec_logging: ExecLoggingConfig = Field(
        ExecLoggingConfig(),
        description="ECS Exec audit logging, used once any variant sets `exec.enabled`: every session is logged "
        "to the log group `/ecs/<cluster>/exec` this stack creates",
    )


class EgressRule(Strict):
    """One outbound rule of each variant's security group."""

    port: Annotated[int, Field(ge=1, le=65535)] = Field(description="destination port")
    protocol: Literal["tcp", "udp"] = Field("tcp", description="IP protocol")
    cidr_blocks: Annotated[list[Cidr], Field(min_length=1), Distinct] = Field(
        ["0.0.0.0/0"], description="destination IPv4 CIDR blocks, e.g. 10.0.0.0/16"
    )
    description: Annotated[str, StringConstraints(max_length=255), AfterValidator(_rule_description)] = Field(
        "outbound", description="the rule's description: letters, digits, spaces and what EC2 accepts"
    )


class NetworkConfig(Strict):
    """Where tasks run: private subnets of an existing VPC (tasks never get a public IP)."""

    vpc_id: Annotated[str, StringConstraints(pattern=r"^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$")] = Field(
        description="VPC of the tasks' security groups (`vpc-...`)"
    )
    subnet_ids: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$")]],
        Field(min_length=1, max_length=16),
        Distinct,
    ] = Field(description="subnets the tasks run in (`subnet-...`; private: tasks never get a public IP)")
    egress: Annotated[list[EgressRule], Field(max_length=50), Distinct] = Field(
        [EgressRule(port=443, description="HTTPS: ECR, CloudWatch Logs, AWS APIs")],
        description="outbound rules of every variant's security group (a pipeline or variant may set its own "
        "`egress` instead)",
    )


class ContainerSettings(Layered):
    """Settings a pipeline sets for all its variants and a variant may override.

    Each field declares its type (with the AWS limits), its default and, in `Inherited`, what the default
    means and whether it merges key by key (`strict.Layered`).
    """

    repository_arn: Annotated[RepositoryArn | None, Inherited(unset="required")] = Field(
        None,
        description="ARN of the existing ECR repository the image is pulled from (nothing is created)",
    )
    image_tag: Annotated[ImageTag | None, Inherited(unset="image_tag or image_digest is required")] = Field(
        None,
        description="image tag; one of `image_tag` and `image_digest` is required",
    )
    image_digest: ImageDigest | None = Field(
        None,
        description="image digest `sha256:<64 hex>` (immutable); replaces `image_tag`",
    )
    entry_point: Annotated[
        Annotated[list[Arg], Field(max_length=64)] | None, Inherited(unset="the image's ENTRYPOINT")
    ] = Field(
        None,
        description="container entry point",
    )
    command: Annotated[Annotated[list[Arg], Field(max_length=256)] | None, Inherited(unset="the image's CMD")] = Field(
        None,
        description="container command (`[]` keeps the image's CMD)",
    )
    environment: Annotated[Annotated[dict[EnvName, EnvValue], Field(max_length=200)], Inherited(merge=True)] = Field(
        {},
        description="plain environment variables, NAME -> value (never credentials: see `secrets`)",
    )
    secrets: Annotated[Annotated[dict[EnvName, SecretArn], Field(max_length=100)], Inherited(merge=True)] = Field(
        {},
        description="NAME -> Secrets Manager secret ARN (optionally `:json-key:stage:version`) or SSM parameter ARN; "
        "a partial Secrets Manager ARN (without the `-` and 6 random characters AWS appends) is granted as "
        "`<arn>-??????`",
    )
    secrets_kms_key_arns: Annotated[
        Annotated[list[KmsKeyArn], Field(min_length=1, max_length=10), Distinct],
        Inherited(unset="secrets encrypted with AWS managed keys: no kms:Decrypt needed"),
    ] = Field(
        [],
        description="customer managed KMS keys the secrets (or SecureString parameters) are encrypted with: the "
        "execution role may `kms:Decrypt` with them only through Secrets Manager / SSM (`kms:ViaService`); needed "
        "for such secrets, else the task cannot start; refused when the variant has no secrets",
    )
    cpu: float = Field(
        1.0,
        description=f"task vCPU: {', '.join(f'{cpu:g}' for cpu in fargate.valid_cpus())}",
    )
    memory: float = Field(
        2.0,
        description="task memory in GiB; must fit `cpu` (Fargate task sizes below)",
    )
    architecture: Literal["x86_64", "arm64"] = Field(
        "x86_64",
        description="CPU architecture of the task (runtime platform)",
    )
    ephemeral_storage: Annotated[
        Annotated[int, Field(ge=fargate.EPHEMERAL_STORAGE_GIB[0], le=fargate.EPHEMERAL_STORAGE_GIB[1])] | None,
        Inherited(unset="Fargate's 20 GiB"),
    ] = Field(None, description="task ephemeral storage in GiB")
    user: Annotated[User | None, Inherited(unset="the image's USER")] = Field(
        None,
        description=f"user the container runs as; {USER_RULE}",
    )
    stop_timeout: Annotated[Annotated[int, Field(ge=2, le=120)] | None, Inherited(unset="ECS's 30 s")] = Field(
        None,
        description="seconds between SIGTERM and SIGKILL when a task stops",
    )
    desired_count: Count = Field(
        1,
        description="tasks the service keeps running (unused with `autoscaling`: the service starts at its `min`)",
    )
    fargate_weight: Weight = Field(
        1,
        description="capacity provider weight of FARGATE",
    )
    fargate_spot_weight: Weight = Field(
        0,
        description="capacity provider weight of FARGATE_SPOT",
    )
    fargate_base: Annotated[
        Count, Inherited(unset="no on-demand floor: the weights alone place every task, an explicit cost choice")
    ] = Field(
        0,
        description="tasks always placed on FARGATE (on-demand) before the weights share the rest: a floor that "
        "Spot interruptions cannot take; at most the variant's task count (`desired_count` or `autoscaling.max`)",
    )
    availability_zone_rebalancing: Annotated[
        Literal["ENABLED", "DISABLED"],
        Inherited(unset="AWS's default for new services; always written, so provider 5.x and 6.x plan alike"),
    ] = Field(
        "ENABLED",
        description="`ENABLED`: when a variant's tasks are uneven across Availability Zones (after a zone outage, "
        "Spot interruptions), ECS starts tasks in the zones with the fewest, then stops as many in the zones with the "
        "most (each stop a consumer-group rebalance); `DISABLED`: tasks stay where they were placed. Changing it "
        "updates the service in place (which restarts its tasks once: services set `force_new_deployment`)",
    )
    log_retention_days: Retention = Field(
        365,
        description=f"retention of the variant's log group, in days: {', '.join(map(str, LOG_RETENTION_DAYS))}",
    )
    log_kms_key_arn: Annotated[KmsKeyArn | None, Inherited(unset="CloudWatch Logs' own encryption")] = Field(
        None,
        description="customer managed KMS key (same region) of the variant's log group; its key policy must allow "
        "`logs.<region>.amazonaws.com`",
    )
    task_role_policy_arns: Annotated[list[PolicyArn], Field(max_length=10), Distinct] = Field(
        [],
        description="managed IAM policies attached to the task role (the container's own AWS access)",
    )
    egress: Annotated[
        Annotated[list[EgressRule], Field(max_length=50), Distinct] | None, Inherited(unset="network.egress")
    ] = Field(
        None,
        description="this pipeline's or variant's security group rules (as `network.egress`), replacing the "
        "network's whole",
    )
    tags: Annotated[Tags, Inherited(merge=True)] = Field(
        {},
        description="extra tags on this pipeline's or variant's resources",
    )
    autoscaling: Annotated[AutoscalingConfig | None, Inherited(unset="off: the service keeps desired_count tasks")] = (
        Field(
            None,
            description="Application Auto Scaling of the variant's service; a variant's block replaces its "
            "pipeline's whole",
        )
    )
    image_owner: Annotated[ImageOwner, Inherited(unset="the config pins the image")] = Field(
        "terraform",
        description="who rolls out new images: `terraform` (the config pins the image) or `ci` (CI registers revisions "
        "and Terraform leaves them alone)",
    )
    waivers: Annotated[
        Annotated[dict[RuleId, Reason], Field(max_length=len(RULES))],
        Inherited(unset="every policy rule applies", merge=True),
    ] = Field(
        {},
        description="rule id -> reason (10-500 characters, one line): security rules this pipeline or variant "
        "is exempt from (docs/security-checks.md)",
    )
    observability: Annotated[
        ObservabilityConfig | None, Inherited(unset="on, with the defaults of the `observability` table")
    ] = Field(
        None,
        description="dashboard and alarms (docs/observability.md); merges key by key over the top level's block",
    )
    health_check: Annotated[HealthCheck | None, Inherited(unset="none: ECS knows only whether the process runs")] = (
        Field(
            None,
            description="the main container's health check (docs/stream-consumers.md#container); without a load "
            "balancer a consumer's only liveness signal: an unhealthy essential container stops its task",
        )
    )
    restart_policy: Annotated[
        RestartPolicy | None, Inherited(unset="off: an exited essential container stops its task, which ECS replaces")
    ] = Field(
        None,
        description="restart the main container in place when it exits, instead of replacing the task (off by "
        "default: in-place restarts hide a crash loop from the running-tasks alarm and the circuit breaker)",
    )
    init_process_enabled: Annotated[
        bool, Inherited(unset="SIGTERM reaches the consumer, so it can commit before SIGKILL")
    ] = Field(
        True,
        description="run an init process as PID 1 in every container, which forwards SIGTERM to the process "
        "and reaps zombies (`linuxParameters.initProcessEnabled`)",
    )
    ulimits: Annotated[Ulimits, Inherited(unset="Fargate's (nofile 65535/65535)", merge=True)] = Field(
        {},
        description="the main container's resource limits, name -> `{soft, hard}` (e.g. `nofile` for many "
        "partitions); merges by name",
    )
    depends_on: Annotated[DependsOn, Inherited(unset="the main container starts at once")] = Field(
        {},
        description="sidecar name -> condition (START, COMPLETE, SUCCESS, HEALTHY) the main container waits for "
        "before it starts",
    )
    sidecars: Annotated[
        Annotated[dict[Name, SidecarConfig], Field(max_length=9)],
        Inherited(unset="the main container only", merge=True),
    ] = Field(
        {},
        description="containers beside the main one in each task, by name (e.g. otel-collector); merge by name: "
        "a variant's sidecar replaces its pipeline's of the same name whole",
    )
    deployment: Annotated[DeploymentConfig | None, Inherited(unset="the defaults of the `deployment` table")] = Field(
        None,
        description="how the service deploys: healthy percents, alarms that roll a deployment back, waiting for "
        "steady state (docs/stream-consumers.md); a variant's keys merge over its pipeline's",
    )
    exec: Annotated[ExecConfig | None, Inherited(unset="ECS Exec off")] = Field(
        None,
        description="ECS Exec into the running containers (off unless `enabled: true`); a variant's block "
        "replaces its pipeline's whole",
    )
    input: Annotated[InputConfig | None, Inherited(unset="none: the stack creates no input and grants none")] = Field(
        None,
        description="where the variants read, each its own complete copy of the stream (docs/data-isolation.md): "
        "the stack creates, grants and names it (`FEATURE_INPUT_QUEUE_URL`, `FEATURE_INPUT_CONSUMER_ARN`); a "
        "variant's block replaces its pipeline's whole",
    )
    output: Annotated[OutputConfig | None, Inherited(unset="none: the stack grants no output")] = Field(
        None,
        description="where the variants write, each its own namespace (docs/data-isolation.md): the task role may "
        "write only there, named in `FEATURE_OUTPUT_URI`; a variant's block replaces its pipeline's whole",
    )


class VariantConfig(ContainerSettings):
    """One variant (e.g. control, treatment): its own ECS service and task definition."""


ExperimentText = Annotated[TagValue, StringConstraints(min_length=1, max_length=128)]
StartDate = Annotated[datetime.date, BeforeValidator(experiment.parse_start), AfterValidator(experiment.check_started)]


class ExperimentConfig(Strict):
    """What a pipeline's variants are testing (modules.config.experiment): tags on every variant resource
    (`experiment`, `experiment-owner`, `experiment-start`), the dashboard's header, `cost` to date."""

    id: ExperimentText = Field(
        description="the experiment's name, e.g. bigger-batch-2026-12; the `experiment` tag (tag value rules)"
    )
    hypothesis: Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_one_line)] = Field(
        description="what the treatment should change, one line; shown in the dashboard's header (not a tag)"
    )
    owner: ExperimentText = Field(
        description="who decides its outcome (a team or an email address); the `experiment-owner` tag"
    )
    start: StartDate = Field(
        description="the day it started, YYYY-MM-DD, not in the future; the `experiment-start` tag and where "
        "`cost` counts from (00:00 UTC)"
    )

    @property
    def tags(self) -> dict[str, str]:
        """The tags every resource of the pipeline's variants carries (`experiment.TAG_KEYS`)."""
        return experiment.experiment_tags(self.id, self.owner, self.start)


class PipelineConfig(ContainerSettings):
    """One streaming pipeline and its variants, keyed by variant name."""

    variants: Annotated[dict[Name, VariantConfig], Field(min_length=1)] = Field(
        description="the pipeline's variants by name (at least one), each its own ECS service"
    )
    experiment: ExperimentConfig | None = Field(
        None,
        description="the experiment its variants run (id, hypothesis, owner, start); unset: none, no experiment tags",
    )


class Config(Strict):
    """The whole pipelines.yaml."""

    region: Region = Field(description="AWS region of the stack, e.g. ap-northeast-1")
    project: Name = Field(
        "feature-pipelines",
        description="the stack's name (`cdktf.out/stacks/<project>`) when there are no environments; the "
        "cluster's name, and so the prefix of every AWS name, unless `cluster.name` is set; `{project}` in backend "
        "templates",
    )
    cluster: ClusterConfig = Field(ClusterConfig(), description="the one ECS cluster")
    network: NetworkConfig = Field(description="where the tasks run")
    tags: Tags = Field({}, description="tags on every resource (the provider's `default_tags`, with `managed-by`)")
    observability: ObservabilityConfig = Field(
        ObservabilityConfig(),
        description="dashboard per pipeline and alarms per variant (docs/observability.md); pipelines and "
        "variants override it key by key",
    )
    pipelines: Annotated[dict[Name, PipelineConfig], Field(min_length=1)] = Field(
        description="the pipelines by name (at least one)"
    )
    backend: BackendConfig = Field(
        BackendConfig(), description="where each stack keeps its Terraform state (modules.config.backend)"
    )
    assume_role_arn: RoleArn | None = Field(
        None, description="IAM role the AWS provider assumes (`assume_role`); unset: the caller's own credentials"
    )
    environments: dict[Name, dict[str, Any] | None] | None = Field(
        None,
        description="one stack per environment: name -> overrides deep-merged onto the rest of the config, and "
        "`omit` (see Environments); unset: one stack named after `project` (modules.config.environments)",
    )
    pricing: PricingConfig = Field(PricingConfig(), description="how `cost` and the synth summary price the config")
    terraform: TerraformConfig = Field(
        TerraformConfig(),
        description="Terraform and AWS provider versions every stack requires (modules.config.terraform)",
    )
    stacks: Literal["single", "per_pipeline"] = Field(
        "single",
        description="the Terraform stacks of an environment (docs/split-state.md); `single`: one stack, one state; "
        "`per_pipeline`: a shared stack (the cluster, named like the single one, keeping its state) and one stack "
        "per pipeline, `<stack>-<pipeline>`, each with its own state",
    )
    adopt: AdoptConfig = Field(
        AdoptConfig(),
        description="running resources (AWS CDK, console, other Terraform) the stack imports instead of creating, "
        "never replacing them (docs/adopting.md; modules.config.adopt)",
    )

    @property
    def cluster_name(self) -> str:
        """The cluster's name: `cluster.name`, else `project`."""
        return self.cluster.name or self.project


#: The settings a variant inherits from its pipeline.
INHERITED = tuple(ContainerSettings.model_fields)
#: The maps among them that merge key by key.
MERGED = tuple(key for key, field in ContainerSettings.model_fields.items() if inherited(field).merge)
#: Every setting as a variant has it when neither it nor its pipeline sets it.
DEFAULT_SETTINGS = ContainerSettings()
