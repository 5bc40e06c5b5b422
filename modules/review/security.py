"""Grants in one stack's changes (pure): widened ones, for the `security` danger kind, and what
something new grants, for the review's new access section.

Each finding is (address, detail): a managed policy attached to a role, egress widened, the
container user changed, a container added to a task definition, an image from another registry
or repository, an IAM policy statement added or widened, a policy waiver added or removed, and a
Terraform expression (not a plain reference) in a changed value. Grants of what is new (a new role's
trust, a new security group's egress, a new policy or attachment on a role that is created or
adopted) are new access: no danger by itself, shown for the reviewer. Before and after are each
change's own (a plan's: what AWS has, and what Terraform will set).
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ..lib.iam_patterns import listed
from .changes import CREATE, DELETE, REPLACE, UPDATE, ResourceChange
from .diff import ABSENT, AFTER_APPLY, decoded, references
from .outputs import Stack
from .template import Evaluated, evaluated, literal, shown

Finding = tuple[str, str]
"""(address, detail)."""

_CHANGED = (UPDATE, REPLACE)
_ANY = ("-1", "all")


def _quoted(value: Any) -> str:
    if value is ABSENT:
        return "unset (the image's USER, often root)"
    text = json.dumps(str(value))
    return text if len(text) <= 80 else text[:76] + '..."'


def is_root(user: str) -> bool:
    """uid 0 in any form the runtime accepts: `root`, `0`, `00`, `-0`, `0:0`, `root:1000`."""
    uid = user.split(":", 1)[0].strip()
    return uid.lower() == "root" or (re.fullmatch(r"[+-]?[0-9]+", uid) is not None and int(uid) == 0)


def _containers(change: ResourceChange) -> list[Finding]:
    """The user and image of a task definition's containers, and containers added to it."""
    if change.type != "aws_ecs_task_definition" or change.action not in _CHANGED:
        return []
    found = []
    for attribute in change.attributes:
        old, new = attribute.old, attribute.new
        if attribute.schema_path == "container_definitions.user":
            root = (
                " (to root: uid 0)" if isinstance(new, str) and not isinstance(new, Evaluated) and is_root(new) else ""
            )
            found.append((change.address, f"{attribute.path} changes from {_quoted(old)} to {_quoted(new)}{root}"))
        elif attribute.schema_path == "container_definitions.image" and isinstance(old, str) and isinstance(new, str):
            (old_registry, old_repo), (new_registry, new_repo) = image_source(old), image_source(new)
            if old_registry != new_registry:
                found.append(
                    (change.address, f"{attribute.path}: from another registry ({old_registry} -> {new_registry})")
                )
            elif old_repo != new_repo:
                found.append((change.address, f"{attribute.path}: from another repository ({old_repo} -> {new_repo})"))
        elif attribute.schema_path == "container_definitions" and old is ABSENT and isinstance(new, dict):
            found.append(
                (
                    change.address,
                    f"{attribute.path}: a container is added (image {_quoted(new.get('image'))}, "
                    f"user {_quoted(new.get('user', ABSENT))}): it runs with the task role",
                )
            )
    return found


def image_source(image: str) -> tuple[str, str]:
    """(registry, repository) of an image reference: `docker.io` when it names no registry."""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    if ":" in name[slash + 1 :]:
        name = name[: name.rfind(":")]
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return "docker.io", name


@dataclass(frozen=True)
class _Context:
    """What the grant checks read besides a change: every change of the stack by address, and the
    two outputs (for references, which a plan's values no longer hold)."""

    changes: dict[str, ResourceChange]
    base: Stack | None
    head: Stack | None
    planned: bool

    def body(self, address: str) -> dict[str, Any]:
        """The head's synthesized body of `address` (references as written)."""
        return self.head.resources.get(address, {}) if self.head else {}

    def role(self, address: str) -> str | None:
        """The role a policy or an attachment names (a reference in the head's body), if any."""
        roles = [ref.address for ref in references(self.body(address)) if ref.path == "role"]
        return roles[0] if roles else None

    def new(self, address: str | None) -> bool:
        """Whether `address` does not run yet as Terraform manages it: created by these changes,
        adopted by them (a plan's import: its own grants are AWS's, not in the plan), or (no plan)
        not in the base output."""
        if address is None:
            return False
        change = self.changes.get(address)
        if change is not None and (change.action == CREATE or change.importing is not None):
            return True
        return not self.planned and (self.base is None or address not in self.base.resources)


Graded = tuple[str, str, bool]
"""(address, detail, new): `new` is access something new gets (no danger by itself)."""


def _attachments(change: ResourceChange, context: _Context) -> list[Graded]:
    if change.type != "aws_iam_role_policy_attachment" or change.action not in (CREATE, REPLACE):
        return []
    body = context.body(change.address)
    arn = (change.after or {}).get("policy_arn", AFTER_APPLY)
    arn = body.get("policy_arn") if arn == AFTER_APPLY else arn
    role = context.role(change.address) or str((change.after or body).get("role"))
    detail = f"managed policy {_quoted(shown(arn))} attached to {role}: its tasks gain its permissions"
    return [(change.address, detail, context.new(role))]


