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


def test_the_printed_entries_are_the_snapshots_form_of_the_same_prices(tmp_path, capsys):
    path = tmp_path / "ecs.json"
    path.write_text(json.dumps(OFFER))
    assert price_list.main([str(path)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == price_list.snapshot_entries(price_list.rates_in(OFFER, datetime.date.today()))
    assert printed["eu-west-1"]["storage"]["gb_hour"] == "0.000111"
    assert "storage" not in printed["eu-central-2"], "a price the file lacks is left out"


def test_write_replaces_the_prices_found_and_keeps_every_other_entry(tmp_path, monkeypatch):
    snapshot = tmp_path / "prices.json"
    before = {
        "about": "kept",
        "fargate": {
            "eu-central-2": {
                "x86_64": {"unknown": "none yet"},
                "arm64": {"unknown": "none yet"},
                "storage": {"unknown": "none yet"},
            },
            "eu-west-3": {"x86_64": {"unknown": "kept"}, "arm64": {"unknown": "kept"}, "storage": {"unknown": "kept"}},
        },
        "cloudwatch": {"eu-west-3": {"unknown": "kept"}},
    }
    snapshot.write_text(json.dumps(before))
    monkeypatch.setattr(price_list, "SNAPSHOT", snapshot)
    path = tmp_path / "ecs.json"
    path.write_text(json.dumps(OFFER))
    assert price_list.main([str(path), "--write"]) == 0
    after = json.loads(snapshot.read_text())
    assert after["about"] == "kept" and after["cloudwatch"] == before["cloudwatch"]
    assert after["fargate"]["eu-west-3"] == before["fargate"]["eu-west-3"]
    central = after["fargate"]["eu-central-2"]
    assert central["x86_64"]["vcpu_hour"] == "0.05" and central["x86_64"]["source"].startswith(
        "AWS price list AmazonECS"
    )
    assert central["arm64"] == central["storage"] == {"unknown": "none yet"}, "what the file lacks stays as it was"
    assert after["fargate"]["eu-west-1"]["arm64"]["gb_hour"] == "0.00356", "a region new to the snapshot is added"


def test_the_committed_snapshot_is_in_the_form_write_produces():
    """A refresh rewrites the file as `json.dumps(indent=2)`: the committed one already is, so its diff shows prices."""
    text = price_list.SNAPSHOT.read_text()
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_a_file_without_fargate_prices_is_refused(tmp_path, capsys):
    path = tmp_path / "ec2.json"
    path.write_text(json.dumps(offer(("C1", "eu-west-1", "EU-BoxUsage:t3.micro", "0.0114000000"))))
    assert price_list.main([str(path)]) == 2
    assert capsys.readouterr().err == f"no Fargate prices in {path}\n"


def test_origin_names_where_a_copy_of_the_file_was_read(tmp_path, capsys):
    """A price list file read from a copy committed elsewhere says so: its figures cite AWS's file and the copy."""
    path = tmp_path / "ecs.json"
    path.write_text(json.dumps(OFFER))
    origin = "github.com/example/repo testdata/ecs.json @0123abc"
    assert price_list.main([str(path), "--origin", origin]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["eu-west-1"]["arm64"]["source"] == (
        "AWS price list AmazonECS 20261201000000 (published 2026-12-01T00:00:00Z), "
        f"via python -m modules.cost.price_list, file read from {origin}"
    )
