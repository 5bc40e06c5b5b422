"""An experiment's cost to date: each variant's hourly cost times the hours since 00:00 UTC of its start, on an
injected clock; per day; only for the pipelines that declare one."""

from __future__ import annotations

import datetime
from decimal import Decimal

from modules.cost.currency import USD, Currency
from modules.cost.experiment import experiment_costs, hours_since, lines, record
from modules.cost.model import price_deployment
from tests.helpers import default_data, load

NOW = datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC)  # 60 h after 2026-11-30 00:00 UTC
EXPERIMENT = {"id": "batch-64", "hypothesis": "shorter lag", "owner": "ml-platform", "start": "2026-11-30"}


def deployment_with_experiment():
    data = default_data()
    data["pipelines"]["news-encoder"]["experiment"] = EXPERIMENT
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = {"min": 1, "max": 3, "cpu_target": 60}
    data["pipelines"]["other"] = {k: v for k, v in data["pipelines"]["news-encoder"].items() if k != "experiment"}
    return load(data)


def test_hours_count_from_midnight_utc_of_the_start_and_never_below_zero():
    start = datetime.date(2026, 11, 30)
    assert hours_since(start, NOW) == 60
    assert (
        hours_since(start, datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9))))
        == 0
    )
    assert hours_since(start, datetime.datetime(2026, 11, 29, 23, 0, tzinfo=datetime.UTC)) == 0


def test_each_variant_costs_its_hourly_price_times_the_hours_since_the_start():
    deployment = deployment_with_experiment()
    costs = price_deployment(deployment)
    found = experiment_costs([deployment], costs, NOW)
    assert [(item.cost.workload.pipeline, item.cost.workload.variant) for item in found] == [
        ("news-encoder", "control"),
        ("news-encoder", "treatment"),
    ], "only the pipeline that declares the experiment"
    control, treatment = found
    # control: 1 vCPU x 0.05056 + 2 GiB x 0.00553 = 0.06162 USD an hour, one task
    assert control.cost.usd_per_hour == Decimal("0.06162")
    assert control.usd_to_date == (Decimal("3.6972"), Decimal("3.6972"))
    assert control.usd_per_day == (Decimal("1.47888"), Decimal("1.47888"))
    # treatment: 2 vCPU x 0.05056 + 8 GiB x 0.00553 = 0.14536 an hour a task, 1 to 3 tasks
    assert treatment.usd_to_date == (Decimal("0.14536") * 60, Decimal("0.14536") * 3 * 60)
    assert treatment.days == Decimal("2.5")
    assert record(treatment, USD) == {
        "id": "batch-64",
        "start": "2026-11-30",
        "days": 2.5,
        "usd_to_date": 8.72,
        "usd_to_date_max": 26.16,
        "usd_per_day": 3.49,
        "usd_per_day_max": 10.47,
    }
    assert record(control, Currency("JPY", Decimal(150)))["jpy_to_date"] == 555  # 3.6972 x 150, whole yen


def test_the_report_names_the_experiment_its_start_and_each_variants_figures():
    deployment = deployment_with_experiment()
    found = experiment_costs([deployment], price_deployment(deployment), NOW)
    assert lines(found, USD)[1:] == [
        "  news-encoder: batch-64 since 2026-11-30 (2.5 days)",
        "    control: 3.70 to date, 1.48 a day",
        "    treatment: 8.72-26.16 to date, 3.49-10.47 a day",
    ]
    assert lines([], USD) == []