def _destinations(rule: dict[str, Any]) -> list[str]:
    keys = ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups")
    return [str(d) for key in keys for d in rule.get(key) or []] + (["self"] if rule.get("self") else [])


def _within(destination: str, allowed: str) -> bool:
    if destination == allowed:
        return True
    try:
        inner, outer = ipaddress.ip_network(destination, strict=False), ipaddress.ip_network(allowed, strict=False)
    except ValueError:
        return False
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def _covers(base: dict[str, Any], rule: dict[str, Any], destination: str) -> bool:
    protocol, wanted = str(base.get("protocol", "")).lower(), str(rule.get("protocol", "")).lower()
    if protocol not in _ANY:
        if protocol != wanted:
            return False
        low, high = base.get("from_port"), base.get("to_port")
        if not (isinstance(low, int) and isinstance(high, int)):
            return False
        if not (low <= (rule.get("from_port") or 0) and (rule.get("to_port") or 0) <= high):
            return False
    return any(_within(destination, allowed) for allowed in _destinations(base))


def _rule(rule: dict[str, Any]) -> tuple[str, str]:
    protocol = str(rule.get("protocol", ""))
    return protocol, "all ports" if protocol in _ANY else f"port {rule.get('from_port')}-{rule.get('to_port')}"


def _egress(change: ResourceChange) -> list[Graded]:
    """Egress a new security group allows (new access), or destinations an existing one gains
    (before: what AWS has under a plan, an import included)."""
    if change.type != "aws_security_group" or change.action not in (CREATE, *_CHANGED):
        return []
    before = (change.before or {}).get("egress") or []
    after = (change.after or {}).get("egress") or []
    if not isinstance(before, list) or not isinstance(after, list):
        return []  # known after apply
    wider = []
    for rule in after:
        if isinstance(rule, dict):
            protocol, ports = _rule(rule)
            wider += [
                f"{protocol} {ports} to {destination}"
                for destination in _destinations(rule)
                if not any(_covers(old, rule, destination) for old in before if isinstance(old, dict))
            ]
    if not wider:
        return []
    if change.action == CREATE:
        return [(change.address, f"egress: {', '.join(dict.fromkeys(wider))}", True)]
    return [(change.address, f"egress widened: {', '.join(dict.fromkeys(wider))}", False)]


def _statements(policy: Any) -> list[dict[str, Any]] | None:
    document = decoded(policy) if isinstance(policy, str) else None
    if not isinstance(document, dict):
        return None
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if isinstance(s, dict)] if isinstance(statements, list) else None


def _matched(value: str, patterns: list[str], *, fold: bool) -> bool:
    if fold:
        value, patterns = value.lower(), [p.lower() for p in patterns]
    return any(fnmatchcase(value, p) for p in patterns)


def _grants(statement: dict[str, Any], allowed: list[dict[str, Any]]) -> tuple[list[str], list[str], bool]:
    """The actions and resources of `statement` that no statement of `allowed` grants, and whether
    the statement as a whole (its actions on its resources, its conditions) is granted by one."""
    actions, resources = listed(statement.get("Action")), listed(statement.get("Resource"))
    new_actions = [a for a in actions if not any(_matched(a, listed(s.get("Action")), fold=True) for s in allowed)]
    new_resources = [
        r for r in resources if not any(_matched(r, listed(s.get("Resource")), fold=False) for s in allowed)
    ]
    inverted = ("NotAction", "NotResource", "Principal", "NotPrincipal")
    covered = any(
        all(_matched(a, listed(s.get("Action")), fold=True) for a in actions)
        and all(_matched(r, listed(s.get("Resource")), fold=False) for r in resources)
        and s.get("Condition") in (None, statement.get("Condition"))
        and all(s.get(key) == statement.get(key) for key in inverted)
        for s in allowed
    )
    return new_actions, new_resources, covered


def _policy(change: ResourceChange, context: _Context, side: dict[str, Any] | None) -> Any:
    """A policy document of one side, the head's as written when the plan knows it only after apply."""
    policy = (side or {}).get("policy")
    return context.body(change.address).get("policy") if policy == AFTER_APPLY and side is change.after else policy


