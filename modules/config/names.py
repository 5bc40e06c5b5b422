"""Names: what config keys may be, and AWS names that always fit their limits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

NAME = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
NAME_RULE = "lowercase letters, digits and '-', starting with a letter, not ending with '-'"
NAME_MAX = 64
ENV_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ENV_VAR_RULE = "letters, digits and '_', not starting with a digit"
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


#: Every AWS name limit the generator fits names to (`fit`), in characters, by what is named (each
#: service's API reference: CreateService, RegisterTaskDefinition, CreateRole, CreateSecurityGroup,
#: CreateLogGroup, PutMetricAlarm, PutDashboard, PutRule, PutScalingPolicy, PutScheduledAction, CreateQueue).
LIMITS = {
    "ecs_cluster": 255,
    "ecs_service": 255,
    "task_family": 255,
    "iam_role": 64,
    "security_group": 255,
    "log_group": 512,
    "alarm": 255,
    "dashboard": 255,
    "event_rule": 64,
    "scaling_policy": 256,
    "scheduled_action": 256,
    "sqs_queue": 80,
    "kinesis_consumer": 128,
}
_HASH_LEN = 8
#: Region name parts -> their letter in the usual short region codes (ap-northeast-1 -> apne1).
_DIRECTIONS = {
    "north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


def check_name(name: str) -> str:
    """Return `name` if it is a valid pipeline/variant/cluster name; ValueError otherwise."""
    if len(name) > NAME_MAX:
        raise ValueError(f"name is {len(name)} characters; at most {NAME_MAX}")
    if not NAME.fullmatch(name):
        raise ValueError(f"invalid name; use {NAME_RULE}")
    return name


def check_env_name(value: str) -> str:
    """Return `value` if it is a valid environment variable name; ValueError otherwise."""
    if not ENV_VAR.fullmatch(value):
        raise ValueError(f"invalid variable name; use {ENV_VAR_RULE}")
    return value


def check_one_line(value: str) -> str:
    """Return `value` if it is one line of printable characters (no line break, tab or control character)."""
    if not value.isprintable():
        raise ValueError("must be one line of printable characters (no line break, tab or control character)")
    return value


def check_user(value: str) -> str:
    """Return `value` if it is a valid container user (`USER_RULE`); ValueError otherwise."""
    if not USER.fullmatch(value) or any(part.isdigit() and int(part) > MAX_ID for part in value.split(":")):
        raise ValueError(USER_RULE)
    return value


def owned_by(name: str, stem: str) -> bool:
    """Whether Terraform name `name` is one of the variant `stem`'s (`stem` or `stem_<suffix>`).

    Unambiguous because pipeline and variant names cannot contain '_'.
    """
    return name == stem or name.startswith(f"{stem}_")


def variant_stem(name: str) -> str:
    """The variant stem a Terraform name would belong to: its first two `_`-separated parts.

    For a variant stem `<pipeline>_<variant>`, `variant_stem(name) == stem` exactly when
    `owned_by(name, stem)` (pipeline and variant names cannot contain '_').
    """
    return "_".join(name.split("_", 2)[:2])


def fit(name: str, limit: int) -> str:
    """`name` itself when it fits `limit`, else a stable shortening ending in a hash of it.

    The same input gives the same output on every run, and two different long names get
    different results (the suffix is a SHA-256 prefix of the full name).
    """
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_LEN]
    return f"{name[: limit - _HASH_LEN - 1].rstrip('-_/')}-{digest}"


def alarm_name(cluster: str, stem: str, suffix: str) -> str:
    """The AWS name of a variant's own alarm (`stem` is `<pipeline>_<variant>`), unique per region."""
    return fit(f"{cluster}_{stem}_{suffix}", LIMITS["alarm"])


def region_code(region: str) -> str:
    """The short code of an AWS region: ap-northeast-1 -> apne1, us-gov-west-1 -> usgovw1."""
    first, *middle, number = region.split("-")
    return "".join([first, *(_DIRECTIONS.get(part, part) for part in middle), number])


@dataclass(frozen=True)
class VariantNames:
    """The AWS names of one variant's resources, each within its AWS limit.

    Pipeline and variant names cannot contain '_', so joining with '_' never makes two
    variants collide; the cluster name prefixes the names unique per account and region
    (task families, security groups) so two clusters do not collide either. IAM role names
    are unique per account across all regions, so they also carry the region's short code
    (`region_code`): the same config deployed to a second region gets its own roles.
    """

    service: str
    family: str
    execution_role: str
    task_role: str
    security_group: str
    log_group: str
    container: str

    @classmethod
    def of(cls, cluster: str, pipeline: str, variant: str, region: str) -> VariantNames:
        scoped = f"{cluster}_{pipeline}_{variant}"
        regional = f"{scoped}_{region_code(region)}"
        return cls(
            service=fit(f"{pipeline}_{variant}", LIMITS["ecs_service"]),
            family=fit(scoped, LIMITS["task_family"]),
            execution_role=fit(f"{regional}_exec", LIMITS["iam_role"]),
            task_role=fit(f"{regional}_task", LIMITS["iam_role"]),
            security_group=fit(scoped, LIMITS["security_group"]),
            log_group=fit(f"/ecs/{cluster}/{pipeline}/{variant}", LIMITS["log_group"]),
            container=pipeline,
        )
