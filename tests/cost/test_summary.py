"""The synth summary's cost lines; missing prices never fail a synth."""

from modules.cost.summary import monthly
from tests.helpers import default_data, load


def test_each_variant_and_the_total():
    per_variant, total = monthly(load(default_data()))
    assert per_variant == {"news-encoder_control": "44.98 USD/month", "news-encoder_treatment": "106.11 USD/month"}
    assert total.startswith("cost: 151.10 USD/month in total, Fargate on-demand;")


def test_configured_currency_and_spot_are_stated():
    data = default_data()
    data["pricing"] = {"currency": "JPY", "usd_rates": {"JPY": 149.2}}
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["fargate_spot_weight"] = 1
    per_variant, total = monthly(load(data))
    assert per_variant["news-encoder_control"] == "6,711 JPY/month"
    assert "(Spot share priced at the assumed pricing.spot_discount)" in total


def test_missing_prices_say_what_to_add():
    data = default_data()
    data["region"] = "eu-west-1"
    per_variant, total = monthly(load(data))
    assert per_variant == {}
    assert total.startswith("cost: unknown; pricing.regions.eu-west-1.x86_64: no Fargate prices")
