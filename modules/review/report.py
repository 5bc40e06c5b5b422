"""The review as people read it (Markdown: summary line, dangers, a table per variant, cost)
and as tools read it (JSON). Every value from the outputs and plans reaches the Markdown through
`markdown.text` or `markdown.code`: data, never structure."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..cost.prices import HOURS_PER_MONTH
from ..lib.markdown import code, text
from .changes import DELETE, FORGET, IMPORT, NO_OP, REPLACE, ResourceChange
from .cost import PRICING
from .diff import AFTER_APPLY
from .owners import Owner
from .review import Review
from .template import Evaluated

_CELL_LIMIT = 100


#: Shown for an amount that cannot be priced (no prices for the region and architecture).
UNPRICED = "?"


def _money(value: Decimal | None, unpriced: bool = False) -> str:
    if unpriced:
        return UNPRICED
    return "-" if value is None else f"{value:,.2f}"


def _signed(value: Decimal | None) -> str:
    return UNPRICED if value is None else f"{'+' if value >= 0 else '-'}{abs(value):,.2f}"


def _variants(changes: list[ResourceChange]) -> list[tuple[str, Owner]]:
    return list(dict.fromkeys((c.stack, c.owner) for c in changes))


def summary(result: Review) -> str:
    """One line: dangers, what changes where, the cost delta (Markdown)."""
    return _summary(result, text, "**")


def _summary(result: Review, shown: Callable[[object], str], bold: str) -> str:
    counts = Counter(d.kind for d in result.dangers)
    if result.dangers:
        kinds = ", ".join(f"{shown(kind)} {n}" for kind, n in counts.items())
        head = f"{bold}{len(result.dangers)} danger{'s' * (len(result.dangers) != 1)}{bold} ({kinds})"
    else:
        head = f"{bold}No dangers{bold}"
    touched: dict[str, list[str]] = {}
    for stack, owner in _variants(result.changes):
        touched.setdefault(stack, []).append(shown(owner))
    where = "; ".join(f"{shown(stack)}: {', '.join(owners)}" for stack, owners in touched.items())
    what = (
        f"{len(result.changes)} resource{'s' * (len(result.changes) != 1)} change in {where}"
        if result.changes
        else "no resource changes"
    )
    if result.total_delta is None:
        return f"{head}: {what}; cost change unknown (no prices for some variants: see the notes)."
    return (
        f"{head}: {what}; cost {_signed(result.total_delta)} USD/month "
        f"({_money(result.total_base)} -> {_money(result.total_head)})."
    )


#: The pull-request labels the review decides (the workflow sets them and removes the others).
LABELS = ("plan: destroy", "plan: replace", "plan: no change")


def labels(result: Review) -> list[str]:
    """`plan: destroy` when something is deleted, `plan: replace` when something is replaced (a task
    definition's new revision is not: every image bump makes one), `plan: no change` when nothing changes."""
    found = []
    if any(c.action == DELETE for c in result.changes):
        found.append(LABELS[0])
    if any(c.action == REPLACE and not c.new_revision for c in result.changes):
        found.append(LABELS[1])
    if not result.changes:
        found.append(LABELS[2])
    return found


def cell(value: Any) -> str:
    if value is None:
        return "(none)"
    if value == AFTER_APPLY:
        return value
    if isinstance(value, Evaluated):
        return "Terraform expression " + cell(str(value))
    shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if len(shown) > _CELL_LIMIT:
        shown = shown[: _CELL_LIMIT - 3] + "..."
    return code(shown)


def _action(change: ResourceChange) -> str:
    if change.importing is not None and change.action != IMPORT:
        return f"import {code(change.importing)}, then {_plain_action(change)}"
    if change.importing is not None:
        return f"import {code(change.importing)}"
    return _plain_action(change)


def _plain_action(change: ResourceChange) -> str:
    if change.new_revision:
        return "replace (new revision)"
    if change.action == NO_OP:
        return "no-op (Terraform settings only)"
    if change.action == FORGET:
        return "forget (kept in AWS; leaves this state: a `removed` block)"
    if change.action == REPLACE and change.forces_replacement:
        return f"**replace** (forced by {', '.join(text(path) for path in change.forces_replacement)})"
    return text(change.action)


def _table(changes: list[ResourceChange]) -> list[str]:
    lines = ["| resource | action | attribute | old | new |", "|---|---|---|---|---|"]
    for change in changes:
        first = code(change.address)
        if not change.attributes:
            lines.append(f"| {first} | {_action(change)} | | | |")
        for i, attribute in enumerate(change.attributes):
            resource, action = (first, _action(change)) if i == 0 else ("", "")
            lines.append(
                f"| {resource} | {action} | {code(attribute.path)} | {cell(attribute.old)} | {cell(attribute.new)} |"
            )
    return lines


def markdown(result: Review) -> str:
    """Summary line first, dangers next, then a table per variant, then the cost."""
    lines = ["## Plan review", "", summary(result), ""]
    if result.dangers:
        lines += ["### Dangers", "", "| kind | address | stack | detail |", "|---|---|---|---|"]
        lines += [
            f"| {text(d.kind)} | {code(d.address)} | {text(d.stack)} | {text(d.detail)} |" for d in result.dangers
        ]
        lines.append("")
    if result.experiment:
        lines += ["### Experiment", ""] + [f"- {text(line)}" for line in result.experiment] + [""]
    if result.access:
        lines += [
            "### New access",
            "",
            "What something new grants (no danger by itself: read it as you would a new grant).",
            "",
            "| address | stack | grants |",
            "|---|---|---|",
        ]
        lines += [f"| {code(a.address)} | {text(a.stack)} | {text(a.detail)} |" for a in result.access]
        lines.append("")
    if result.stacks_added or result.stacks_removed:
        lines += [f"New stack: {text(s)}" for s in result.stacks_added] + [
            f"Removed stack: {text(s)}" for s in result.stacks_removed
        ]
        lines.append("")
    for stack, owner in _variants(result.changes):
        lines += [f"### {text(stack)} / {text(owner)}", ""]
        lines += _table([c for c in result.changes if (c.stack, c.owner) == (stack, owner)])
        lines.append("")
    lines += [
        "### Cost (USD per month, Fargate)",
        "",
        "| stack | pipeline | variant | base | head | delta |",
        "|---|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {text(c.stack)} | {text(c.pipeline)} | {text(c.variant)} | {_money(c.base, c.base_unpriced)} "
        f"| {_money(c.head, c.head_unpriced)} | {_signed(c.delta)} |"
        for c in result.costs
    ]
    lines.append(
        f"| **total** | | | {_money(result.total_base, not result.base_priced)} "
        f"| {_money(result.total_head, not result.head_priced)} | {_signed(result.total_delta)} |"
    )
    lines += [
        "",
        f"Running all the time, {HOURS_PER_MONTH} h a month (`python main.py cost` shows the prices and assumptions).",
    ]
    own = list(dict.fromkeys(text(c.stack) for c in result.costs if c.own_prices))
    lines.append(
        f"Prices: the config's own `pricing:` ({', '.join(own)}), else the built-in ones."
        if own
        else "Prices: the built-in ones (the config sets no `pricing:`)."
    )
    spot = [c for c in result.costs if c.spot]
    for discount in dict.fromkeys(c.spot_discount for c in spot):
        which = [f"{text(c.stack)} {text(c.pipeline)}/{text(c.variant)}" for c in spot if c.spot_discount == discount]
        source = "pricing.spot_discount" if discount != PRICING.spot_discount else "the default pricing.spot_discount"
        lines.append(
            f"Fargate Spot ({', '.join(which)}): the FARGATE_SPOT share of tasks is priced "
            f"{_percent(discount)} below on-demand, an assumption ({source}; Spot has no list price)."
        )
    lines += [f"- {text(note)}" for note in result.notes]
    return "\n".join(lines) + "\n"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 2))


