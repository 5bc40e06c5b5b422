"""The currency a report is shown in, and where its exchange rate comes from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..config.errors import ConfigError, Problem
from ..config.pricing import PricingConfig, check_usd_rate


@dataclass(frozen=True)
class Currency:
    """The currency amounts are shown in: `per_usd` units of it per US dollar."""

    code: str = "USD"
    per_usd: Decimal = Decimal(1)

    def amount(self, usd: Decimal, places: int) -> Decimal:
        """`usd` converted and rounded; JPY has no minor unit, so it drops two places."""
        places = max(places - 2, 0) if self.code == "JPY" else places
        return (usd * self.per_usd).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


USD = Currency()


def currency_for(code: str | None, usd_rate: float | None, pricing: PricingConfig) -> Currency:
    """The currency asked for (default: `pricing.currency`) with its rate from `--usd-rate`,
    else from `pricing.usd_rates`; ConfigError naming the option or key to fix."""
    code = code or pricing.currency
    if code == "USD":
        if usd_rate is not None:
            raise ConfigError([Problem("--usd-rate", "only with --currency JPY (USD needs no rate)", usd_rate)])
        return USD
    if usd_rate is not None:
        problem = check_usd_rate(code, usd_rate)
        if problem:
            raise ConfigError([Problem("--usd-rate", problem, usd_rate)])
        return Currency(code, Decimal(str(usd_rate)))
    configured = pricing.usd_rates.rate(code)
    if configured is not None:
        return Currency(code, Decimal(str(configured)))
    raise ConfigError(
        [
            Problem(
                "--usd-rate",
                f"no {code} per USD rate: pass --usd-rate N (e.g. --usd-rate 149.2) "
                f"or set pricing.usd_rates.{code} in the config",
            )
        ]
    )
