"""Refreshing the built-in prices from AWS's price list file (its JSON form, as AWS publishes it)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from modules.cost import price_list
from modules.cost.prices import Rates

READ = datetime.date(2026, 12, 7)


def sku(name: str, region: str, usage: str, usd: str) -> tuple[dict, dict]:
    """One product and its on-demand term, shaped as in AWS's offer file."""
    product = {
        "sku": name,
        "productFamily": "Compute",
        "attributes": {"servicecode": "AmazonECS", "regionCode": region, "usagetype": usage, "tenancy": "Shared"},
    }
    term = {
        f"{name}.JRTCKXETXF": {
            "offerTermCode": "JRTCKXETXF",
            "sku": name,
            "priceDimensions": {
                f"{name}.JRTCKXETXF.6YS6EN2CT7": {"unit": "hours", "pricePerUnit": {"USD": usd}, "appliesTo": []}
            },
            "termAttributes": {},
        }
    }
    return product, term


def offer(*skus: tuple[str, str, str, str]) -> dict:
    products, on_demand = {}, {}
    for name, region, usage, usd in skus:
        products[name], on_demand[name] = sku(name, region, usage, usd)
    return {
        "offerCode": "AmazonECS",
        "version": "20261201000000",
        "publicationDate": "2026-12-01T00:00:00Z",
        "products": products,
        "terms": {"OnDemand": on_demand},
    }


OFFER = offer(
    ("A1", "eu-west-1", "EU-Fargate-vCPU-Hours:perCPU", "0.0404800000"),
    ("A2", "eu-west-1", "EU-Fargate-GB-Hours", "0.0044450000"),
    ("A3", "eu-west-1", "EU-Fargate-ARM-vCPU-Hours:perCPU", "0.0323800000"),
    ("A4", "eu-west-1", "EU-Fargate-ARM-GB-Hours", "0.0035600000"),
    ("A5", "eu-west-1", "EU-Fargate-EphemeralStorage-GB-Hours", "0.0001110000"),
    ("A6", "eu-west-1", "EU-Fargate-Windows-vCPU-Hours:perCPU", "0.0914800000"),
    ("A7", "eu-west-1", "EU-ECS-EC2-vCPU-Hours", "0.0000000000"),
    ("B1", "eu-central-2", "EUC2-Fargate-vCPU-Hours:perCPU", "0.0500000000"),
    ("B2", "eu-central-2", "EUC2-Fargate-GB-Hours", "0.0055000000"),
)


def test_each_regions_linux_prices_are_read_and_nothing_else():
    rates = price_list.rates_in(OFFER, READ)
    source = (
        "AWS price list AmazonECS 20261201000000 (published 2026-12-01T00:00:00Z), "
        "via python -m modules.cost.price_list"
    )
    assert rates == {
        "eu-central-2": {"x86_64": Rates(Decimal("0.05"), Decimal("0.0055"), None, source, READ)},
        "eu-west-1": {
            "x86_64": Rates(Decimal("0.04048"), Decimal("0.004445"), Decimal("0.000111"), source, READ),
            "arm64": Rates(Decimal("0.03238"), Decimal("0.00356"), Decimal("0.000111"), source, READ),
        },
    }


def test_the_printed_rows_are_the_python_of_the_same_prices(tmp_path, capsys):
    path = tmp_path / "ecs.json"
    path.write_text(json.dumps(OFFER))
    assert price_list.main([str(path)]) == 0
    rows = capsys.readouterr().out
    built = eval("{" + rows + "}", {"Decimal": Decimal, "datetime": datetime, "Rates": Rates})
    assert built == price_list.rates_in(OFFER, datetime.date.today())


def test_a_file_without_fargate_prices_is_refused(tmp_path, capsys):
    path = tmp_path / "ec2.json"
    path.write_text(json.dumps(offer(("C1", "eu-west-1", "EU-BoxUsage:t3.micro", "0.0114000000"))))
    assert price_list.main([str(path)]) == 2
    assert capsys.readouterr().err == f"no Fargate prices in {path}\n"
