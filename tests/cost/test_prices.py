"""The committed price snapshot (modules/cost/prices.json): every commercial Fargate region has, for each price
the cost report uses, a figure with its source and read date or a statement of why there is none."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from modules.cost import cloudwatch, prices
from modules.cost.prices import BUILT_IN, CLOUDWATCH_SNAPSHOT, FARGATE_REGIONS, FARGATE_SNAPSHOT

FARGATE_KINDS = {"x86_64": ("vcpu_hour", "gb_hour"), "arm64": ("vcpu_hour", "gb_hour"), "storage": ("gb_hour",)}
CLOUDWATCH_FIGURES = ("dashboard_month", "alarm_metric_month", "custom_metric_month")


def assert_figure_or_statement(entry: dict[str, str], figures: tuple[str, ...]) -> None:
    if "unknown" in entry:
        assert entry.keys() == {"unknown"} and len(entry["unknown"]) > 20, entry
        return
    assert entry.keys() == {*figures, "source", "read_on"}, entry
    assert all(Decimal(entry[key]) > 0 for key in figures), entry
    assert entry["source"].strip()
    assert datetime.date.fromisoformat(entry["read_on"]) <= datetime.date.today()


def test_the_snapshot_covers_exactly_the_commercial_fargate_regions():
    assert sorted(FARGATE_SNAPSHOT) == sorted(FARGATE_REGIONS)
    assert sorted(CLOUDWATCH_SNAPSHOT) == sorted(FARGATE_REGIONS)


@pytest.mark.parametrize("region", FARGATE_REGIONS)
def test_every_price_of_a_region_is_sourced_or_says_why_not(region):
    assert FARGATE_SNAPSHOT[region].keys() == FARGATE_KINDS.keys()
    for kind, figures in FARGATE_KINDS.items():
        assert_figure_or_statement(FARGATE_SNAPSHOT[region][kind], figures)
    assert_figure_or_statement(CLOUDWATCH_SNAPSHOT[region], CLOUDWATCH_FIGURES)


@pytest.mark.parametrize("region", sorted(BUILT_IN))
def test_sourced_figures_are_plausible(region):
    """Per hour: a vCPU costs more than a GB, and ARM less than x86 (AWS prices Graviton lower); storage per GB
    far less than memory. A figure off by a unit (per second, per month) or swapped fails here."""
    rates = BUILT_IN[region]
    for r in rates.values():
        assert Decimal("0.02") < r.vcpu_hour < Decimal("0.1") and Decimal("0.002") < r.gb_hour < Decimal("0.01")
        assert r.storage_gb_hour is None or r.storage_gb_hour < r.gb_hour / 10
    if {"x86_64", "arm64"} <= rates.keys():
        assert rates["arm64"].vcpu_hour < rates["x86_64"].vcpu_hour
        assert rates["arm64"].gb_hour < rates["x86_64"].gb_hour


def test_cloudwatch_prices_are_per_region():
    assert set(cloudwatch.PRICES) == {r for r, e in CLOUDWATCH_SNAPSHOT.items() if "unknown" not in e}
    assert cloudwatch.PRICES["us-east-1"].dashboard_month == Decimal("3.00")


def test_the_docs_table_is_the_snapshot():
    fix = "docs/cost.md is out of date: run `python -m modules.cost.prices`"
    assert prices.MARKERS.part(prices.DOCUMENT.read_text()) == prices.table(), fix
