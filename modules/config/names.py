"""Names: what config keys may be, and AWS names that always fit their limits."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$")
NAME_RULE = "lowercase letters, digits and '-', starting with a letter, not ending with '-'"
NAME_MAX = 64
ENV_VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_VAR_RULE = "letters, digits and '_', not starting with a digit"

#: AWS name limits used by the constructs.
LIMITS = {
    "ecs_cluster": 255,
    "ecs_service": 255,
    "task_family": 255,
    "iam_role": 64,
    "security_group": 255,
    "log_group": 512,
}
_HASH_LEN = 8


def check_name(name: str) -> str:
    """Return `name` if it is a valid pipeline/variant/cluster name; ValueError otherwise."""
    if len(name) > NAME_MAX:
        raise ValueError(f"name is {len(name)} characters; at most {NAME_MAX}")
    if not NAME.match(name):
        raise ValueError(f"invalid name; use {NAME_RULE}")
    return name


def fit(name: str, limit: int) -> str:
    """`name` itself when it fits `limit`, else a stable shortening ending in a hash of it.

    The same input gives the same output on every run, and two different long names get
    different results (the suffix is a SHA-256 prefix of the full name).
    """
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_LEN]
    return f"{name[: limit - _HASH_LEN - 1].rstrip('-_/')}-{digest}"


@dataclass(frozen=True)
class VariantNames:
    """The AWS names of one variant's resources, each within its AWS limit.

    Pipeline and variant names cannot contain '_', so joining with '_' never makes two
    variants collide; the cluster name prefixes the account-wide names (IAM roles, task
    families, security groups) so two clusters in one account do not collide either.
    """

    service: str
    family: str
    execution_role: str
    task_role: str
    security_group: str
    log_group: str
    container: str

    @classmethod
    def of(cls, cluster: str, pipeline: str, variant: str) -> VariantNames:
        scoped = f"{cluster}_{pipeline}_{variant}"
        return cls(
            service=fit(f"{pipeline}_{variant}", LIMITS["ecs_service"]),
            family=fit(scoped, LIMITS["task_family"]),
            execution_role=fit(f"{scoped}_exec", LIMITS["iam_role"]),
            task_role=fit(f"{scoped}_task", LIMITS["iam_role"]),
            security_group=fit(scoped, LIMITS["security_group"]),
            log_group=fit(f"/ecs/{cluster}/{pipeline}/{variant}", LIMITS["log_group"]),
            container=pipeline,
        )
