"""CloudWatch's own price: counted from the config exactly as the stack creates the resources."""

from decimal import Decimal

import yaml

from modules.config import load_text
from modules.cost.cloudwatch import PRICES, CloudWatchCost, cloudwatch_cost, line, why_unpriced
from modules.cost.currency import currency_for
from tests.helpers import ROOT, default_data, load, synth


def synthesized_counts(stack) -> CloudWatchCost:
    resources = stack["resource"]
    alarms = resources.get("aws_cloudwatch_metric_alarm", {}).values()
    metrics = sum(sum(1 for q in a["metric_query"] if "metric" in q) if "metric_query" in a else 1 for a in alarms)
    return CloudWatchCost(
        dashboards=len(resources.get("aws_cloudwatch_dashboard", {})),
        alarm_metrics=metrics,
        custom_metrics=len(resources.get("aws_cloudwatch_log_metric_filter", {})),
    )


def test_the_count_matches_the_synthesized_default_example():
    assert (
        cloudwatch_cost(load(default_data())) == synthesized_counts(synth(default_data())) == CloudWatchCost(1, 10, 2)
    )


def test_the_count_matches_every_backlog_source_of_the_all_features_example():
    data = yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text())
    (deployment,) = load_text((ROOT / "examples" / "all-features.yaml").read_text())
    assert cloudwatch_cost(deployment) == synthesized_counts(synth(data))


def test_nothing_observed_costs_nothing():
    data = default_data()
    data["observability"] = {"enabled": False}
    cost = cloudwatch_cost(load(data))
    assert cost == CloudWatchCost(0, 0, 0) and cost.usd_per_month(PRICES["us-east-1"]) == 0


def test_the_line_shows_units_total_source_and_date():
    currency = currency_for(None, None, load(default_data()).pricing)
    text = line("feature-pipelines", "us-east-1", CloudWatchCost(1, 10, 2), currency)
    assert CloudWatchCost(1, 10, 2).usd_per_month(PRICES["us-east-1"]) == Decimal("4.60")
    assert text.startswith(
        "CloudWatch (feature-pipelines): 1 dashboard(s) x 3.00 + 10 alarm metric(s) x 0.10 + 2 custom metric(s) "
        "x 0.30 USD = 4.60 USD/month in us-east-1, before the free tier; prices: secondary sources ("
    )
    assert "not AWS's own page" in text
    assert text.endswith("read 2026-12-02")


def test_a_region_without_sourced_prices_shows_the_counts_and_why():
    """CloudWatch's prices vary by region: another region's are not applied to this one."""
    currency = currency_for(None, None, load(default_data()).pricing)
    text = line("feature-pipelines", "ap-northeast-1", CloudWatchCost(1, 10, 2), currency)
    assert text == (
        "CloudWatch (feature-pipelines): 1 dashboard(s), 10 alarm metric(s), 2 custom metric(s); unknown for "
        f"ap-northeast-1: {why_unpriced('ap-northeast-1')}"
    )
    assert "Pricing varies by Region" in text