def _value(value: Any) -> Any:
    """A value for JSON: what Terraform evaluates as `{"terraform_expression": <as written>}`."""
    return {"terraform_expression": str(value)} if isinstance(value, Evaluated) else value


def as_json(result: Review) -> str:
    """An object with `summary`, `labels`, `dangers`, `new_access`, `changes`, `cost`, `stacks`, `experiment`
    and `notes`."""
    document = {
        "summary": _summary(result, str, ""),
        "dangers": [
            {"kind": d.kind, "address": d.address, "stack": d.stack, "detail": d.detail} for d in result.dangers
        ],
        "labels": {"add": labels(result), "remove": [label for label in LABELS if label not in labels(result)]},
        "new_access": [{"address": a.address, "stack": a.stack, "detail": a.detail} for a in result.access],
        "changes": [
            {
                "stack": c.stack,
                "pipeline": c.owner.pipeline,
                "variant": c.owner.variant,
                "address": c.address,
                "type": c.type,
                "action": c.action,
                "importing": c.importing,
                "action_reason": c.reason,
                "new_revision": c.new_revision,
                "forces_replacement": c.forces_replacement,
                "attributes": [{"path": a.path, "old": _value(a.old), "new": _value(a.new)} for a in c.attributes],
            }
            for c in result.changes
        ],
        "cost": {
            "currency": "USD",
            "period": "month",
            "spot_discount": result.costs[0].spot_discount if result.costs else PRICING.spot_discount,
            "variants": [
                {
                    "stack": c.stack,
                    "pipeline": c.pipeline,
                    "variant": c.variant,
                    "base": _number(c.base),
                    "head": _number(c.head),
                    "delta": _number(c.delta),
                    "spot": c.spot,
                    "spot_discount": c.spot_discount,
                    "own_prices": c.own_prices,
                }
                for c in result.costs
            ],
            "total": {
                "base": _number(result.total_base) if result.base_priced else None,
                "head": _number(result.total_head) if result.head_priced else None,
                "delta": _number(result.total_delta),
            },
        },
        "stacks": {"added": result.stacks_added, "removed": result.stacks_removed},
        "experiment": result.experiment,
        "notes": result.notes,
    }
    return json.dumps(document, indent=2) + "\n"
