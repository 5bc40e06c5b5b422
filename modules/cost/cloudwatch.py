"""CloudWatch's own monthly price of the resources we create there (dashboards, alarms, error metrics).

Counted from the resolved config, as `constructs.observability` and `constructs.autoscaling` create
them: per pipeline with an observed variant one dashboard; per observed variant one custom metric
(its error count) and its alarms; per variant with step scaling its scale-out and scale-in alarms
(one metric each). Each alarm is priced per metric it reads (metric math: every metric, not the
expression). Target tracking's own alarms, which Application Auto Scaling creates, are not counted.
List prices, USD, standard resolution, before the free tier (3 dashboards, 10 alarm metrics and 10
custom metrics per account), which the account may already use up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ..config.resolve import Deployment, VariantSpec
from .currency import Currency

DASHBOARD_MONTH = Decimal("3.00")
ALARM_METRIC_MONTH = Decimal("0.10")
CUSTOM_METRIC_MONTH = Decimal("0.30")
#: Secondary sources only: the stored copies of AWS's page (https://aws.amazon.com/cloudwatch/pricing/)
#: hold its free tier but not its paid-tier tables (docs/cost.md, "CloudWatch").
SOURCE = (
    "secondary sources (factualminds.com 2026-06-13: dashboards 3 USD; c3x.dev: 0.10 USD per standard alarm "
    "metric; signoz.io 2026-02-15: custom metrics 0.30 USD for the first 10,000), not AWS's own page, whose "
    "stored copies show only the free tier; check https://aws.amazon.com/cloudwatch/pricing/ for your region"
)
READ_ON = datetime.date(2026, 12, 2)
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

    @property
    def usd_per_month(self) -> Decimal:
        """Dashboards, alarm metrics and custom metrics at the list prices."""
        return (
            self.dashboards * DASHBOARD_MONTH
            + self.alarm_metrics * ALARM_METRIC_MONTH
            + self.custom_metrics * CUSTOM_METRIC_MONTH
        )


def cloudwatch_cost(deployment: Deployment) -> CloudWatchCost:
    """The stack's dashboards, alarm metrics and error metrics."""
    observed = [spec for spec in deployment.variants if spec.observability is not None]
    return CloudWatchCost(
        dashboards=len({spec.pipeline for spec in observed}),
        alarm_metrics=sum(alarm_metrics(spec) + step_alarms(spec) for spec in deployment.variants),
        custom_metrics=len(observed),
    )


def line(stack: str, cost: CloudWatchCost, currency: Currency) -> str:
    """One line: the counts, the unit prices, the total, the source and its date."""
    total = currency.amount(cost.usd_per_month, 2)
    return (
        f"CloudWatch ({stack}): {cost.dashboards} dashboard(s) x {DASHBOARD_MONTH} + {cost.alarm_metrics} alarm "
        f"metric(s) x {ALARM_METRIC_MONTH} + {cost.custom_metrics} custom metric(s) x {CUSTOM_METRIC_MONTH} USD "
        f"= {total:,f} {currency.code}/month, before the free tier; prices: {SOURCE}, read {READ_ON.isoformat()}"
    )
