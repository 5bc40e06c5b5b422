"""The import table of a synthesized stack (`adopt-plan`): what each `import` block takes over and what the
first apply then changes in it, as far as the stack says (pure: reads the stack's JSON, never AWS).

What only AWS knows (a security group's VPC, a log group's KMS key, what the old tool set) is listed as a
check; `review` on the real plan (`terraform show -json`) reports an import that replaces as a danger.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..lib.markdown import code, text
from ..lib.wording import plural
from .template import shown

#: Attributes every resource of ours sets that an import of one made elsewhere changes: not worth a line each.
_COMMON = "tags: ours (pipeline, variant, the config's and the provider's default tags)"


@dataclass(frozen=True)
class ImportRow:
    """One resource the stack imports."""

    stack: str
    address: str
    id: str
    changes: tuple[str, ...]
    """What the first apply changes in the imported resource (from the config)."""
    checks: tuple[str, ...] = ()
    """What to verify in AWS first: differences the plan would show as a replacement."""


def _cluster(body: dict[str, Any], _: dict[str, Any]) -> tuple[list[str], list[str]]:
    settings = ", ".join(f"{s['name']}={s['value']}" for s in body.get("setting", []))
    return [f"settings: {settings}", "tags: the provider's default tags"], []


def _capacity_providers(body: dict[str, Any], _: dict[str, Any]) -> tuple[list[str], list[str]]:
    strategy = ", ".join(
        f"{s['capacity_provider']} weight {s['weight']}" for s in body.get("default_capacity_provider_strategy", [])
    )
    providers = ", ".join(body.get("capacity_providers", []))
    return [f"capacity providers: {providers} (others are detached)", f"default strategy: {strategy}"], []


def _log_group(body: dict[str, Any], _: dict[str, Any]) -> tuple[list[str], list[str]]:
    key = body.get("kms_key_id")
    encryption = f"KMS key {key}" if key else "no KMS key (a key it has is disassociated)"
    return [f"retention: {body.get('retention_in_days')} days", f"encryption: {encryption}", _COMMON], []


def _role(body: dict[str, Any], stack: dict[str, Any]) -> tuple[list[str], list[str]]:
    name = body.get("name")
    inline = [
        policy.get("name")
        for policy in stack.get("resource", {}).get("aws_iam_role_policy", {}).values()
        if isinstance(policy.get("role"), str)
        and policy["role"].endswith(".id}")
        and _refers(policy["role"], name, stack)
    ]
    trust = json.loads(body["assume_role_policy"]) if isinstance(body.get("assume_role_policy"), str) else {}
    principals = sorted(
        {str(s.get("Principal", {}).get("Service")) for s in trust.get("Statement", []) if isinstance(s, dict)}
    )
    changes = [f"description: {body.get('description')!r}", f"trust policy: {', '.join(principals)} only", _COMMON]
    changes += [f"inline policy {policy!r} added" for policy in inline]
    return changes, ["inline and attached policies the old tool gave it stay: remove them once ours are in place"]


def _refers(reference: str, name: Any, stack: dict[str, Any]) -> bool:
    address = reference.removeprefix("${").removesuffix(".id}")
    kind, _, resource = address.partition(".")
    return stack.get("resource", {}).get(kind, {}).get(resource, {}).get("name") == name


def _security_group(body: dict[str, Any], _: dict[str, Any]) -> tuple[list[str], list[str]]:
    rules = body.get("egress", [])
    egress = "; ".join(f"{r['protocol']} {r['from_port']} to {', '.join(r['cidr_blocks'])}" for r in rules) or "none"
    ignored = body.get("lifecycle", {}).get("ignore_changes", [])
    kept = f"{' and '.join(ignored)} left as they are" if ignored else "name and description as configured"
    changes = [f"egress rules replace its own: {egress}", "ingress: none managed (its own stay)", kept, _COMMON]
    checks = [f"its VPC must be {body.get('vpc_id')} (network.vpc_id): in another VPC it is replaced"]
    if not ignored:
        checks.append(f"its name must be {body.get('name')!r} and its description {body.get('description')!r}")
    return changes, checks


def _service(body: dict[str, Any], stack: dict[str, Any]) -> tuple[list[str], list[str]]:
    definition = body.get("task_definition", "")
    family = _target(definition, stack).get("family", "?") if isinstance(definition, str) else "?"
    if body.get("launch_type"):
        capacity = f"launch type {body['launch_type']} kept, no capacity provider strategy"
        checks = ["it must have launch type FARGATE (describe-services: launchType), else set launch_type: none"]
    else:
        strategy = ", ".join(
            f"{s['capacity_provider']} {s['weight']}" for s in body.get("capacity_provider_strategy", [])
        )
        capacity = f"capacity provider strategy: {strategy}"
        checks = ["it must have a capacity provider strategy already (one with a launch type is replaced)"]
    network = body.get("network_configuration", {})
    changes = [
        f"task definition: a new revision of family {family}; its tasks roll (force_new_deployment)",
        f"desired count: {body.get('desired_count')}",
        capacity,
        f"network: {plural(len(network.get('subnets', [])), 'subnet')}, the variant's security group, no public IP",
        "deployment: circuit breaker with rollback, 100 % / 200 %, platform LATEST",
        _COMMON,
    ]
    return changes, checks


def _target(reference: str, stack: dict[str, Any]) -> dict[str, Any]:
    address = reference.removeprefix("${").rsplit(".", 1)[0]
    kind, _, name = address.partition(".")
    return stack.get("resource", {}).get(kind, {}).get(name, {})


_DESCRIBE: dict[str, Callable[[dict[str, Any], dict[str, Any]], tuple[list[str], list[str]]]] = {
    "aws_ecs_cluster": _cluster,
    "aws_ecs_cluster_capacity_providers": _capacity_providers,
    "aws_cloudwatch_log_group": _log_group,
    "aws_iam_role": _role,
    "aws_security_group": _security_group,
    "aws_ecs_service": _service,
}


def import_rows(name: str, synthesized: dict[str, Any]) -> list[ImportRow]:
    """One row per `import` block of the stack `name`, in the stack's order, its names and ids as AWS
    has them (`template.shown`: `synth` writes a literal `${` as `$${`; references stay as written)."""
    stack = shown(synthesized)
    rows = []
    for block in stack.get("import", []):
        address = block["to"]
        kind, _, resource = address.partition(".")
        body = stack.get("resource", {}).get(kind, {}).get(resource, {})
        changes, checks = _DESCRIBE[kind](body, stack) if kind in _DESCRIBE else ([], [])
        rows.append(ImportRow(name, address, block["id"], tuple(changes), tuple(checks)))
    return rows


def render(rows: list[ImportRow]) -> str:
    """Markdown: a table of address, AWS id and changes, then what to check in AWS first (values as
    data: `markdown.text` and `markdown.code`)."""
    lines = ["| stack | address | AWS id | after import |", "|---|---|---|---|"]
    for row in rows:
        changes = "<br>".join(text(change) for change in row.changes)
        lines.append(f"| {text(row.stack)} | {code(row.address)} | {code(row.id)} | {changes} |")
    checks = [f"- {text(row.address)} ({text(row.id)}): {text(check)}" for row in rows for check in row.checks]
    if checks:
        lines += ["", "Check in AWS before the first apply:", "", *checks]
    return "\n".join(lines) + "\n"
