"""`python -m modules.cost.price_list FILE ...`: built-in price rows from AWS's own price list.

AWS publishes the ECS price list (Fargate's prices) as JSON, per region or for the whole service:

    curl -o ecs.json https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/index.json

This reads such files and prints, per region found, the `BUILT_IN` entry of modules/cost/prices.py
(Linux on-demand: x86 and ARM per vCPU-hour and GB-hour, ephemeral storage per GB-hour), each
naming the file's publication date as its source; paste them over the older rows. A region or
architecture whose prices the file lacks is left out, never guessed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from .prices import Rates

#: The usage types (after the region's prefix, such as `USE1-` or `EU-`) of the prices we use.
USAGE_TYPES = {
    "Fargate-vCPU-Hours:perCPU": ("x86_64", "vcpu_hour"),
    "Fargate-GB-Hours": ("x86_64", "gb_hour"),
    "Fargate-ARM-vCPU-Hours:perCPU": ("arm64", "vcpu_hour"),
    "Fargate-ARM-GB-Hours": ("arm64", "gb_hour"),
    "Fargate-EphemeralStorage-GB-Hours": ("storage", "storage_gb_hour"),
}
_USAGE = re.compile(r"^(?:[A-Z0-9]+-)?(Fargate-.+)$")


def _on_demand_usd(terms: Mapping[str, Any]) -> Decimal | None:
    """The USD price of a SKU's one on-demand term, or None when it has not exactly one price."""
    prices = [
        dimension["pricePerUnit"].get("USD")
        for term in terms.values()
        for dimension in term.get("priceDimensions", {}).values()
    ]
    if len(prices) != 1 or prices[0] is None:
        return None
    return Decimal(prices[0]).normalize()


def _listed(offer: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Decimal]]:
    """(region, architecture or "storage", field, USD) of each Fargate price in the offer file."""
    on_demand = offer.get("terms", {}).get("OnDemand", {})
    for sku, product in offer.get("products", {}).items():
        attributes = product.get("attributes", {})
        usage = _USAGE.match(attributes.get("usagetype", ""))
        region = attributes.get("regionCode")
        if usage is None or usage.group(1) not in USAGE_TYPES or not region or sku not in on_demand:
            continue
        usd = _on_demand_usd(on_demand[sku])
        if usd is not None:
            yield (region, *USAGE_TYPES[usage.group(1)], usd)


def rates_in(offer: Mapping[str, Any], read_on: datetime.date) -> dict[str, dict[str, Rates]]:
    """region -> architecture -> Rates, for each architecture whose vCPU and GB prices are listed (storage
    None when the file lists no storage price for the region)."""
    found: dict[str, dict[str, dict[str, Decimal]]] = {}
    for region, architecture, field, usd in _listed(offer):
        found.setdefault(region, {}).setdefault(architecture, {})[field] = usd
    source = (
        f"AWS price list AmazonECS {offer.get('version', '?')} (published {offer.get('publicationDate', '?')}), "
        "via python -m modules.cost.price_list"
    )
    rates: dict[str, dict[str, Rates]] = {}
    for region, by_architecture in sorted(found.items()):
        storage = by_architecture.get("storage", {}).get("storage_gb_hour")
        for architecture in ("x86_64", "arm64"):
            prices = by_architecture.get(architecture, {})
            if {"vcpu_hour", "gb_hour"} <= prices.keys():
                rates.setdefault(region, {})[architecture] = Rates(
                    prices["vcpu_hour"], prices["gb_hour"], storage, source, read_on
                )
    return rates


def python_rows(rates: Mapping[str, Mapping[str, Rates]]) -> str:
    """The entries of `BUILT_IN` as Python source."""
    lines = []
    for region, by_architecture in rates.items():
        lines.append(f"    {json.dumps(region)}: {{")
        for architecture, r in by_architecture.items():
            values = (r.vcpu_hour, r.gb_hour, r.storage_gb_hour)
            figures = ", ".join("None" if value is None else f'Decimal("{value}")' for value in values)
            date = f"datetime.date({r.read_on.year}, {r.read_on.month}, {r.read_on.day})"
            lines.append(f"        {json.dumps(architecture)}: Rates({figures}, {json.dumps(r.source)}, {date}),")
        lines.append("    },")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modules.cost.price_list", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="AWS price list files of AmazonECS (JSON)")
    args = parser.parse_args(argv)
    today = datetime.date.today()
    rates: dict[str, dict[str, Rates]] = {}
    for path in args.files:
        rates.update(rates_in(json.loads(path.read_text()), today))
    if not rates:
        print(f"no Fargate prices in {', '.join(map(str, args.files))}", file=sys.stderr)
        return 2
    sys.stdout.write(python_rows(rates))
    return 0


if __name__ == "__main__":
    sys.exit(main())
