"""The synth summary's cost lines; missing prices never fail a synth."""

import yaml

from modules.cost.summary import monthly, overall
from tests.helpers import ROOT, default_data, load, load_all


def test_each_variant_and_the_total():
    costs = monthly(load(default_data()))
    assert costs.per_variant == {
        "news-encoder_control": "44.98 USD/month",
        "news-encoder_treatment": "106.11 USD/month",
    }
    assert costs.line.startswith("cost: 151.10 USD/month for this stack (Fargate on-demand);")


def test_configured_currency_and_spot_are_stated():
    data = default_data()
    data["pricing"] = {"currency": "JPY", "usd_rates": {"JPY": 149.2}}
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["fargate_spot_weight"] = 1
    costs = monthly(load(data))
    assert costs.per_variant["news-encoder_control"] == "6,711 JPY/month"
    assert "(Fargate on-demand; the Spot share 70% below it, assumed: pricing.spot_discount);" in costs.line


def test_missing_prices_say_what_to_add():
    data = default_data()
    data["region"] = "eu-central-2"
    costs = monthly(load(data))
    assert (costs.per_variant, costs.usd_per_month) == ({}, None)
    assert costs.line.startswith(
        "cost: unknown; pricing.regions.eu-central-2.x86_64: unknown for eu-central-2: Fargate"
    )


def test_all_stacks_together():
    deployments = load_all(yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text()))
    stacks = [monthly(d) for d in deployments]
    assert [d.stack for d in deployments] == ["dev", "stg", "prd"]
    assert overall(deployments, stacks) == "cost of all 3 stacks: 278.14 USD/month"
    data = default_data()
    data["region"] = "eu-central-2"
    unpriced = monthly(load(data))
    assert overall(deployments, [*stacks[:2], unpriced]).endswith("USD/month (1 without prices left out)")
