"""`python -m modules.cost.price_list FILE ... [--write]`: the built-in Fargate prices from AWS's own price list.

AWS publishes the ECS price list (Fargate's prices) as JSON, per region or for the whole service:

    curl -o ecs.json https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/index.json

This reads such files and prints, per region found, its snapshot entries (Linux on-demand: x86 and ARM
per vCPU-hour and GB-hour, ephemeral storage per GB-hour), each naming the file's version and
publication date as its source, and `--origin` where the file came from when not from AWS directly
(a copy committed elsewhere: its URL, or repository, path and commit); `--write` puts them into the
committed snapshot (modules/cost/prices.json). A region or price the file lacks keeps its entry, never guessed.
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

from .prices import SNAPSHOT, Rates

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


def rates_in(
    offer: Mapping[str, Any], read_on: datetime.date, origin: str | None = None
) -> dict[str, dict[str, Rates]]:
    """region -> architecture -> Rates, for each architecture whose vCPU and GB prices are listed (storage
    None when the file lists no storage price for the region); `origin` (where the file was read) ends the source."""
    found: dict[str, dict[str, dict[str, Decimal]]] = {}
    for region, architecture, field, usd in _listed(offer):
        found.setdefault(region, {}).setdefault(architecture, {})[field] = usd
    source = (
        f"AWS price list AmazonECS {offer.get('version', '?')} (published {offer.get('publicationDate', '?')}), "
        "via python -m modules.cost.price_list" + (f", file read from {origin}" if origin else "")
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


def snapshot_entries(rates: Mapping[str, Mapping[str, Rates]]) -> dict[str, dict[str, dict[str, str]]]:
    """region -> kind (`x86_64`, `arm64`, `storage`) -> the snapshot's figure, for each price found."""
    entries: dict[str, dict[str, dict[str, str]]] = {}
    for region, by_architecture in rates.items():
        for architecture, r in by_architecture.items():
            dated = {"source": r.source, "read_on": r.read_on.isoformat()}
            entry = entries.setdefault(region, {})
            entry[architecture] = {"vcpu_hour": str(r.vcpu_hour), "gb_hour": str(r.gb_hour), **dated}
            if r.storage_gb_hour is not None:
                entry["storage"] = {"gb_hour": str(r.storage_gb_hour), **dated}
    return entries


def merged(snapshot: Mapping[str, Any], entries: Mapping[str, Mapping[str, Mapping[str, str]]]) -> dict[str, Any]:
    """`snapshot` with each price of `entries` replacing the region's entry of its kind (the rest kept)."""
    fargate = {region: dict(kinds) for region, kinds in snapshot["fargate"].items()}
    for region, kinds in entries.items():
        fargate.setdefault(region, {}).update(kinds)
    return {**snapshot, "fargate": fargate}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m modules.cost.price_list", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="AWS price list files of AmazonECS (JSON)")
    parser.add_argument("--write", action="store_true", help=f"update {SNAPSHOT.name} instead of printing the entries")
    parser.add_argument(
        "--origin", help="where the files were read, when not from AWS directly (URL, or repository, path and commit)"
    )
    args = parser.parse_args(argv)
    today = datetime.date.today()
    rates: dict[str, dict[str, Rates]] = {}
    for path in args.files:
        rates.update(rates_in(json.loads(path.read_text()), today, args.origin))
    if not rates:
        print(f"no Fargate prices in {', '.join(map(str, args.files))}", file=sys.stderr)
        return 2
    entries = snapshot_entries(rates)
    if not args.write:
        sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        return 0
    snapshot = merged(json.loads(SNAPSHOT.read_text()), entries)
    SNAPSHOT.write_text(json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n")
    print(f"updated {len(entries)} region(s) in {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
