"""Cost reports: a text table, Markdown or JSON, in USD or another currency (pure)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal

from .currency import USD, Currency
from .model import VariantCost
from .prices import FREE_STORAGE_GIB, HOURS_PER_MONTH, HOURS_PER_YEAR, SPOT_SOURCE, Rates

FORMULA = (
    "tasks x (vCPU x price per vCPU-hour + GiB x price per GB-hour"
    f" + GiB of ephemeral storage above {FREE_STORAGE_GIB} x its price per GB-hour)"
    " x (1 - Spot share x Spot discount)"
)


def _qty(value: Decimal) -> str:
    """A size or a percentage as written: 2.0 -> '2', 0.25 -> '0.25'."""
    return format(value.normalize(), "f")


def _money(value: Decimal) -> str:
    """A rounded amount with thousands separators: 1273.35 -> '1,273.35'."""
    return format(value, ",f")


def _range(low: str, high: str) -> str:
    return low if low == high else f"{low}-{high}"


def _spot(cost: VariantCost) -> str:
    share = cost.workload.spot_share
    if not share:
        return "-"
    return f"{_qty((share * 100).quantize(Decimal(1)))}% at -{_qty(cost.spot_discount * 100)}%"


def _money_cells(currency: Currency, hour: tuple[Decimal, Decimal], month: tuple[Decimal, Decimal], year: Decimal):
    return [
        _range(_money(currency.amount(hour[0], 4)), _money(currency.amount(hour[1], 4))),
        _range(_money(currency.amount(month[0], 2)), _money(currency.amount(month[1], 2))),
        _money(currency.amount(year, 2)),
    ]


def _rows(costs: Sequence[VariantCost], currency: Currency) -> list[list[str]]:
    """Table rows: one per variant, a total per pipeline, the overall total."""
    rows: list[list[str]] = []
    pipelines: dict[tuple[str, str], list[VariantCost]] = {}
    for cost in costs:
        pipelines.setdefault((cost.workload.stack, cost.workload.pipeline), []).append(cost)
    stacks = {stack for stack, _ in pipelines}
    for (stack, pipeline), group in pipelines.items():
        shown = f"{stack}/{pipeline}" if len(stacks) > 1 else pipeline
        for cost in group:
            w = cost.workload
            rows.append(
                [
                    shown,
                    w.variant,
                    _range(str(w.tasks.low), str(w.tasks.high)),
                    _qty(w.vcpu),
                    _qty(w.memory_gib),
                    w.architecture,
                    _spot(cost),
                    *_money_cells(
                        currency,
                        (cost.usd_per_hour, cost.usd_per_hour_max),
                        (cost.usd_per_month, cost.usd_per_month_max),
                        cost.usd_per_year,
                    ),
                ]
            )
        if len(group) > 1:
            rows.append([shown, "(all)", "", "", "", "", "", *_total_cells(group, currency)])
    rows.append(["total", "", "", "", "", "", "", *_total_cells(costs, currency)])
    return rows


def _total_cells(costs: Sequence[VariantCost], currency: Currency) -> list[str]:
    return _money_cells(
        currency,
        (sum((c.usd_per_hour for c in costs), Decimal(0)), sum((c.usd_per_hour_max for c in costs), Decimal(0))),
        (sum((c.usd_per_month for c in costs), Decimal(0)), sum((c.usd_per_month_max for c in costs), Decimal(0))),
        sum((c.usd_per_year for c in costs), Decimal(0)),
    )


#: Column titles ({} is the currency code) and alignment: "<" text, ">" numbers.
_COLUMNS = (
    ("pipeline", "<"), ("variant", "<"), ("tasks", ">"), ("vCPU", ">"), ("GiB", ">"), ("arch", "<"),
    ("Spot", ">"), ("{}/hour", ">"), ("{}/month", ">"), ("{}/year", ">"),
)  # fmt: skip


def _header(currency: Currency) -> list[str]:
    return [title.format(currency.code) for title, _ in _COLUMNS]


def title(costs: Sequence[VariantCost], currency: Currency) -> str:
    """'Fargate cost of feature-pipelines (ap-northeast-1) in USD, running all the time'."""
    stacks = dict.fromkeys(f"{c.workload.stack} ({c.workload.region})" for c in costs)
    return f"Fargate cost of {', '.join(stacks)} in {currency.code}, running all the time"


def _price_line(region: str, architecture: str, rates: Rates) -> str:
    storage = "no price built in" if rates.storage_gb_hour is None else rates.storage_gb_hour
    return (
        f"{region} {architecture}: {rates.vcpu_hour} per vCPU-hour, {rates.gb_hour} per GB-hour, "
        f"{storage} per GB-hour of storage above {FREE_STORAGE_GIB} GiB "
        f"(read {rates.read_on.isoformat()}: {rates.source})"
    )


def notes(costs: Sequence[VariantCost], currency: Currency) -> list[str]:
    """The formula, every price used with its source, and every assumption."""
    lines = [f"Formula: {FORMULA}; {HOURS_PER_MONTH} h a month, {HOURS_PER_YEAR:,} h a year."]
    lines.append("Prices, USD per hour, Linux on-demand:")
    seen: dict[tuple[str, str], Rates] = {}
    for cost in costs:
        seen.setdefault((cost.workload.region, cost.workload.architecture), cost.rates)
    lines += [f"  {_price_line(region, arch, rates)}" for (region, arch), rates in seen.items()]
    discounts = sorted({c.spot_discount for c in costs if c.workload.spot_share})
    if discounts:
        shown = ", ".join(f"{_qty(d * 100)}%" for d in discounts)
        lines.append(
            f"Fargate Spot: the Spot share of tasks (capacity provider weights) is priced {shown} below on-demand, "
            f"an assumption (pricing.spot_discount; source: {SPOT_SOURCE})."
        )
    if any(c.workload.tasks.low != c.workload.tasks.high for c in costs):
        lines.append("tasks a-b: the cost at a tasks, then at b (scaled out); a year is priced at a.")
    if currency.code != "USD":
        lines.append(f"Exchange rate: {_qty(currency.per_usd)} {currency.code} per USD (as given).")
    return lines


def table(costs: Sequence[VariantCost], currency: Currency = USD) -> str:
    """A plain-text table, numbers right-aligned, then the notes."""
    rows = [_header(currency), *_rows(costs, currency)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(width) if align == "<" else cell.rjust(width)
            for cell, width, (_, align) in zip(row, widths, _COLUMNS, strict=True)
        ).rstrip()
        for row in rows
    ]
    return "\n".join([title(costs, currency), "", *lines, "", *notes(costs, currency)]) + "\n"


def markdown(costs: Sequence[VariantCost], currency: Currency = USD) -> str:
    """A GitHub-flavoured Markdown table, then the notes as a list."""
    align = ["---" if a == "<" else "---:" for _, a in _COLUMNS]
    rows = [_header(currency), align, *_rows(costs, currency)]
    lines = [f"| {' | '.join(row)} |" for row in rows]
    bullets = [f"  - {n.strip()}" if n.startswith("  ") else f"- {n}" for n in notes(costs, currency)]
    return "\n".join([f"**{title(costs, currency)}**", "", *lines, "", *bullets]) + "\n"


def records(costs: Sequence[VariantCost], currency: Currency = USD) -> list[dict[str, object]]:
    """One JSON object per variant (amounts in USD, and in `currency` too when it is not USD)."""
    out = []
    for cost in costs:
        w, storage = cost.workload, cost.rates.storage_gb_hour
        record: dict[str, object] = {
            "stack": w.stack,
            "pipeline": w.pipeline,
            "variant": w.variant,
            "region": w.region,
            "tasks": w.tasks.low,
            "tasks_max": w.tasks.high,
            "vcpu": float(w.vcpu),
            "memory_gib": float(w.memory_gib),
            "ephemeral_storage_gib": w.storage_gib,
            "architecture": w.architecture,
            "spot_share": float(w.spot_share),
            "spot_discount": float(cost.spot_discount),
            "usd_per_task_hour": float(cost.usd_per_task_hour),
            "usd_per_hour": float(cost.usd_per_hour),
            "usd_per_month": float(USD.amount(cost.usd_per_month, 2)),
            "usd_per_month_max": float(USD.amount(cost.usd_per_month_max, 2)),
            "usd_per_year": float(USD.amount(cost.usd_per_year, 2)),
            "prices": {
                "usd_per_vcpu_hour": float(cost.rates.vcpu_hour),
                "usd_per_gb_hour": float(cost.rates.gb_hour),
                "usd_per_storage_gb_hour": None if storage is None else float(storage),
                "source": cost.rates.source,
                "read_on": cost.rates.read_on.isoformat(),
            },
        }
        if currency.code != "USD":
            code = currency.code.lower()
            record[f"{code}_per_usd"] = float(currency.per_usd)
            record[f"{code}_per_hour"] = float(currency.amount(cost.usd_per_hour, 4))
            record[f"{code}_per_month"] = float(currency.amount(cost.usd_per_month, 2))
            record[f"{code}_per_month_max"] = float(currency.amount(cost.usd_per_month_max, 2))
            record[f"{code}_per_year"] = float(currency.amount(cost.usd_per_year, 2))
        out.append(record)
    return out


def as_json(costs: Sequence[VariantCost], currency: Currency = USD) -> str:
    return json.dumps(records(costs, currency), indent=2) + "\n"
