"""The `pricing:` block: plausible prices, a Spot discount, exchange rates; bad input named."""

from tests.helpers import config_problems, default_data, load

GOOD = {"vcpu_hour": 0.04456, "gb_hour": 0.004865, "storage_gb_hour": 0.000122, "source": "x", "read_on": "2026-11-28"}


def problems(pricing) -> list[str]:
    data = default_data()
    data["pricing"] = pricing
    return config_problems(data)


def test_defaults():
    pricing = load(default_data()).pricing
    assert (pricing.spot_discount, pricing.currency, pricing.regions) == (0.7, "USD", {})
    assert pricing.usd_rates.rate("JPY") is None


def test_negative_and_absurd_prices():
    found = problems(
        {"regions": {"eu-west-1": {"x86_64": {**GOOD, "vcpu_hour": -0.04}, "arm64": {**GOOD, "gb_hour": 4.4}}}}
    )
    assert found == [
        "pricing.regions.eu-west-1.x86_64.vcpu_hour: not a plausible USD price per vCPU-hour (0.03-0.07 in 2026); "
        "use a number above 0 and at most 1 (got -0.04)",
        "pricing.regions.eu-west-1.arm64.gb_hour: not a plausible USD price per GB-hour (0.003-0.008 in 2026); "
        "use a number above 0 and at most 0.1 (got 4.4)",
    ]


def test_prices_need_a_source_and_a_date():
    found = problems(
        {"regions": {"eu-west-1": {"x86_64": {"vcpu_hour": 0.04, "gb_hour": 0.004, "storage_gb_hour": 0}}}}
    )
    assert "pricing.regions.eu-west-1.x86_64.source: required key is missing" in found
    assert "pricing.regions.eu-west-1.x86_64.read_on: required key is missing" in found


def test_bad_region_spot_discount_and_rates():
    assert problems({"regions": {"tokyo": {}}}) == [
        "pricing.regions.tokyo: not an AWS region name such as ap-northeast-1 or us-east-1 (got 'tokyo')"
    ]
    assert problems({"spot_discount": 1.2}) == [
        "pricing.spot_discount: a fraction off the on-demand price: 0 (none) to 0.9; AWS says Spot is up to 0.7 off"
        " (got 1.2)"
    ]
    assert problems({"usd_rates": {"JPY": -149.2}}) == [
        "pricing.usd_rates.JPY: not a plausible JPY per USD rate; use 50-500 (got -149.2)"
    ]
    assert problems({"currency": "EUR"})[0].startswith("pricing.currency: Input should be 'USD' or 'JPY'")


def test_a_currency_without_its_rate():
    (found,) = problems({"currency": "JPY"})
    assert found.startswith("pricing: currency JPY needs its rate: set pricing.usd_rates.JPY")


def test_a_rate_for_an_unknown_currency_is_one_problem():
    assert problems({"currency": "JPY", "usd_rates": {"JPY": 149.2, "EUR": 0.9}}) == [
        "pricing.usd_rates.EUR: unknown key; valid keys: JPY"
    ]
