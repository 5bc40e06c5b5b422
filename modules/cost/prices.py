"""Built-in Fargate prices (Linux, on-demand, USD per hour), each with its source and read date.

The config's `pricing.regions` overrides an entry or adds a region (`rates_for`). Ephemeral
storage is priced per region, not per architecture: the ARM rows reuse their region's storage
price. Re-check these figures against https://aws.amazon.com/fargate/pricing/ before relying on
them for a budget.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from ..config.errors import Problem
from ..config.pricing import PricingConfig

HOURS_PER_MONTH = Decimal(730)
"""AWS's own monthly convention (365 days x 24 h / 12)."""
HOURS_PER_YEAR = Decimal(8760)
FREE_STORAGE_GIB = 20
"""Fargate includes 20 GiB of ephemeral storage per task; only the GiB above it are billed."""
PRICE_PAGE = "https://aws.amazon.com/fargate/pricing/"
SPOT_SOURCE = f"{PRICE_PAGE} (Fargate Spot: 'up to a 70% discount'; Spot prices vary)"


@dataclass(frozen=True)
class Rates:
    """Prices of one region and architecture, in USD per hour."""

    vcpu_hour: Decimal
    gb_hour: Decimal
    storage_gb_hour: Decimal
    source: str
    read_on: datetime.date


_READ = datetime.date(2026, 11, 28)
_VANTAGE = "vantage.sh/blog/fargate-pricing (us-east-1 table)"
_TOKYO = "aws.amazon.com/jp/fargate/pricing (Tokyo, Linux/X86), as quoted in the project's source memo"
_TOKYO_STORAGE = "secondary sources quote 0.000133 (one says 0.00014); check " + PRICE_PAGE
_TOKYO_ARM = "one secondary source only; check " + PRICE_PAGE


def _rates(vcpu: str, gb: str, storage: str, source: str) -> Rates:
    return Rates(Decimal(vcpu), Decimal(gb), Decimal(storage), source, _READ)


#: region -> architecture -> Rates.
BUILT_IN: dict[str, dict[str, Rates]] = {
    "ap-northeast-1": {
        "x86_64": _rates("0.05056", "0.00553", "0.000133", f"{_TOKYO}; storage: {_TOKYO_STORAGE}"),
        "arm64": _rates("0.04045", "0.00442", "0.000133", f"{_TOKYO_ARM}; storage as x86"),
    },
    "us-east-1": {
        "x86_64": _rates("0.04048", "0.004445", "0.000111", _VANTAGE),
        "arm64": _rates("0.03238", "0.00356", "0.000111", f"{_VANTAGE}; storage as x86"),
    },
}


def rates_for(region: str, architecture: str, pricing: PricingConfig) -> Rates | Problem:
    """The config's prices for `region`/`architecture`, else the built-in ones, else a Problem
    that says how to add them."""
    configured = pricing.regions.get(region)
    entry = getattr(configured, architecture) if configured else None
    if entry is not None:
        return Rates(
            Decimal(str(entry.vcpu_hour)),
            Decimal(str(entry.gb_hour)),
            Decimal(str(entry.storage_gb_hour)),
            entry.source,
            entry.read_on,
        )
    if architecture in BUILT_IN.get(region, {}):
        return BUILT_IN[region][architecture]
    return Problem(
        f"pricing.regions.{region}.{architecture}",
        f"no Fargate prices for {region} {architecture} (built in: {', '.join(sorted(BUILT_IN))}); add "
        f"vcpu_hour, gb_hour, storage_gb_hour (USD, Linux on-demand), source and read_on there, from {PRICE_PAGE}",
    )
