"""The pipelines.yaml schema: typed, validated pydantic models (no cdktf import).

Every key is documented where it is declared; `README.md` has the same reference.
Values a variant leaves unset (`None`) are inherited from its pipeline, then from the
defaults in `modules.config.resolve`.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ..policy.catalog import RULES
from . import arns, fargate, names
from .autoscaling import AutoscalingConfig, ImageOwner
from .backend import BackendConfig, RoleArn
from .pricing import PricingConfig
from .terraform import TerraformConfig

#: A container user: `uid` or `name`, optionally `:gid` or `:group`. A uid is decimal digits without
#: sign or leading zero; a name follows the Linux (shadow-utils) rule: lower case, digits, `_` and `-`,
#: not starting with a digit or `-`, at most 32 characters.
_UID_OR_NAME = r"(?:0|[1-9][0-9]{0,9}|[a-z_][a-z0-9_-]{0,31})"
USER = re.compile(rf"{_UID_OR_NAME}(?::{_UID_OR_NAME})?")
MAX_ID = 4294967294  # 2**32 - 2: (uid_t) -1 means "no id"
USER_RULE = (
    "use uid[:gid] or name[:group]: an id is decimal digits without sign or leading zero (at most "
    f"{MAX_ID}), a name is a Linux user or group name ([a-z_][a-z0-9_-]*, at most 32 characters)"
)

# Values CloudWatch Logs accepts for retention_in_days.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def _name(value: str) -> str:
    return names.check_name(value)


def _env_name(value: str) -> str:
    if not names.ENV_VAR.match(value):
        raise ValueError(f"invalid variable name; use {names.ENV_VAR_RULE}")
    return value


def _repository(value: str) -> str:
    arns.parse_repository_arn(value)
    return value


def _secret(value: str) -> str:
    arns.secret_resource_arn(value)
    return value


def _user(value: str) -> str:
    if not USER.fullmatch(value) or any(part.isdigit() and int(part) > MAX_ID for part in value.split(":")):
        raise ValueError(USER_RULE)
    return value


def _one_line(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must be one line of printable characters (no newline, tab or control character)")
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
_RULE_DESCRIPTION = re.compile(r"^[0-9A-Za-z_ .:/()#,@\[\]+=&;{}!$*-]*$")


def _tag_text(value: str) -> str:
    bad = sorted({char for char in value if not (char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN")})
    if bad:
        raise ValueError(f"{''.join(bad)!r} not allowed in a tag; use {TAG_RULE}")
    return value


def _tag_key(value: str) -> str:
    if value.lower().startswith("aws:"):
        raise ValueError("the aws: prefix is reserved for AWS's own tags")
    return _tag_text(value)


def _rule_description(value: str) -> str:
    if not _RULE_DESCRIPTION.match(value):
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
EnvName = Annotated[str, AfterValidator(_env_name)]
Region = Annotated[str, AfterValidator(arns.check_region)]
RepositoryArn = Annotated[str, AfterValidator(_repository)]
SecretArn = Annotated[str, AfterValidator(_secret)]
PolicyArn = Annotated[str, AfterValidator(arns.check_policy_arn)]
Cidr = Annotated[str, AfterValidator(_cidr)]
KmsKeyArn = Annotated[str, AfterValidator(arns.check_kms_key_arn)]
RuleId = Annotated[str, AfterValidator(_rule_id)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=10, max_length=500), AfterValidator(_one_line)
]
User = Annotated[str, AfterValidator(_user)]
Retention = Annotated[int, AfterValidator(_retention)]
TagKey = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(_tag_key)]
TagValue = Annotated[str, StringConstraints(max_length=256), AfterValidator(_tag_text)]
EnvValue = Annotated[str, StringConstraints(max_length=32768)]
ImageTag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
ImageDigest = Annotated[str, StringConstraints(pattern=r"^sha256:[a-f0-9]{64}$")]
Tags = Annotated[dict[TagKey, TagValue], Field(max_length=40)]
Count = Annotated[int, Field(ge=0, le=1000)]
Weight = Annotated[int, Field(ge=0, le=1000)]
Arg = Annotated[str, StringConstraints(min_length=1, max_length=8192)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ClusterConfig(_Strict):
    """The one ECS cluster every variant runs in."""

    name: Name = "streaming-feature-pipelines"
    container_insights: Literal["enabled", "enhanced"] = "enabled"


class EgressRule(_Strict):
    """One outbound rule of each variant's security group."""

    port: Annotated[int, Field(ge=1, le=65535)]
    protocol: Literal["tcp", "udp"] = "tcp"
    cidr_blocks: Annotated[list[Cidr], Field(min_length=1)] = ["0.0.0.0/0"]
    description: Annotated[str, StringConstraints(max_length=255), AfterValidator(_rule_description)] = "outbound"


