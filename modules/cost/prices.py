"""Built-in Fargate prices (Linux, on-demand, USD per hour), each with its source and read date.

The config's `pricing.regions` overrides an entry or adds a region (`rates_for`). Ephemeral
storage is priced per region, not per architecture: the ARM rows reuse their region's storage
price. Only figures read in a source are here; a region or architecture without one gets a
statement of why (`why_unpriced`). `python -m modules.cost.price_list` turns AWS's price list
file into these rows (docs/cost.md, "Refreshing the prices"). Re-check these figures against
https://aws.amazon.com/fargate/pricing/ before relying on them for a budget.
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
    """Prices of one region and architecture, in USD per hour.

    `storage_gb_hour` None: no source for the region's ephemeral storage price was read; only a
    variant with more than the free 20 GiB needs it (`model.price` then says so).
    """

    vcpu_hour: Decimal
    gb_hour: Decimal
    storage_gb_hour: Decimal | None
    source: str
    read_on: datetime.date


_READ = datetime.date(2026, 11, 28)
_VANTAGE = "vantage.sh/blog/fargate-pricing (us-east-1 table)"
_TOKYO = "aws.amazon.com/jp/fargate/pricing (Tokyo, Linux/X86), as quoted in the project's source memo"
_TOKYO_STORAGE = "secondary sources quote 0.000133 (one says 0.00014); check " + PRICE_PAGE
_TOKYO_ARM = "one secondary source only; check " + PRICE_PAGE
_FGCALC_READ = datetime.date(2026, 12, 7)
_FGCALC = (
    "github.com/theuves/fgcalc src/utils/data.js (Linux/x86 on-demand per region, committed 2021-01-14: "
    "old, check " + PRICE_PAGE + "); no ARM or storage price found for this region"
)


def _rates(vcpu: str, gb: str, storage: str, source: str) -> Rates:
    return Rates(Decimal(vcpu), Decimal(gb), Decimal(storage), source, _READ)


def _x86_only(vcpu: str, gb: str) -> dict[str, Rates]:
    return {"x86_64": Rates(Decimal(vcpu), Decimal(gb), None, _FGCALC, _FGCALC_READ)}


#: region -> architecture -> Rates. Only figures read in a source, each row naming it.
BUILT_IN: dict[str, dict[str, Rates]] = {
    "ap-northeast-1": {
        "x86_64": _rates("0.05056", "0.00553", "0.000133", f"{_TOKYO}; storage: {_TOKYO_STORAGE}"),
        "arm64": _rates("0.04045", "0.00442", "0.000133", f"{_TOKYO_ARM}; storage as x86"),
    },
    "us-east-1": {
        "x86_64": _rates("0.04048", "0.004445", "0.000111", _VANTAGE),
        "arm64": _rates("0.03238", "0.00356", "0.000111", f"{_VANTAGE}; storage as x86"),
    },
    "af-south-1": _x86_only("0.0546", "0.006"),
    "ap-east-1": _x86_only("0.0556", "0.0061"),
    "ap-northeast-2": _x86_only("0.04656", "0.00511"),
    "ap-south-1": _x86_only("0.04256", "0.004655"),
    "ap-southeast-1": _x86_only("0.05056", "0.00553"),
    "ap-southeast-2": _x86_only("0.04856", "0.00532"),
    "ca-central-1": _x86_only("0.04456", "0.004865"),
    "eu-central-1": _x86_only("0.04656", "0.00511"),
    "eu-north-1": _x86_only("0.0445", "0.0049"),
    "eu-south-1": _x86_only("0.0486", "0.0053"),
    "eu-west-1": _x86_only("0.04048", "0.004445"),
    "eu-west-2": _x86_only("0.04656", "0.00511"),
    "eu-west-3": _x86_only("0.0486", "0.0053"),
    "me-south-1": _x86_only("0.0526", "0.0058"),
    "sa-east-1": _x86_only("0.0696", "0.0076"),
    "us-east-2": _x86_only("0.04048", "0.004445"),
    "us-west-1": _x86_only("0.04656", "0.00511"),
    "us-west-2": _x86_only("0.04048", "0.004445"),
}

#: Commercial regions with Fargate for Linux: AWS's "Supported Regions for Amazon ECS on AWS Fargate"
#: (docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html, read 2026-12-07, whose
#: stored copy breaks off after the Asia Pacific and Canada rows) and, for the European, Middle East,
#: Israel and South American ones, the regions AWS hosts the GuardDuty agent for Fargate in
#: (docs.aws.amazon.com/guardduty/latest/ug/ecs-runtime-agent-ecr-image-uri.html) and the price source.
FARGATE_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1",
    "af-south-1", "ap-east-1", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "sa-east-1",
)  # fmt: skip
#: Why a region has no built-in prices (rates_for's message says it).
NO_SOURCE = "no source for its Fargate prices was found (docs/cost.md lists the regions built in)"
OTHER_PARTITION = "China and GovCloud regions are priced in other partitions' price lists, not built in"
NOT_FARGATE = "not a commercial region with Fargate that the built-in prices know of"


def why_unpriced(region: str, architecture: str) -> str:
    """The statement for a region (and architecture) without built-in prices."""
    if region.startswith(("cn-", "us-gov-")):
        return OTHER_PARTITION
    if region in BUILT_IN:
        return f"only {', '.join(BUILT_IN[region])} prices of {region} were found in a source"
    return NO_SOURCE if region in FARGATE_REGIONS else NOT_FARGATE


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
        f"no Fargate prices for {region} {architecture}: {why_unpriced(region, architecture)}; add "
        f"vcpu_hour, gb_hour, storage_gb_hour (USD, Linux on-demand), source and read_on there, from {PRICE_PAGE}",
    )
