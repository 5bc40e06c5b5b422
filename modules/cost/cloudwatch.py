"""CloudWatch's own monthly price of the resources we create there (dashboards, alarms, error metrics).

Counted from the resolved config, as `constructs.observability` and `constructs.autoscaling` create
them: per pipeline with an observed variant one dashboard; per observed variant one custom metric
(its error count) and its alarms; per variant with step scaling its scale-out and scale-in alarms
(one metric each). Each alarm is priced per metric it reads (metric math: every metric, not the
expression). Target tracking's own alarms, which Application Auto Scaling creates, are not counted.
List prices of the stack's region (`prices.json`; CloudWatch's vary by region), USD, standard
resolution, before the free tier (3 dashboards, 10 alarm metrics and 10
custom metrics per account), which the account may already use up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ..config.resolve import Deployment, VariantSpec
from .currency import Currency
from .prices import CLOUDWATCH_SNAPSHOT


@dataclass(frozen=True)
class CloudWatchPrices:
    """One region's CloudWatch list prices the cost line uses, USD per month, with their source and read date."""

    dashboard_month: Decimal
    alarm_metric_month: Decimal
    custom_metric_month: Decimal
    source: str
    read_on: datetime.date


#: region -> its CloudWatch prices (sourced ones only), from the committed snapshot (`prices.SNAPSHOT`).
PRICES: dict[str, CloudWatchPrices] = {
    region: CloudWatchPrices(
        Decimal(entry["dashboard_month"]),
        Decimal(entry["alarm_metric_month"]),
        Decimal(entry["custom_metric_month"]),
        entry["source"],
        datetime.date.fromisoformat(entry["read_on"]),
    )
    for region, entry in CLOUDWATCH_SNAPSHOT.items()
    if "unknown" not in entry
}


def why_unpriced(region: str) -> str:
    """Why `region` has no built-in CloudWatch prices."""
    entry = CLOUDWATCH_SNAPSHOT.get(region)
    return entry["unknown"] if entry else "not a region the built-in prices know of"


#: Metrics each alarm reads: tasks (running, desired), errors, cpu, memory.
FIXED_ALARM_METRICS = 2 + 1 + 1 + 1


def step_alarms(spec: VariantSpec) -> int:
    """The variant's step scaling alarms: one per direction with steps (each reads one metric)."""
    steps = spec.settings.autoscaling.steps if spec.settings.autoscaling else None
    return 0 if steps is None else bool(steps.scale_out) + bool(steps.scale_in)


def alarm_metrics(spec: VariantSpec) -> int:
    """Metrics the variant's observability alarms read (0 when it is not observed)."""
    obs = spec.observability
    if obs is None:
        return 0
    backlog = spec.settings.autoscaling.backlog if spec.settings.autoscaling else None
    if backlog is None or obs.stream_lag_threshold is None:
        return FIXED_ALARM_METRICS
    per_task = backlog.source == "sqs" or (backlog.source == "cloudwatch" and bool(backlog.per_task))
    return FIXED_ALARM_METRICS + (2 if per_task else 1)


@dataclass(frozen=True)
class CloudWatchCost:
    """What one stack's observability costs a month."""

    dashboards: int
    alarm_metrics: int
    custom_metrics: int

    def usd_per_month(self, prices: CloudWatchPrices) -> Decimal:
        """Dashboards, alarm metrics and custom metrics at `prices`."""
        return (
            self.dashboards * prices.dashboard_month
            + self.alarm_metrics * prices.alarm_metric_month
            + self.custom_metrics * prices.custom_metric_month
        )


def cloudwatch_cost(deployment: Deployment) -> CloudWatchCost:
    """The stack's dashboards, alarm metrics and error metrics."""
    observed = [spec for spec in deployment.variants if spec.observability is not None]
    return CloudWatchCost(
        dashboards=len({spec.pipeline for spec in observed}),
        alarm_metrics=sum(alarm_metrics(spec) + step_alarms(spec) for spec in deployment.variants),
        custom_metrics=len(observed),
    )


def line(stack: str, region: str, cost: CloudWatchCost, currency: Currency) -> str:
    """One line: the counts, the region's unit prices, the total, the source and its date; or, for a region
    without sourced prices, the counts and why its prices are unknown."""
    counts = (
        f"{cost.dashboards} dashboard(s), {cost.alarm_metrics} alarm metric(s), {cost.custom_metrics} custom metric(s)"
    )
    prices = PRICES.get(region)
    if prices is None:
        return f"CloudWatch ({stack}): {counts}; unknown for {region}: {why_unpriced(region)}"
    total = currency.amount(cost.usd_per_month(prices), 2)
    return (
        f"CloudWatch ({stack}): {cost.dashboards} dashboard(s) x {prices.dashboard_month} + {cost.alarm_metrics} "
        f"alarm metric(s) x {prices.alarm_metric_month} + {cost.custom_metrics} custom metric(s) x "
        f"{prices.custom_metric_month} USD = {total:,f} {currency.code}/month in {region}, before the free tier; "
        f"prices: {prices.source}, read {prices.read_on.isoformat()}"
    )
