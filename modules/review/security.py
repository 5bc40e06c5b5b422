"""New or widened grants in one stack's changes, for the `security` danger kind (pure).

Each finding is (address, detail): a managed policy attached to a role, egress widened, the
container user changed, a container added to a task definition, an image from another registry
or repository, an IAM policy statement added or widened, a policy waiver added or removed, and a
Terraform expression (not a plain reference) in a changed value.
"""

from __future__ import annotations

import ipaddress
import json
import re
from fnmatch import fnmatchcase
from typing import Any

from .changes import CREATE, REPLACE, UPDATE, ResourceChange
from .diff import ABSENT, decoded, references
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


def _attachments(change: ResourceChange, head: Stack | None) -> list[Finding]:
    if change.type != "aws_iam_role_policy_attachment" or change.action not in (CREATE, REPLACE) or not head:
        return []
    body = head.resources.get(change.address, {})
    arn = body.get("policy_arn")
    roles = [ref.address for ref in references(body) if ref.path == "role"] or [str(body.get("role"))]
    return [
        (change.address, f"managed policy {_quoted(shown(arn))} attached to {roles[0]}: its tasks gain its permissions")
    ]


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


def _egress(change: ResourceChange, base: Stack | None, head: Stack | None) -> list[Finding]:
    if change.type != "aws_security_group" or change.action not in _CHANGED or not (base and head):
        return []
    before = base.resources.get(change.address, {}).get("egress") or []
    after = head.resources.get(change.address, {}).get("egress") or []
    wider = []
    for rule in after:
        protocol = str(rule.get("protocol", ""))
        ports = "all ports" if protocol in _ANY else f"port {rule.get('from_port')}-{rule.get('to_port')}"
        wider += [
            f"{protocol} {ports} to {destination}"
            for destination in _destinations(rule)
            if not any(_covers(old, rule, destination) for old in before)
        ]
    if not wider:
        return []
    return [(change.address, f"egress widened: {', '.join(dict.fromkeys(wider))}")]


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value is not None else []


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
    actions, resources = _listed(statement.get("Action")), _listed(statement.get("Resource"))
    new_actions = [a for a in actions if not any(_matched(a, _listed(s.get("Action")), fold=True) for s in allowed)]
    new_resources = [
        r for r in resources if not any(_matched(r, _listed(s.get("Resource")), fold=False) for s in allowed)
    ]
    inverted = ("NotAction", "NotResource", "Principal", "NotPrincipal")
    covered = any(
        all(_matched(a, _listed(s.get("Action")), fold=True) for a in actions)
        and all(_matched(r, _listed(s.get("Resource")), fold=False) for r in resources)
        and s.get("Condition") in (None, statement.get("Condition"))
        and all(s.get(key) == statement.get(key) for key in inverted)
        for s in allowed
    )
    return new_actions, new_resources, covered


def _policies(change: ResourceChange, base: Stack | None, head: Stack | None) -> list[Finding]:
    if change.type not in ("aws_iam_role_policy", "aws_iam_policy") or not (base and head):
        return []
    body = head.resources.get(change.address, {})
    if change.action in _CHANGED:
        before = _statements(base.resources.get(change.address, {}).get("policy"))
    elif change.action == CREATE and any(
        ref.address in base.resources for ref in references(body) if ref.path == "role"
    ):
        before = []  # a new inline policy on a role that exists
    else:
        return []
    after = _statements(body.get("policy"))
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
        new = [f"actions {literal(', '.join(actions))}"] if actions else []
        new += [f"resources {', '.join(literal(r) for r in resources)}"] if resources else []
        what = "; ".join(new) or "its actions on its resources or its conditions"
        found.append((change.address, f"policy {name} grants more: {what}"))
    kept = [s for s in after if s.get("Effect") == "Deny"]
    for statement in before:
        if statement.get("Effect") == "Deny" and statement not in kept:
            denied = literal(", ".join(_listed(statement.get("Action"))))
            found.append((change.address, f"policy statement denying {denied} is removed"))
    return found


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


def _expressions(change: ResourceChange, head: Stack | None) -> list[Finding]:
    if change.action == CREATE:
        hits = _evaluated_in(head.resources.get(change.address, {}), "", raw=True) if head else []
    else:
        hits = [hit for a in change.attributes for hit in _evaluated_in(a.new, a.path, raw=False)]
    return [
        (
            change.address,
            f"a Terraform expression in {path}: Terraform evaluates it at plan time ({_quoted(expression)})",
        )
        for path, expression in dict.fromkeys(hits)
    ]


def find(changes: list[ResourceChange], base: Stack | None, head: Stack | None) -> list[Finding]:
    """Every new or widened grant in one stack's changes."""
    found: list[Finding] = []
    for change in changes:
        found += _attachments(change, head)
        found += _egress(change, base, head)
        found += _containers(change)
        found += _policies(change, base, head)
        found += _expressions(change, head)
    return found + waivers(base, head)