class NetworkConfig(_Strict):
    """Where tasks run: private subnets of an existing VPC (tasks never get a public IP)."""

    vpc_id: Annotated[str, StringConstraints(pattern=r"^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$")]
    subnet_ids: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$")]],
        Field(min_length=1, max_length=16),
    ]
    egress: Annotated[list[EgressRule], Field(max_length=50)] = [
        EgressRule(port=443, description="HTTPS: ECR, CloudWatch Logs, AWS APIs")
    ]


class ContainerSettings(_Strict):
    """Settings a pipeline sets for all its variants and a variant may override.

    `None` means "not set here": a variant inherits its pipeline's value, a pipeline the
    documented default. `environment`, `secrets`, `tags` and `waivers` merge key by key
    (`MERGED`); every other setting is replaced whole.
    """

    repository_arn: RepositoryArn | None = None
    image_tag: ImageTag | None = None
    image_digest: ImageDigest | None = None
    entry_point: Annotated[list[Arg], Field(max_length=64)] | None = None
    command: Annotated[list[Arg], Field(max_length=256)] | None = None
    environment: Annotated[dict[EnvName, EnvValue], Field(max_length=200)] | None = None
    secrets: Annotated[dict[EnvName, SecretArn], Field(max_length=100)] | None = None
    secrets_kms_key_arns: Annotated[list[KmsKeyArn], Field(min_length=1, max_length=10)] | None = None
    cpu: float | None = None
    memory: float | None = None
    architecture: Literal["x86_64", "arm64"] | None = None
    ephemeral_storage: (
        Annotated[int, Field(ge=fargate.EPHEMERAL_STORAGE_GIB[0], le=fargate.EPHEMERAL_STORAGE_GIB[1])] | None
    ) = None
    user: User | None = None
    stop_timeout: Annotated[int, Field(ge=2, le=120)] | None = None
    desired_count: Count | None = None
    fargate_weight: Weight | None = None
    fargate_spot_weight: Weight | None = None
    log_retention_days: Retention | None = None
    log_kms_key_arn: KmsKeyArn | None = None
    task_role_policy_arns: Annotated[list[PolicyArn], Field(max_length=10)] | None = None
    egress: Annotated[list[EgressRule], Field(max_length=50)] | None = None
    tags: Tags | None = None
    autoscaling: AutoscalingConfig | None = None
    image_owner: ImageOwner | None = None
    waivers: Annotated[dict[RuleId, Reason], Field(max_length=len(RULES))] | None = None


class VariantConfig(ContainerSettings):
    """One variant (e.g. control, treatment): its own ECS service and task definition."""


class PipelineConfig(ContainerSettings):
    """One streaming pipeline and its variants, keyed by variant name."""

    variants: Annotated[dict[Name, VariantConfig], Field(min_length=1)]


class Config(_Strict):
    """The whole pipelines.yaml."""

    region: Region
    project: Name = "feature-pipelines"
    cluster: ClusterConfig = ClusterConfig()
    network: NetworkConfig
    tags: Tags = {}
    pipelines: Annotated[dict[Name, PipelineConfig], Field(min_length=1)]
    # Where each stack keeps its state (modules.config.backend).
    backend: BackendConfig = BackendConfig()
    # Role the AWS provider assumes; None: the caller's own credentials.
    assume_role_arn: RoleArn | None = None
    # One stack per environment: overrides deep-merged onto the rest (modules.config.environments).
    environments: dict[Name, dict[str, Any] | None] | None = None
    pricing: PricingConfig = PricingConfig()
    # Terraform and AWS provider versions the stacks require (modules.config.terraform).
    terraform: TerraformConfig = TerraformConfig()


INHERITED = tuple(ContainerSettings.model_fields)
MERGED = ("environment", "secrets", "tags", "waivers")
