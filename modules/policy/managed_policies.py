"""Managed policies no task role should hold, judged by what their documents grant.

AWS managed policies are judged by their documents (`judge`, pure), not by their names: an Allow
statement whose Resource covers every resource of a service (`broad_resource`: `"*"`, or an ARN
whose resource part is made of `*` and the literal words of the service's ARN formats, such as
`arn:aws:s3:::*`, `arn:aws:logs:*:*:*` or `arn:aws:iam::*:role/*`), or that uses NotAction or
NotResource, refuses the policy when it grants

1. every action (`*`), or every action but some (NotAction);
2. every action of a service (`s3:*`);
3. an action that changes resources (access level Write, Permissions management or Tagging in
   the Service Authorization Reference) and could have been scoped to one (it has a resource
   type), except the telemetry writes every container makes (`TELEMETRY`);
4. a read of secrets or of all stored data (`SECRET_READS`).

Conditions are not evaluated: a statement narrowed by a condition still counts.

Judging needs each policy's current document and the access level of each action: both come
from maintained data sets, so the verdicts are computed by `refresh_managed_policies` and kept
in `aws_managed_policies.json` with their sources and dates. A policy newer than that snapshot
is judged by its name (`NAME_PATTERNS`) until the next refresh. A customer managed policy's
document is unknown at synth: it is not judged, except that one named like an AWS managed policy
this rule refuses is refused too (a copy grants the same; a scoped one misleads its reviewers).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

#: Writes every container makes to telemetry services: logs, metrics, traces. Granted on every
#: resource by the policies the ECS agent and observability sidecars use (AmazonECSTaskExecutionRolePolicy,
#: CloudWatchAgentServerPolicy, AmazonPrometheusRemoteWriteAccess), so not counted as changing resources.
TELEMETRY = frozenset(
    {
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:PutRetentionPolicy",
        "cloudwatch:PutMetricData",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "aps:RemoteWrite",
    }
)
#: Reads that hand over secrets (Secrets Manager, SSM parameters, whatever a KMS key encrypted) or
#: every stored object (S3, Terraform state included).
SECRET_READS = frozenset(
    {
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "ssm:GetParameterHistory",
        "kms:Decrypt",
        "s3:GetObject",
        "s3:GetObjectVersion",
    }
)
#: Access levels of actions that change resources.
CHANGING = ("Write", "Permissions management", "Tagging")
#: Families judged by name while a policy is missing from the snapshot -> reason.
NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"admin", re.IGNORECASE), "is named like an administrator's policy"),
    (re.compile(r"poweruser", re.IGNORECASE), "is named like a power user's policy"),
    (re.compile(r"fullaccess", re.IGNORECASE), "is named like full access to a service"),
)
SNAPSHOT = "aws_managed_policies.json"

_POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::(?P<account>aws|[0-9]{12}):policy/(?P<path_name>.+)", re.IGNORECASE)
_MAX_LISTED = 3


@dataclass(frozen=True)
class Action:
    """One IAM action as the Service Authorization Reference describes it."""

    name: str  # service:Action
    access_level: str
    scoped: bool  # it has a resource type, so a statement could name the resources it acts on


#: lower-case service prefix -> its actions.
Catalog = Mapping[str, tuple[Action, ...]]
#: service -> the literal segments of its ARN formats' resource parts (`role`, `log-group`, `log-stream`).
ResourceTypes = Mapping[str, frozenset[str]]


def broad_resource(resource: str, types: ResourceTypes) -> bool:
    """True when `resource` covers every resource of its service, or of one of its types: `*`,
    `arn:aws:s3:::*`, `arn:aws:logs:*:*:*`, `arn:aws:iam::*:role/*`, `...:log-group:*:log-stream:*`.
    Not `arn:aws:s3:::bucket/*`, `arn:aws:s3:::*sagemaker*` nor `...:parameter/app-*`: each segment of
    the resource part is `*` or a literal of the service's ARN formats (`role`, `log-group`)."""
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False
    literals = types.get(parts[2], frozenset())
    segments = re.split(r"[/:]", parts[5])
    return "*" in segments and all(segment == "*" or segment in literals for segment in segments)


