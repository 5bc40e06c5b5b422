"""Resource changes between two versions of a stack: inferred from the two synthesized JSON
documents, or, when a plan is given, taken from Terraform's own plan (`terraform show -json`)
alone: its actions, its before/after values (an import's before is what AWS has), what it does
not know until the apply, what forces a replacement and why; and what a refresh found changed
outside Terraform (a plan's `resource_drift`) (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diff import AFTER_APPLY, SENSITIVE, SENSITIVE_CHANGED, AttributeChange, diff_values, references
from .forcenew import REVISIONED, forcing, is_meta, matches
from .outputs import Stack
from .owners import Owner, owner_of, variants_in

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"
NO_OP = "no-op"
"""Only meta-arguments (lifecycle, depends_on) changed: Terraform changes nothing in AWS."""
IMPORT = "import"
"""Taken into the state as it is (a plan's `importing` with no other action): nothing changes in AWS."""
FORGET = "forget"
"""Dropped from the state and kept in AWS (a `removed` block with `destroy = false`, as the shared stack of
`stacks: per_pipeline` writes for what moved to a pipeline's stack): nothing changes in AWS."""

#: `terraform show -json` actions -> ours; no-op and read are not changes.
_PLAN_ACTIONS = {
    ("create",): CREATE,
    ("update",): UPDATE,
    ("delete",): DELETE,
    ("delete", "create"): REPLACE,
    ("create", "delete"): REPLACE,
    ("forget",): FORGET,
}


@dataclass
class ResourceChange:
    """One resource that Terraform will create, update, replace or delete."""

    stack: str
    address: str
    owner: Owner
    action: str
    attributes: list[AttributeChange] = field(default_factory=list)
    forces_replacement: list[str] = field(default_factory=list)
    importing: str | None = None
    """The import id when Terraform's plan imports the resource first (`adopt:`); its action follows the import."""
    before: dict[str, Any] | None = None
    """The resource as it is: the plan's `before` (AWS's values for an import), else the base's body."""
    after: dict[str, Any] | None = None
    """The resource as it will be: the plan's `after` (AFTER_APPLY where unknown), else the head's body."""
    reason: str | None = None
    """Terraform's `action_reason` (a plan only), e.g. `replace_because_cannot_update`."""

    @property
    def type(self) -> str:
        return self.address.split(".", 1)[0]

    @property
    def new_revision(self) -> bool:
        """A replacement that only registers a new revision (a task definition)."""
        return self.action == REPLACE and self.type in REVISIONED


def stack_variants(base: Stack | None, head: Stack | None) -> set[Owner]:
    """Every variant either side knows of."""
    found: set[Owner] = set()
    for stack in (base, head):
        if stack:
            found |= variants_in(stack.resources, stack.variants.values())
    return found


def _honoured(attributes: list[AttributeChange], body: dict[str, Any]) -> list[AttributeChange]:
    """`attributes` without the ones the resource's `lifecycle.ignore_changes` tells Terraform
    to ignore (a CI-owned image, an autoscaled desired count): those never change anything."""
    lifecycle = body.get("lifecycle")
    ignored = lifecycle.get("ignore_changes") if isinstance(lifecycle, dict) else None
    if not ignored:
        return attributes
    if ignored == "all":
        return [a for a in attributes if is_meta(a.schema_path)]
    names = [str(name) for name in ignored] if isinstance(ignored, list) else []
    return [a for a in attributes if not any(matches(a.schema_path, name) for name in names)]


def _classify(change: ResourceChange) -> None:
    paths = list(dict.fromkeys(a.schema_path for a in change.attributes))
    change.forces_replacement = forcing(change.type, paths)
    if change.forces_replacement:
        change.action = REPLACE
    else:
        change.action = NO_OP if all(is_meta(p) for p in paths) else UPDATE


def infer(base: Stack | None, head: Stack | None) -> list[ResourceChange]:
    """What Terraform would do to go from `base` to `head`, from the two JSON documents.

    A changed attribute that the provider marks force-new replaces the resource; a resource
    that refers to a replaced one (`${type.name.attr}`) sees that attribute change too, and
    may be replaced in turn (the cluster replaced -> every service replaced).
    """
    name = (head or base).name  # type: ignore[union-attr]
    old = base.resources if base else {}
    new = head.resources if head else {}
    variants = stack_variants(base, head)
    changes: dict[str, ResourceChange] = {}
    for address in [*old, *(a for a in new if a not in old)]:
        body = new[address] if address in new else old[address]
        owner = owner_of(address, body, variants)
        if address not in old:
            changes[address] = ResourceChange(name, address, owner, CREATE, after=new[address])
        elif address not in new:
            changes[address] = ResourceChange(name, address, owner, DELETE, before=old[address])
        elif old[address] != new[address]:
            attributes = _honoured(diff_values(old[address], new[address]), new[address])
            if attributes:
                change = ResourceChange(
                    name, address, owner, UPDATE, attributes, before=old[address], after=new[address]
                )
                _classify(change)
                changes[address] = change
    _propagate(changes, old, new, name, variants)
    return list(changes.values())


def _propagate(
    changes: dict[str, ResourceChange],
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    stack: str,
    variants: set[Owner],
) -> None:
    """Mark attributes that refer to replaced resources as changing, until nothing new is replaced."""
    done: set[str] = set()
    while True:
        replaced = {a for a, c in changes.items() if c.action == REPLACE} - done
        if not replaced:
            return
        done |= replaced
        for address, body in new.items():
            if address not in old:
                continue
            hits = {ref.path: ref.text for ref in references(body) if ref.address in replaced}
            known = {a.schema_path for a in changes[address].attributes} if address in changes else set()
            added = _honoured([AttributeChange(p, t, AFTER_APPLY) for p, t in hits.items() if p not in known], body)
            if not added:
                continue
            change = changes.get(address) or ResourceChange(
                stack, address, owner_of(address, body, variants), UPDATE, before=old[address], after=body
            )
            if change.action in (CREATE, DELETE):
                continue
            change.attributes += added
            _classify(change)
            changes[address] = change


def known(value: Any, unknown: Any, mark: str = AFTER_APPLY) -> Any:
    """`value` with every part that `unknown` (a plan's `after_unknown` or `*_sensitive`: `true` where
    the value is unknown or sensitive, mirroring its structure) flags replaced by `mark`."""
    if unknown is True:
        return mark
    if isinstance(unknown, dict) and isinstance(value, dict | None) and (value or _flags(unknown)):
        value = value or {}
        return {
            key: known(value.get(key), unknown.get(key), mark)
            for key in [*value, *(k for k in unknown if k not in value and _flags(unknown[k]))]
        }
    if isinstance(unknown, list) and isinstance(value, list):
        return [known(item, unknown[i] if i < len(unknown) else None, mark) for i, item in enumerate(value)]
    return value


def _flags(unknown: Any) -> bool:
    """Whether a mask flags anything."""
    if isinstance(unknown, dict):
        return any(_flags(v) for v in unknown.values())
    if isinstance(unknown, list):
        return any(_flags(v) for v in unknown)
    return unknown is True


def _hidden(before: Any, after: Any, before_mask: Any, after_mask: Any) -> tuple[Any, Any]:
    """`before` and `after` with what either side marks sensitive hidden: SENSITIVE on both sides, and
    SENSITIVE_CHANGED after when the hidden values differ (so a changed secret is a change, never shown)."""
    if before_mask is True or after_mask is True:
        return SENSITIVE, SENSITIVE if before == after else SENSITIVE_CHANGED
    if isinstance(before, dict) and isinstance(after, dict):
        pairs = {
            key: _hidden(before.get(key), after.get(key), _at(before_mask, key), _at(after_mask, key))
            for key in [*before, *(k for k in after if k not in before)]
        }
        return (
            {key: old for key, (old, _) in pairs.items() if key in before},
            {key: new for key, (_, new) in pairs.items() if key in after},
        )
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs_list = [
            _hidden(b, a, _at(before_mask, i), _at(after_mask, i))
            for i, (b, a) in enumerate(zip(before, after, strict=True))
        ]
        return [old for old, _ in pairs_list], [new for _, new in pairs_list]
    return known(before, before_mask, SENSITIVE), known(after, after_mask, SENSITIVE)


def _at(mask: Any, key: Any) -> Any:
    if isinstance(mask, dict):
        return mask.get(key)
    if isinstance(mask, list) and isinstance(key, int) and key < len(mask):
        return mask[key]
    return None


def _sides(details: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The plan's before and after, sensitive values hidden, unknown ones marked."""
    before = details.get("before") if isinstance(details.get("before"), dict) else None
    after = details.get("after")
    if isinstance(after, dict) or details.get("after_unknown") is True:
        after = known(after, details.get("after_unknown"))
    after = after if isinstance(after, dict) else None
    before, after = _hidden(before, after, details.get("before_sensitive"), details.get("after_sensitive"))
    return before, after


def from_plan(plan: dict[str, Any], base: Stack | None, head: Stack | None) -> list[ResourceChange]:
    """Terraform's own planned changes for a stack: actions, and every attribute from the plan's
    before/after (an import: what AWS has -> ours). The outputs only name the variants."""
    return _planned(plan.get("resource_changes", []), (head or base).name, stack_variants(base, head))  # type: ignore[union-attr]


def from_drift(plan: dict[str, Any], head: Stack) -> list[ResourceChange]:
    """What changed outside Terraform, as a plan's refresh found it (`resource_drift`; all a
    refresh-only plan holds): before is the state's value, after what AWS has now (a resource
    deleted outside Terraform: a delete). `head`, the output that was applied, names the variants."""
    return _planned(plan.get("resource_drift", []), head.name, stack_variants(None, head))


def _planned(items: list[dict[str, Any]], name: str, variants: set[Owner]) -> list[ResourceChange]:
    changes = []
    for item in items:
        details = item.get("change", {})
        action = _PLAN_ACTIONS.get(tuple(details.get("actions", ())))
        importing = details.get("importing")
        importing_id = str(importing.get("id", "")) if isinstance(importing, dict) else None
        if action is None and importing_id is not None:
            action = IMPORT
        if action is None:
            continue
        address = item["address"]
        before, after = _sides(details)
        attributes = (
            [] if action in (CREATE, DELETE, FORGET) else diff_values(before or {}, after or {}, templates=False)
        )
        replace_paths = [".".join(str(p) for p in path) for path in details.get("replace_paths") or []]
        owner = owner_of(address, after or before or {}, variants)
        reason = item.get("action_reason")
        changes.append(
            ResourceChange(
                name,
                address,
                owner,
                action,
                attributes,
                replace_paths,
                importing_id,
                before=before,
                after=after,
                reason=reason if isinstance(reason, str) else None,
            )
        )
    return changes
