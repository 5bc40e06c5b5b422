"""A review of two synthesized outputs: changes, dangers and the cost delta, per stack (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from . import changes as changes_
from . import cost, dangers, lifecycle
from .changes import ResourceChange
from .dangers import Access, Danger
from .outputs import Stack


@dataclass
class Review:
    """Everything the report shows."""

    changes: list[ResourceChange] = field(default_factory=list)
    dangers: list[Danger] = field(default_factory=list)
    access: list[Access] = field(default_factory=list)
    """What something new grants: shown, no danger by itself."""
    costs: list[cost.CostDelta] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    experiment: list[str] = field(default_factory=list)
    """An experiment's step the plan makes (a start, a promotion) and what a destroyed variant leaves behind."""
    stacks_added: list[str] = field(default_factory=list)
    stacks_removed: list[str] = field(default_factory=list)

    @property
    def total_base(self) -> Decimal:
        return sum((c.base or Decimal(0) for c in self.costs), Decimal(0))

    @property
    def total_head(self) -> Decimal:
        return sum((c.head or Decimal(0) for c in self.costs), Decimal(0))

    @property
    def base_priced(self) -> bool:
        """Every variant of base has prices (else its total is a lower bound)."""
        return not any(c.base_unpriced for c in self.costs)

    @property
    def head_priced(self) -> bool:
        return not any(c.head_unpriced for c in self.costs)

    @property
    def total_delta(self) -> Decimal | None:
        """head - base in total; None when a variant of either side has no prices."""
        return self.total_head - self.total_base if self.base_priced and self.head_priced else None


def _not_running(rows: list[cost.CostDelta], found: list[ResourceChange]) -> list[cost.CostDelta]:
    """Rows whose service the plan creates cost nothing before: it does not run (whatever the base output says)."""
    created = {
        (c.owner.pipeline, c.owner.variant)
        for c in found
        if c.type == "aws_ecs_service" and c.action == changes_.CREATE and c.importing is None
    }
    return [
        replace(row, base=None, base_unpriced=False) if (row.pipeline, row.variant) in created else row for row in rows
    ]


def review(
    base: Mapping[str, Stack], head: Mapping[str, Stack], plans: Mapping[str, dict[str, Any]] | None = None
) -> Review:
    """Compare every stack of `base` and `head`; a stack's plan, when given, decides its actions."""
    plans = plans or {}
    result = Review(stacks_added=[s for s in head if s not in base], stacks_removed=[s for s in base if s not in head])
    for name in [*base, *(s for s in head if s not in base)]:
        old, new = base.get(name), head.get(name)
        if name in plans:
            found = changes_.from_plan(plans[name], old, new)
            result.notes.append(f"{name}: actions from Terraform's plan")
            result.experiment += lifecycle.steps(found)
        else:
            found = changes_.infer(old, new)
        result.changes += found
        result.dangers += dangers.find(found, old, new, inferred=name not in plans)
        result.access += dangers.new_access(found, old, new, inferred=name not in plans)
        if old and new and (old.variants or new.variants) and not (old.variants and new.variants):
            # Neither with fingerprints: a stack without variants (the shared stack of `stacks: per_pipeline`).
            result.notes.append(f"{name}: isolation not checked (an output has no variant fingerprints)")
        rows, problems = cost.deltas(old, new)
        if name in plans:
            rows = _not_running(rows, found)
        result.costs += rows
        result.notes += [f"{name}: cost incomplete: {p.path}: {p.message}" for p in problems]
    result.notes += [
        f"{name}: no longer synthesized, so no plan touches it: its resources keep running (and billing) until "
        "`terraform destroy` runs in its last output; its deletes and dangers above are what that destroy does"
        for name in result.stacks_removed
    ]
    result.dangers.sort(key=lambda d: dangers.KINDS.index(d.kind))
    return result