def expand(pattern: str, catalog: Catalog) -> list[Action]:
    """The actions an IAM action pattern (`s3:Get*`, `kms:?ecrypt`) matches, case-insensitively."""
    regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.IGNORECASE)
    return [action for action in catalog.get(pattern.split(":", 1)[0].lower(), ()) if regex.fullmatch(action.name)]


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def grants(document: Mapping[str, Any], catalog: Catalog, types: ResourceTypes) -> list[str]:
    """What `document` grants on every resource of a service, as the finding shows it, most dangerous first:
    every action, every action of a service, permission changes, secret reads, other changes."""
    found: dict[str, int] = {}
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            found.setdefault("every action but those it lists (NotAction)", 0)
            continue
        resources = ["*"] if "NotResource" in statement else _listed(statement.get("Resource"))
        if not any(broad_resource(resource, types) for resource in resources):
            continue
        for pattern in _listed(statement.get("Action")):
            if pattern == "*":
                found.setdefault("every action", 0)
            elif pattern.endswith(":*"):
                found.setdefault(f"every {pattern[:-2].lower()} action", 1)
            for action in expand(pattern, catalog) if pattern != "*" and not pattern.endswith(":*") else []:
                if action.scoped and "Permissions management" in action.access_level:
                    found.setdefault(action.name, 2)
                elif action.name in SECRET_READS:
                    found.setdefault(action.name, 3)
                elif action.scoped and action.name not in TELEMETRY and action.access_level.startswith(CHANGING):
                    found.setdefault(action.name, 4)
    return sorted(found, key=lambda item: found[item])


def judge(document: Mapping[str, Any], catalog: Catalog, types: ResourceTypes) -> str | None:
    """Why a policy with `document` is too broad for a task role, or None."""
    found = grants(document, catalog, types)
    if not found:
        return None
    if found[0] == "every action":
        return "grants every action on every resource of the account"
    more = f" and {len(found) - _MAX_LISTED} more" if len(found) > _MAX_LISTED else ""
    return f"grants {', '.join(found[:_MAX_LISTED])}{more} on every resource"


@dataclass(frozen=True)
class Snapshot:
    """Verdicts on every AWS managed policy of the data sets' date: lower-case name -> reason or None."""

    sources: Mapping[str, str]
    verdicts: Mapping[str, str | None]

    def verdict(self, path_name: str) -> tuple[bool, str | None]:
        """(whether the snapshot knows the policy, why it is refused or None); names are unique and case-blind."""
        name = path_name.rsplit("/", 1)[-1].lower()
        return name in self.verdicts, self.verdicts.get(name)


@functools.cache
def snapshot() -> Snapshot:
    """The snapshot kept beside this module (`refresh_managed_policies` writes it)."""
    data = json.loads(resources.files(__package__).joinpath(SNAPSHOT).read_text(encoding="utf-8"))
    verdicts = {name.rsplit("/", 1)[-1].lower(): reason for name, reason in data["policies"].items()}
    return Snapshot(sources=data["sources"], verdicts=verdicts)


def denied(arn: str) -> str | None:
    """Why the managed policy `arn` is too broad for a task role, or None (also for ARNs of other kinds)."""
    match = _POLICY_ARN.fullmatch(arn)
    if not match:
        return None
    judged, reason = snapshot().verdict(match["path_name"])
    if match["account"].lower() != "aws":
        if reason is None:
            return None  # the account's own policy: its document is unknown at synth
        name = match["path_name"].rsplit("/", 1)[-1]
        return (
            f"is a customer managed policy named like the AWS managed {name}, which {reason}: its document is "
            "not judged at synth, and the name tells reviewers it is that policy; rename it after what it grants"
        )
    if judged:
        return reason
    return next(
        (f"{why} (not in the snapshot of AWS managed policies: judged by its name)" for pattern, why in NAME_PATTERNS
         if pattern.search(match["path_name"])),
        None,
    )  # fmt: skip


def catalog_of(actions: Iterable[Action]) -> dict[str, tuple[Action, ...]]:
    """The catalog of `actions`, by service, for `expand`."""
    by_service: dict[str, list[Action]] = {}
    for action in actions:
        by_service.setdefault(action.name.split(":", 1)[0].lower(), []).append(action)
    return {service: tuple(listed) for service, listed in by_service.items()}