def _policies(change: ResourceChange, context: _Context) -> list[Graded]:
    if change.type not in ("aws_iam_role_policy", "aws_iam_policy"):
        return []
    role = context.role(change.address)
    new = change.action == CREATE and (role is None or context.new(role))
    if change.action in _CHANGED:
        before = _statements(_policy(change, context, change.before))
    elif change.action == CREATE:
        before = []  # a new policy: on a role that runs, everything it allows is more
    else:
        return []
    after = _statements(_policy(change, context, change.after))
    if before is None or after is None:
        return []
    allowed = [s for s in before if s.get("Effect") == "Allow"]
    found = []
    for i, statement in enumerate(after):
        if statement.get("Effect") != "Allow":
            continue
        actions, resources, covered = _grants(statement, allowed)
        if covered:
            continue
        name = f"statement {literal(str(statement.get('Sid') or i))}"
        granted = [f"actions {literal(', '.join(actions))}"] if actions else []
        granted += [f"resources {', '.join(literal(r) for r in resources)}"] if resources else []
        what = "; ".join(granted) or "its actions on its resources or its conditions"
        on = f" to {role}" if role else ""
        found.append(
            (change.address, f"policy {name} grants{on}: {what}" if new else f"policy {name} grants more: {what}", new)
        )
    kept = [s for s in after if s.get("Effect") == "Deny"]
    for statement in before:
        if statement.get("Effect") == "Deny" and statement not in kept:
            denied = literal(", ".join(listed(statement.get("Action"))))
            found.append((change.address, f"policy statement denying {denied} is removed", False))
    return found


def _trust(change: ResourceChange) -> list[Graded]:
    """Who may assume a new role."""
    if change.type != "aws_iam_role" or change.action != CREATE:
        return []
    statements = _statements((change.after or {}).get("assume_role_policy")) or []
    principals = [
        literal(json.dumps(s.get("Principal"), sort_keys=True)) for s in statements if s.get("Effect") == "Allow"
    ]
    return [(change.address, f"assumable by {', '.join(principals)}", True)] if principals else []


def waivers(base: Stack | None, head: Stack | None) -> list[Finding]:
    """Policy waivers added or removed, per variant (from what each stack records)."""
    if not (base and head):
        return []
    found = []
    for stem, record in head.variants.items():
        was = base.variants.get(stem, {"waivers": []}).get("waivers")
        now = record.get("waivers")
        if was is None or now is None:  # an output from before waivers were recorded
            continue
        label = f"{record.get('pipeline')}/{record.get('variant')}"
        address = f"//.variants.{stem}.waivers"
        found += [
            (address, f"{label}: policy waiver {rule} added: the rule no longer stops this variant")
            for rule in now
            if rule not in was
        ]
        found += [
            (address, f"{label}: policy waiver {rule} removed: the rule applies again")
            for rule in was
            if rule not in now
        ]
    return found


def _evaluated_in(value: Any, path: str, *, raw: bool) -> list[tuple[str, str]]:
    """(path, expression) of every string in `value` that Terraform evaluates beyond a reference:
    strings as written when `raw` (a resource body), else the Evaluated of a diff's values."""
    if isinstance(value, Evaluated):
        return [(path, str(evaluated(value)[0]))]
    if raw:
        value = decoded(value)
        if isinstance(value, str):
            found = evaluated(value)
            return [(path, str(found[0]))] if found else []
    if isinstance(value, dict):
        return [
            hit
            for key, item in value.items()
            if key != "//"
            for hit in _evaluated_in(item, f"{path}.{literal(key) if raw else key}" if path else key, raw=raw)
        ]
    if isinstance(value, list):
        return [hit for item in value for hit in _evaluated_in(item, path, raw=raw)]
    return []


def _expressions(change: ResourceChange, context: _Context) -> list[Finding]:
    if change.action == DELETE:
        return []
    if change.action == CREATE or context.planned:
        head = _evaluated_in(context.body(change.address), "", raw=True)
        base = context.base.resources.get(change.address) if context.base else None
        hits = [hit for hit in head if hit not in _evaluated_in(base, "", raw=True)] if base else head
    else:
        hits = [hit for a in change.attributes for hit in _evaluated_in(a.new, a.path, raw=False)]
    return [
        (
            change.address,
            f"a Terraform expression in {path}: Terraform evaluates it at plan time ({_quoted(expression)})",
        )
        for path, expression in dict.fromkeys(hits)
    ]


def _graded(changes: list[ResourceChange], base: Stack | None, head: Stack | None, planned: bool) -> list[Graded]:
    context = _Context({c.address: c for c in changes}, base, head, planned)
    found: list[Graded] = []
    for change in changes:
        found += _attachments(change, context)
        found += _egress(change)
        found += [(address, detail, False) for address, detail in _containers(change)]
        found += _policies(change, context)
        found += _trust(change)
        found += [(address, detail, False) for address, detail in _expressions(change, context)]
    return found


def find(changes: list[ResourceChange], base: Stack | None, head: Stack | None, *, planned: bool) -> list[Finding]:
    """Every grant widened on what already runs in one stack's changes, and every waiver added or removed."""
    return [(a, d) for a, d, new in _graded(changes, base, head, planned) if not new] + waivers(base, head)


def new_access(
    changes: list[ResourceChange], base: Stack | None, head: Stack | None, *, planned: bool
) -> list[Finding]:
    """What something new grants: a new role's trust, a new policy or attachment on a new or adopted
    role, a new security group's egress."""
    return [(a, d) for a, d, new in _graded(changes, base, head, planned) if new]
