"""The `pricing:` block of pipelines.yaml: Fargate prices, the Spot assumption, exchange rates.

Pure schema (no cdktf); the built-in prices and the formula live in `modules.cost`. Every bound
below is a plausibility check: a figure outside it is a typo (a per-second price entered as
per-hour, a JPY price entered as USD), so the config is refused with the range that is valid.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from . import arns
from .names import check_one_line
from .strict import Strict

#: Currencies the cost report can show; USD is the price list's own.
CURRENCIES = ("USD", "JPY")

#: Plausible units of a currency per USD (JPY per USD stayed within 75-360 since 1971).
USD_RATE_RANGE: dict[str, tuple[float, float]] = {"JPY": (50.0, 500.0)}


def _within(low: float, high: float, what: str) -> AfterValidator:
    def check(value: float) -> float:
        if not low < value <= high:
            raise ValueError(f"not a plausible {what}; use a number above {low:g} and at most {high:g}")
        return value

    return AfterValidator(check)


def check_usd_rate(currency: str, rate: float) -> str | None:
    """None when `rate` (units of `currency` per USD) is plausible, else what is valid."""
    low, high = USD_RATE_RANGE[currency]
    if not low <= rate <= high:
        return f"not a plausible {currency} per USD rate; use {low:g}-{high:g}"
    return None


def _jpy_rate(rate: float) -> float:
    problem = check_usd_rate("JPY", rate)
    if problem:
        raise ValueError(problem)
    return rate


def _spot_discount(value: float) -> float:
    if not 0 <= value <= 0.9:
        raise ValueError("a fraction off the on-demand price: 0 (none) to 0.9; AWS says Spot is up to 0.7 off")
    return value


class FargateRates(Strict):
    """Linux Fargate prices of one region and architecture, in USD, as the price page lists them."""

    vcpu_hour: Annotated[float, _within(0, 1, "USD price per vCPU-hour (0.03-0.07 in 2026)")] = Field(
        description="USD per vCPU-hour (above 0, at most 1)"
    )
    gb_hour: Annotated[float, _within(0, 0.1, "USD price per GB-hour (0.003-0.008 in 2026)")] = Field(
        description="USD per GB-hour of memory (above 0, at most 0.1)"
    )
    storage_gb_hour: Annotated[
        float, _within(0, 0.01, "USD price per GB-hour of ephemeral storage (about 0.0001 in 2026)")
    ] = Field(description="USD per GB-hour of ephemeral storage above the included 20 GiB (above 0, at most 0.01)")
    source: Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(check_one_line)] = Field(
        description="where the figures come from"
    )
    read_on: Annotated[datetime.date, Field(strict=False)] = Field(  # YAML dates and "2026-11-28" alike
        description="the date the figures were read, e.g. 2026-11-28"
    )


class RegionRates(Strict):
    """Prices of one region, per architecture; give the architectures your variants use."""

    x86_64: FargateRates | None = Field(None, description="prices of x86_64 tasks")
    arm64: FargateRates | None = Field(None, description="prices of arm64 tasks")


class UsdRates(Strict):
    """Units of each currency per USD (exchange rates are never built in)."""

    JPY: Annotated[float, AfterValidator(_jpy_rate)] | None = Field(
        None,
        description="JPY per USD ({:g}-{:g}); required when `currency: JPY` (`cost --usd-rate N` overrides it "
        "for one report)".format(*USD_RATE_RANGE["JPY"]),
    )

    def rate(self, currency: str) -> float | None:
        """The rate of `currency`, None when not set."""
        return getattr(self, currency, None)


class PricingConfig(Strict):
    """How the cost report prices the config (docs/cost.md)."""

    regions: dict[Annotated[str, AfterValidator(arns.check_region)], RegionRates] = Field(
        {},
        description="region -> architecture -> prices (Linux on-demand): adds a region or replaces a built-in "
        "entry; every key is required, so each figure says where it came from",
    )
    spot_discount: Annotated[float, AfterValidator(_spot_discount)] = Field(
        0.7, description="fraction off on-demand (0-0.9) assumed for the FARGATE_SPOT share of tasks"
    )
    currency: Literal["USD", "JPY"] = Field("USD", description="currency of `cost` and the synth summary")
    usd_rates: UsdRates = Field(UsdRates(), description="units of each currency per USD (never built in)")

    @model_validator(mode="after")
    def _rate_for_currency(self) -> PricingConfig:
        if self.currency != "USD" and self.usd_rates.rate(self.currency) is None:
            raise ValueError(
                f"currency {self.currency} needs its rate: set pricing.usd_rates.{self.currency} "
                f"({self.currency} per USD, e.g. 149.2)"
            )
        return self
