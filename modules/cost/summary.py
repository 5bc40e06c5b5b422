"""The cost lines of the synth summary: each variant's monthly cost and the total."""

from __future__ import annotations

from decimal import Decimal

from ..config.resolve import Deployment
from .currency import currency_for
from .model import price, workload_of


def monthly(deployment: Deployment) -> tuple[dict[str, str], str]:
    """Per variant address, e.g. '44.98 USD/month'; and a total line. Missing prices do not fail
    a synth: the total line then says which prices to add instead."""
    currency = currency_for(None, None, deployment.pricing)
    workloads = [workload_of(s, stack=deployment.stack, region=deployment.region) for s in deployment.variants]
    costs, problems = price(workloads, deployment.pricing)
    if problems:
        return {}, "cost: unknown; " + "; ".join(f"{p.path}: {p.message}" for p in problems)
    per_variant = {}
    for cost in costs:
        low, high = (currency.amount(usd, 2) for usd in (cost.usd_per_month, cost.usd_per_month_max))
        shown = f"{low:,f}" if low == high else f"{low:,f}-{high:,f}"
        per_variant[f"{cost.workload.pipeline}_{cost.workload.variant}"] = f"{shown} {currency.code}/month"
    total = currency.amount(sum((c.usd_per_month for c in costs), Decimal(0)), 2)
    spot = (
        " (Spot share priced at the assumed pricing.spot_discount)" if any(c.workload.spot_share for c in costs) else ""
    )
    return per_variant, (
        f"cost: {total:,f} {currency.code}/month in total, Fargate on-demand{spot}; `python main.py cost` for details"
    )
