"""Built-in Fargate prices (Linux, on-demand, USD per hour), each with its source and read date.

The figures live in the committed snapshot `prices.json`: per commercial Fargate region, the x86_64 and
arm64 vCPU and GB prices and the ephemeral storage price, each a figure with its source and read date
or an `unknown` statement of why there is none (never a guess). The config's `pricing.regions`
overrides an entry or adds a region (`rates_for`). `python -m modules.cost.price_list FILE --write`
refreshes the snapshot from AWS's price list files (docs/cost.md, "Refreshing the prices").
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..config.errors import Problem
from ..config.pricing import PricingConfig
from ..lib.generated_text import Markers

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


#: The committed snapshot of built-in prices: per region, each figure with its source and read date, or an
#: `unknown` statement (`python -m modules.cost.price_list --write` refreshes it from AWS's price list).
SNAPSHOT = Path(__file__).with_name("prices.json")
Figure = Mapping[str, str]


def _snapshot() -> dict[str, Any]:
    return json.loads(SNAPSHOT.read_text())


def _rates(architecture: Figure, storage: Figure) -> Rates:
    return Rates(
        Decimal(architecture["vcpu_hour"]),
        Decimal(architecture["gb_hour"]),
        Decimal(storage["gb_hour"]) if "gb_hour" in storage else None,
        architecture["source"] + ("" if "unknown" in storage else f"; storage: {storage['source']}"),
        datetime.date.fromisoformat(architecture["read_on"]),
    )


_SNAPSHOT = _snapshot()
#: region -> kind (`x86_64`, `arm64`, `storage`) -> figure or `{"unknown": why}`, as the snapshot holds them.
FARGATE_SNAPSHOT: dict[str, dict[str, Figure]] = _SNAPSHOT["fargate"]
#: region -> CloudWatch figures or `{"unknown": why}` (read by `cloudwatch`).
CLOUDWATCH_SNAPSHOT: dict[str, Figure] = _SNAPSHOT["cloudwatch"]
#: region -> architecture -> Rates, for each architecture with sourced vCPU and GB prices.
BUILT_IN: dict[str, dict[str, Rates]] = {
    region: {
        architecture: _rates(kinds[architecture], kinds["storage"])
        for architecture in ("x86_64", "arm64")
        if "unknown" not in kinds[architecture]
    }
    for region, kinds in FARGATE_SNAPSHOT.items()
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
OTHER_PARTITION = "China and GovCloud regions are priced in other partitions' price lists, not built in"
NOT_FARGATE = "not a commercial region with Fargate that the built-in prices know of"


def why_unpriced(region: str, kind: str) -> str:
    """Why `region` has no built-in price of `kind` (`x86_64`, `arm64` or `storage`): the snapshot's statement."""
    if region.startswith(("cn-", "us-gov-")):
        return OTHER_PARTITION
    if region not in FARGATE_SNAPSHOT:
        return NOT_FARGATE
    return FARGATE_SNAPSHOT[region][kind].get("unknown", f"{kind} prices of {region} are built in")


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
        f"unknown for {region}: Fargate {architecture} prices: {why_unpriced(region, architecture)}; add "
        f"vcpu_hour, gb_hour, storage_gb_hour (USD, Linux on-demand), source and read_on there, from {PRICE_PAGE}",
    )


#: Where docs/cost.md holds the generated table of the snapshot (`table`).
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "cost.md"
MARKERS = Markers("<!-- generated: python -m modules.cost.prices -->", "<!-- end generated prices -->")


def _cell(entry: Figure, *keys: str) -> str:
    return "unknown" if "unknown" in entry else " / ".join(entry[key] for key in keys)


def table() -> str:
    """The snapshot as a Markdown table: per region, each price (or `unknown`), then the sources by number."""
    sources: dict[str, int] = {}

    def cited(entry: Figure) -> str:
        if "unknown" in entry:
            return ""
        number = sources.setdefault(f"{entry['source']} (read {entry['read_on']})", len(sources) + 1)
        return f" [{number}]"

    lines = [
        "| region | x86_64 vCPU / GB-hour | arm64 vCPU / GB-hour | storage GB-hour "
        "| CloudWatch dashboard / alarm metric / custom metric a month |",
        "|---|---|---|---|---|",
    ]
    for region, kinds in FARGATE_SNAPSHOT.items():
        watch = CLOUDWATCH_SNAPSHOT[region]
        cells = [
            _cell(kinds["x86_64"], "vcpu_hour", "gb_hour") + cited(kinds["x86_64"]),
            _cell(kinds["arm64"], "vcpu_hour", "gb_hour") + cited(kinds["arm64"]),
            _cell(kinds["storage"], "gb_hour") + cited(kinds["storage"]),
            _cell(watch, "dashboard_month", "alarm_metric_month", "custom_metric_month") + cited(watch),
        ]
        lines.append(f"| {region} | {' | '.join(cells)} |")
    lines.append("")
    lines += [f"{number}. {source}" for source, number in sources.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    DOCUMENT.write_text(MARKERS.splice(DOCUMENT.read_text(), table()))
    print(f"updated {DOCUMENT}")
