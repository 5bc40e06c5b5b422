"""The Fargate cost of each variant (pure; no cdktf).

Per task-hour: vCPU x price per vCPU-hour + GiB x price per GB-hour + GiB of ephemeral storage
above the free 20 x price per storage GB-hour. Per variant-hour: tasks x that, less the Spot tasks
(the FARGATE_SPOT weight's share of the tasks above the FARGATE base; none for an architecture Fargate
Spot does not run, `fargate.runs_on_spot`) x the assumed Spot discount.
Month = 730 h, year = 8,760 h. A `Workload` is read either from a resolved config (`workload_of`) or from synthesized
Terraform JSON (`modules.review.cost.workloads`), so a review can price two outputs without configs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..config import fargate
from ..config.errors import ConfigError, Problem
from ..config.pricing import PricingConfig
from ..config.resolve import Deployment, VariantSpec
from .prices import FREE_STORAGE_GIB, HOURS_PER_MONTH, HOURS_PER_YEAR, Rates, rates_for, why_unpriced


@dataclass(frozen=True)
class Tasks:
    """How many tasks a variant runs: `low` all the time, up to `high` when it scales out."""

    low: int
    high: int


@dataclass(frozen=True)
class Workload:
    """What Fargate bills one variant for."""

    stack: str
    region: str
    pipeline: str
    variant: str
    vcpu: Decimal
    memory_gib: Decimal
    architecture: str
    storage_gib: int
    tasks: Tasks
    fargate_weight: int
    spot_weight: int
    fargate_base: int = 0
    """Tasks ECS places on FARGATE before the weights share the rest."""

    @property
    def spot_share(self) -> Decimal:
        """The share of the tasks above the base that ECS places on FARGATE_SPOT (capacity provider weights);
        0 for an architecture Fargate Spot never runs (arm64), whatever the weights say."""
        total = self.fargate_weight + self.spot_weight
        if not total or not fargate.runs_on_spot(self.architecture):
            return Decimal(0)
        return Decimal(self.spot_weight) / total

    def spot_tasks(self, tasks: int) -> Decimal:
        """Of `tasks` running, how many run on FARGATE_SPOT: the weights' share of those above the base."""
        return max(tasks - self.fargate_base, 0) * self.spot_share


def tasks_of(spec: VariantSpec) -> Tasks:
    """The tasks a variant runs: autoscaling's min and max (the service starts at min and
    ignores desired_count), else its desired count. Scheduled actions are not modelled."""
    scaling, desired_count = spec.settings.autoscaling, spec.settings.desired_count
    if scaling is not None and scaling.min is not None and scaling.max is not None:
        return Tasks(scaling.min, scaling.max)
    return Tasks(desired_count, desired_count)


def workload_of(spec: VariantSpec, *, stack: str, region: str) -> Workload:
    """The billed shape of one resolved variant."""
    return Workload(
        stack=stack,
        region=region,
        pipeline=spec.pipeline,
        variant=spec.variant,
        vcpu=Decimal(str(spec.settings.cpu)),
        memory_gib=Decimal(str(spec.settings.memory)),
        architecture=spec.settings.architecture,
        storage_gib=spec.settings.ephemeral_storage or FREE_STORAGE_GIB,
        tasks=tasks_of(spec),
        fargate_weight=spec.settings.fargate_weight,
        spot_weight=spec.settings.fargate_spot_weight,
        fargate_base=spec.settings.fargate_base,
    )


def task_hour_usd(vcpu: Decimal, memory_gib: Decimal, storage_gib: int, rates: Rates) -> Decimal:
    """On-demand USD for one task running one hour."""
    extra_storage = max(storage_gib - FREE_STORAGE_GIB, 0)
    storage = extra_storage * rates.storage_gb_hour if extra_storage else Decimal(0)
    return vcpu * rates.vcpu_hour + memory_gib * rates.gb_hour + storage


@dataclass(frozen=True)
class VariantCost:
    """One variant's cost at its low task count (`usd_per_*`) and at its high one (`*_max`)."""

    workload: Workload
    rates: Rates
    spot_discount: Decimal

    @property
    def usd_per_task_hour(self) -> Decimal:
        """One task for one hour, on-demand."""
        w = self.workload
        return task_hour_usd(w.vcpu, w.memory_gib, w.storage_gib, self.rates)

    def _per_hour(self, tasks: int) -> Decimal:
        return self.usd_per_task_hour * (tasks - self.workload.spot_tasks(tasks) * self.spot_discount)

    @property
    def usd_per_hour(self) -> Decimal:
        return self._per_hour(self.workload.tasks.low)

    @property
    def usd_per_hour_max(self) -> Decimal:
        return self._per_hour(self.workload.tasks.high)

    @property
    def usd_per_month(self) -> Decimal:
        return self.usd_per_hour * HOURS_PER_MONTH

    @property
    def usd_per_month_max(self) -> Decimal:
        return self.usd_per_hour_max * HOURS_PER_MONTH

    @property
    def usd_per_year(self) -> Decimal:
        return self.usd_per_hour * HOURS_PER_YEAR


def price(workloads: Iterable[Workload], pricing: PricingConfig) -> tuple[list[VariantCost], list[Problem]]:
    """Each workload's cost; a Problem (once) per region/architecture without prices."""
    costs: list[VariantCost] = []
    problems: list[Problem] = []
    for workload in workloads:
        rates = rates_for(workload.region, workload.architecture, pricing)
        if isinstance(rates, Problem) or (rates.storage_gb_hour is None and workload.storage_gib > FREE_STORAGE_GIB):
            problem = rates if isinstance(rates, Problem) else _no_storage_price(workload)
            if problem not in problems:
                problems.append(problem)
            continue
        costs.append(VariantCost(workload, rates, Decimal(str(pricing.spot_discount))))
    return costs, problems


def _no_storage_price(workload: Workload) -> Problem:
    region, architecture = workload.region, workload.architecture
    return Problem(
        f"pricing.regions.{region}.{architecture}",
        f"unknown for {region}: ephemeral storage price: {why_unpriced(region, 'storage')} (only the free "
        f"{FREE_STORAGE_GIB} GiB are priced; {workload.pipeline}/{workload.variant} asks for {workload.storage_gib}); "
        "add vcpu_hour, gb_hour, storage_gb_hour (USD, Linux on-demand), source and read_on there",
    )


def workloads_of(deployment: Deployment) -> list[Workload]:
    """What each variant of `deployment` runs, in its stack and region."""
    return [workload_of(spec, stack=deployment.stack, region=deployment.region) for spec in deployment.variants]


def price_deployment(deployment: Deployment) -> list[VariantCost]:
    """Every variant's cost with the config's own pricing; ConfigError when prices are missing."""
    costs, problems = price(workloads_of(deployment), deployment.pricing)
    if problems:
        raise ConfigError(problems)
    return costs
