"""Which currency a report uses and where its rate comes from; bad rates name the fix."""

from decimal import Decimal

import pytest

from modules.config import ConfigError
from modules.config.pricing import PricingConfig
from modules.cost.currency import USD, Currency, currency_for


def problem(code, rate, pricing=None) -> str:
    with pytest.raises(ConfigError) as caught:
        currency_for(code, rate, pricing or PricingConfig())
    (only,) = caught.value.problems
    return str(only)


def test_default_is_usd_and_config_can_choose_jpy():
    assert currency_for(None, None, PricingConfig()) == USD
    configured = PricingConfig(currency="JPY", usd_rates={"JPY": 150})
    assert currency_for(None, None, configured) == Currency("JPY", Decimal(150))
    assert currency_for("JPY", 149.2, configured) == Currency("JPY", Decimal("149.2"))
    assert currency_for("USD", None, configured) == USD


def test_missing_rate_says_how_to_give_one():
    assert problem("JPY", None) == (
        "--usd-rate: no JPY per USD rate: pass --usd-rate N (e.g. --usd-rate 149.2) "
        "or set pricing.usd_rates.JPY in the config"
    )


@pytest.mark.parametrize("rate", [-1.0, 0.0, 1.49, 14920.0, float("nan")])
def test_absurd_rates_are_refused(rate):
    assert problem("JPY", rate).startswith("--usd-rate: not a plausible JPY per USD rate; use 50-500 (got ")


def test_a_rate_with_usd_is_refused():
    assert problem("USD", 149.2) == "--usd-rate: only with --currency JPY (USD needs no rate) (got 149.2)"
