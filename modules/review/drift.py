"""Drift: what changed in AWS outside Terraform, read from a refresh-only plan (`terraform plan
-refresh-only`, then `terraform show -json`): Terraform's `resource_drift`, each resource's values in
the state against what AWS has now, attribute by attribute, and what the next `terraform apply` of
the same config does with each. Reported as Markdown (every value through `markdown.text`/`code`:
data, never structure) and JSON (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..lib.markdown import code, text
from .changes import DELETE, ResourceChange, from_drift
from .diff import AttributeChange, diff_values
from .forcenew import matches
from .outputs import Stack
from .report import cell

#: What the next `terraform apply` of the same config does with what drifted.
RESTORED = "sets the config's value again"
IGNORED = "keeps AWS's value (lifecycle.ignore_changes)"
UNSET = "keeps AWS's value (the config does not set it)"
RECREATED = "creates it again"


@dataclass(frozen=True)
class Drifted:
    """One attribute AWS changed: the state's value, AWS's value now, what the next apply does."""

    path: str
    state: Any
    aws: Any
    next_apply: str


@dataclass(frozen=True)
class Resource:
    """One resource changed (`update`) or deleted (`delete`) outside Terraform."""

    change: ResourceChange
    attributes: list[Drifted] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.change.action == DELETE


@dataclass(frozen=True)
class Drift:
    """One stack's drift."""

    stack: str
    resources: list[Resource]


def find(plan: dict[str, Any], head: Stack) -> Drift:
    """The drift in a refresh-only plan of `head`'s stack (`head`: the output that was applied); a
    resource whose every difference is `settled` is left out."""
    found = []
    for change in from_drift(plan, head):
        if change.action != DELETE:
            change.attributes = diff_values(*settled(change.before or {}, change.after or {}), templates=False)
            if not change.attributes:
                continue
        found.append(Resource(change, _attributes(change, head.resources.get(change.address, {}))))
    return Drift(head.name, found)


#: What the provider reads back for a value that was never set: no drift from the state's null.
_ZERO: tuple[Any, ...] = (0, "", False, [], {})


def settled(before: Any, after: Any) -> tuple[Any, Any]:
    """`before` and `after` with every value that is null on one side and a zero value (0, "", false,
    empty list or map) on the other made null on both: how the provider reads back what was never set
    (`null` in the state, `[]` or `0` from AWS), not a change made outside Terraform."""
    if before is None and any(after == zero and type(after) is type(zero) for zero in _ZERO):
        return None, None
    if after is None and any(before == zero and type(before) is type(zero) for zero in _ZERO):
        return None, None
    if isinstance(before, dict) and isinstance(after, dict):
        pairs = {
            key: settled(before.get(key), after.get(key)) for key in [*before, *(k for k in after if k not in before)]
        }
        return (
            {key: old for key, (old, _) in pairs.items() if key in before},
            {key: new for key, (_, new) in pairs.items() if key in after},
        )
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs_list = [settled(old, new) for old, new in zip(before, after, strict=True)]
        return [old for old, _ in pairs_list], [new for _, new in pairs_list]
    return before, after


def next_apply(attribute: AttributeChange, config: dict[str, Any]) -> str:
    """What `terraform apply` of the config (`config`: the resource's synthesized body) does with a
    drifted attribute: one the config sets is set again (`tags_all` follows `tags`), unless the
    resource's `lifecycle.ignore_changes` names it; one it does not set keeps AWS's value."""
    lifecycle = config.get("lifecycle")
    ignored = lifecycle.get("ignore_changes") if isinstance(lifecycle, dict) else None
    if ignored == "all" or (isinstance(ignored, list) and any(matches(attribute.schema_path, str(n)) for n in ignored)):
        return IGNORED
    top = attribute.schema_path.split(".", 1)[0]
    return RESTORED if ("tags" if top == "tags_all" else top) in config else UNSET


def _attributes(change: ResourceChange, config: dict[str, Any]) -> list[Drifted]:
    """The drifted attributes, without a `tags_all` entry that repeats a `tags` one."""
    if change.action == DELETE:
        return []

    def same(attribute: AttributeChange, prefix: str) -> tuple[str, str, str]:
        return attribute.path.removeprefix(prefix), json.dumps(attribute.old), json.dumps(attribute.new)

    tags = {
        same(a, "tags") for a in change.attributes if a.path.startswith("tags") and not a.path.startswith("tags_all")
    }
    return [
        Drifted(a.path, a.old, a.new, next_apply(a, config))
        for a in change.attributes
        if not (a.path.startswith("tags_all") and same(a, "tags_all") in tags)
    ]


def summary(drift: Drift) -> str:
    """One line: how many resources drifted, and where (plain text)."""
    if not drift.resources:
        return f"No drift in {drift.stack}: AWS matches the state."
    deleted = sum(r.deleted for r in drift.resources)
    count = len(drift.resources)
    where = ", ".join(dict.fromkeys(str(r.change.owner) for r in drift.resources))
    return (
        f"{count} resource{'s' * (count != 1)} of {drift.stack} changed outside Terraform "
        f"({count - deleted} changed, {deleted} deleted) in {where}."
    )


def markdown(drift: Drift) -> str:
    """The drift of one stack for an issue: summary, a table per variant, what to do."""
    lines = [f"## Drift: {text(drift.stack)}", "", text(summary(drift)), ""]
    owners = list(dict.fromkeys(r.change.owner for r in drift.resources))
    for owner in owners:
        lines += [
            f"### {text(owner)}",
            "",
            "| resource | drift | attribute | state (last apply) | AWS (now) | next `terraform apply` |",
            "|---|---|---|---|---|---|",
        ]
        for resource in (r for r in drift.resources if r.change.owner == owner):
            address = code(resource.change.address)
            if resource.deleted:
                lines.append(f"| {address} | deleted outside Terraform | | | | {text(RECREATED)} |")
            for i, a in enumerate(resource.attributes):
                first = f"{address} | changed outside Terraform" if i == 0 else " | "
                lines.append(f"| {first} | {code(a.path)} | {cell(a.state)} | {cell(a.aws)} | {text(a.next_apply)} |")
        lines.append("")
    if drift.resources:
        lines += [
            "To undo the drift, run `terraform apply` of this stack; to keep a change, make it in the config and "
            "deploy it (a pull request); `terraform apply -refresh-only` records AWS's values in the state without "
            "changing AWS (what the config sets is then set again by the next apply).",
            "",
        ]
    return "\n".join(lines)


def as_json(drift: Drift) -> dict[str, Any]:
    """The drift of one stack as data: `stack`, `summary`, `drifted` (per resource: address, owner, action,
    attributes with the state's and AWS's values and what the next apply does)."""
    return {
        "stack": drift.stack,
        "summary": summary(drift),
        "drifted": [
            {
                "address": r.change.address,
                "pipeline": r.change.owner.pipeline,
                "variant": r.change.owner.variant,
                "action": r.change.action,
                "next_apply": RECREATED if r.deleted else None,
                "attributes": [
                    {"path": a.path, "state": a.state, "aws": a.aws, "next_apply": a.next_apply} for a in r.attributes
                ],
            }
            for r in drift.resources
        ],
    }
