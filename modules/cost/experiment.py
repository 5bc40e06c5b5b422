"""What each variant of an experiment has cost since its start, and costs a day (pure; no cdktf).

A pipeline's `experiment.start` is a date: the experiment is counted from 00:00 UTC that day to `now`
(the caller's clock). Each variant is priced as it is configured now (`model.VariantCost`), running all the
time since the start: at its low task count, and at its high one when it scales. What ran before a change
of size or count is not known here (AWS Cost Explorer knows it).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..config.resolve import Deployment
from .currency import USD, Currency
from .model import VariantCost

HOURS_PER_DAY = 24


@dataclass(frozen=True)
class ExperimentCost:
    """One variant of an experiment: its cost (`VariantCost`) over the `hours` since the experiment's start."""

    experiment_id: str
    start: datetime.date
    hours: Decimal
    cost: VariantCost

    @property
    def days(self) -> Decimal:
        return self.hours / HOURS_PER_DAY

    @property
    def usd_per_day(self) -> tuple[Decimal, Decimal]:
        """At the low task count, and at the high one."""
        return self.cost.usd_per_hour * HOURS_PER_DAY, self.cost.usd_per_hour_max * HOURS_PER_DAY

    @property
    def usd_to_date(self) -> tuple[Decimal, Decimal]:
        """Since the start, at the low task count and at the high one."""
        return self.cost.usd_per_hour * self.hours, self.cost.usd_per_hour_max * self.hours


def hours_since(start: datetime.date, now: datetime.datetime) -> Decimal:
    """Hours from 00:00 UTC of `start` to `now` (an aware time), 0 before it."""
    midnight = datetime.datetime.combine(start, datetime.time(), datetime.UTC)
    return max(Decimal(str((now - midnight).total_seconds())) / 3600, Decimal(0))


def experiment_costs(
    deployments: Sequence[Deployment], costs: Sequence[VariantCost], now: datetime.datetime
) -> list[ExperimentCost]:
    """The variants of the pipelines that declare an experiment, priced to `now`, in the order of `costs`."""
    experiments = {
        (deployment.stack, spec.pipeline, spec.variant): spec.experiment
        for deployment in deployments
        for spec in deployment.variants
        if spec.experiment is not None
    }
    found = []
    for cost in costs:
        w = cost.workload
        experiment = experiments.get((w.stack, w.pipeline, w.variant))
        if experiment is not None:
            hours = hours_since(experiment.start, now)
            found.append(ExperimentCost(experiment.id, experiment.start, hours, cost))
    return found


def _range(currency: Currency, usd: tuple[Decimal, Decimal]) -> str:
    low, high = (f"{currency.amount(value, 2):,f}" for value in usd)
    return low if low == high else f"{low}-{high}"


def lines(found: Sequence[ExperimentCost], currency: Currency) -> list[str]:
    """The text section: per experiment its start and days, then per variant its cost to date and a day."""
    if not found:
        return []
    out = [
        f"Experiments, in {currency.code}: each variant as configured now, running all the time since the start "
        "(00:00 UTC); a-b: at its low task count, then scaled out:"
    ]
    seen: set[tuple[str, str, str]] = set()
    stacks = {item.cost.workload.stack for item in found}
    for item in found:
        w = item.cost.workload
        key = (w.stack, w.pipeline, item.experiment_id)
        if key not in seen:
            seen.add(key)
            where = f"{w.stack}/{w.pipeline}" if len(stacks) > 1 else w.pipeline
            days = item.days.quantize(Decimal("0.1"))
            out.append(f"  {where}: {item.experiment_id} since {item.start.isoformat()} ({days:f} days)")
        out.append(
            f"    {w.variant}: {_range(currency, item.usd_to_date)} to date, {_range(currency, item.usd_per_day)} a day"
        )
    return out


def record(item: ExperimentCost, currency: Currency) -> dict[str, object]:
    """The JSON of one variant's experiment cost (USD, and `currency` too when it is not USD)."""
    found: dict[str, object] = {
        "id": item.experiment_id,
        "start": item.start.isoformat(),
        "days": float(item.days.quantize(Decimal("0.001"))),
        "usd_to_date": float(USD.amount(item.usd_to_date[0], 2)),
        "usd_to_date_max": float(USD.amount(item.usd_to_date[1], 2)),
        "usd_per_day": float(USD.amount(item.usd_per_day[0], 2)),
        "usd_per_day_max": float(USD.amount(item.usd_per_day[1], 2)),
    }
    if currency.code != "USD":
        code = currency.code.lower()
        found[f"{code}_to_date"] = float(currency.amount(item.usd_to_date[0], 2))
        found[f"{code}_to_date_max"] = float(currency.amount(item.usd_to_date[1], 2))
        found[f"{code}_per_day"] = float(currency.amount(item.usd_per_day[0], 2))
        found[f"{code}_per_day_max"] = float(currency.amount(item.usd_per_day[1], 2))
    return found
