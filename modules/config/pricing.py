"""The `pricing:` block of pipelines.yaml: Fargate prices, the Spot assumption, exchange rates.

Pure schema (no cdktf); the built-in prices and the formula live in `modules.cost`. Every bound
below is a plausibility check: a figure outside it is a typo (a per-second price entered as
per-hour, a JPY price entered as USD), so the config is refused with the range that is valid.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from . import arns

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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FargateRates(_Strict):
    """Linux Fargate prices of one region and architecture, in USD, as the price page lists them."""

    vcpu_hour: Annotated[float, _within(0, 1, "USD price per vCPU-hour (0.03-0.07 in 2026)")]
    gb_hour: Annotated[float, _within(0, 0.1, "USD price per GB-hour (0.003-0.008 in 2026)")]
    storage_gb_hour: Annotated[
        float, _within(0, 0.01, "USD price per GB-hour of ephemeral storage (about 0.0001 in 2026)")
    ]
    source: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    read_on: Annotated[datetime.date, Field(strict=False)]  # YAML dates and "2026-11-28" alike


class RegionRates(_Strict):
    """Prices of one region, per architecture; give the architectures your variants use."""

    x86_64: FargateRates | None = None
    arm64: FargateRates | None = None


class UsdRates(_Strict):
    """Units of each currency per USD (exchange rates are never built in)."""

    JPY: Annotated[float, AfterValidator(_jpy_rate)] | None = None

    def rate(self, currency: str) -> float | None:
        """The rate of `currency`, None when not set."""
        return getattr(self, currency, None)


class PricingConfig(_Strict):
    """How the cost report prices the config (see README, "Cost")."""

    regions: dict[Annotated[str, AfterValidator(arns.check_region)], RegionRates] = {}
    spot_discount: Annotated[float, AfterValidator(_spot_discount)] = 0.7
    currency: Literal["USD", "JPY"] = "USD"
    usd_rates: UsdRates = UsdRates()

    @model_validator(mode="after")
    def _rate_for_currency(self) -> PricingConfig:
        if self.currency != "USD" and self.usd_rates.rate(self.currency) is None:
            raise ValueError(
                f"currency {self.currency} needs its rate: set pricing.usd_rates.{self.currency} "
                f"({self.currency} per USD, e.g. 149.2)"
            )
        return self
