"""The cost lines of the synth summary: each variant's monthly cost, each stack's total, and
the total of all stacks when there are several."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..config.resolve import Deployment
from .currency import currency_for
from .model import price, workloads_of


@dataclass(frozen=True)
class StackCost:
    """Per variant address its monthly cost text; the stack's line; its USD total (None:
    prices missing, which never fails a synth: the line says which prices to add)."""

    per_variant: dict[str, str] = field(default_factory=dict)
    line: str = ""
    usd_per_month: Decimal | None = None


def monthly(deployment: Deployment) -> StackCost:
    """The summary's cost figures of one stack, in the config's currency."""
    currency = currency_for(None, None, deployment.pricing)
    costs, problems = price(workloads_of(deployment), deployment.pricing)
    if problems:
        return StackCost(line="cost: unknown; " + "; ".join(f"{p.path}: {p.message}" for p in problems))
    per_variant = {}
    for cost in costs:
        low, high = (currency.amount(usd, 2) for usd in (cost.usd_per_month, cost.usd_per_month_max))
        shown = f"{low:,f}" if low == high else f"{low:,f}-{high:,f}"
        per_variant[f"{cost.workload.pipeline}_{cost.workload.variant}"] = f"{shown} {currency.code}/month"
    usd = sum((c.usd_per_month for c in costs), Decimal(0))
    discount = Decimal(str(deployment.pricing.spot_discount)) * 100
    spot = (
        f"; the Spot share {discount.normalize():f}% below it, assumed: pricing.spot_discount"
        if any(c.workload.spot_share for c in costs)
        else ""
    )
    line = (
        f"cost: {currency.amount(usd, 2):,f} {currency.code}/month for this stack (Fargate on-demand{spot}); "
        "`python main.py cost` for details"
    )
    return StackCost(per_variant, line, usd)


def overall(deployments: Sequence[Deployment], stacks: Sequence[StackCost]) -> str:
    """'cost of all 3 stacks: 278.14 USD/month' (in the first stack's currency)."""
    currency = currency_for(None, None, deployments[0].pricing)
    priced = [s.usd_per_month for s in stacks if s.usd_per_month is not None]
    missing = len(stacks) - len(priced)
    unpriced = f" ({missing} without prices left out)" if missing else ""
    total = currency.amount(sum(priced, Decimal(0)), 2)
    return f"cost of all {len(stacks)} stacks: {total:,f} {currency.code}/month{unpriced}"
