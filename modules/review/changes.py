"""Resource changes between two versions of a stack: inferred from the JSON, or taken from
Terraform's own plan (`terraform show -json`) when one is given (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diff import AFTER_APPLY, AttributeChange, diff_values, references
from .forcenew import REVISIONED, forcing, is_meta, matches
from .outputs import Stack
from .owners import Owner, owner_of, variants_in

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"
NO_OP = "no-op"
"""Only meta-arguments (lifecycle, depends_on) changed: Terraform changes nothing in AWS."""
IMPORT = "import"
"""Taken into the state as it is (a plan's `importing` with no other action): nothing changes in AWS."""

#: `terraform show -json` actions -> ours; no-op and read are not changes.
_PLAN_ACTIONS = {
    ("create",): CREATE,
    ("update",): UPDATE,
    ("delete",): DELETE,
    ("delete", "create"): REPLACE,
    ("create", "delete"): REPLACE,
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
            changes[address] = ResourceChange(name, address, owner, CREATE)
        elif address not in new:
            changes[address] = ResourceChange(name, address, owner, DELETE)
        elif old[address] != new[address]:
            attributes = _honoured(diff_values(old[address], new[address]), new[address])
            if attributes:
                change = ResourceChange(name, address, owner, UPDATE, attributes)
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
            change = changes.get(address) or ResourceChange(stack, address, owner_of(address, body, variants), UPDATE)
            if change.action in (CREATE, DELETE):
                continue
            change.attributes += added
            _classify(change)
            changes[address] = change


def from_plan(plan: dict[str, Any], base: Stack | None, head: Stack | None) -> list[ResourceChange]:
    """Terraform's own planned actions for a stack; attribute details from the two JSON
    documents where the resource is in both, else from the plan's before/after."""
    name = (head or base).name  # type: ignore[union-attr]
    inferred = {c.address: c for c in infer(base, head)}
    variants = stack_variants(base, head)
    changes = []
    for item in plan.get("resource_changes", []):
        details = item.get("change", {})
        action = _PLAN_ACTIONS.get(tuple(details.get("actions", ())))
        importing = details.get("importing")
        importing_id = str(importing.get("id", "")) if isinstance(importing, dict) else None
        if action is None and importing_id is not None:
            action = IMPORT
        if action is None:
            continue
        address = item["address"]
        body = details.get("after") or details.get("before") or {}
        if action in (CREATE, DELETE, IMPORT):
            attributes = []
        elif address in inferred:
            attributes = inferred[address].attributes
        else:
            attributes = diff_values(details.get("before") or {}, details.get("after") or {}, templates=False)
        replace_paths = [".".join(str(p) for p in path) for path in details.get("replace_paths") or []]
        owner = owner_of(address, body, variants)
        changes.append(ResourceChange(name, address, owner, action, attributes, replace_paths, importing_id))
    return changes
