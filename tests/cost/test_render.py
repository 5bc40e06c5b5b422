"""Cost reports as people read them: table, Markdown, JSON; sources and assumptions shown."""

import json
from decimal import Decimal

from modules.cost import render
from modules.cost.currency import Currency
from modules.cost.model import Tasks, VariantCost, price_deployment
from modules.cost.prices import BUILT_IN
from tests.cost.test_model import TOKYO_X86, workload
from tests.helpers import default_data, load

YEN = Currency("JPY", Decimal("149.2"))
#: When the built-in Tokyo x86 prices were read (the reports name it).
TOKYO_READ = BUILT_IN["ap-northeast-1"]["x86_64"].read_on.isoformat()


def default_costs():
    return price_deployment(load(default_data()))


def test_table_rows_totals_and_notes():
    text = render.table(default_costs())
    lines = text.splitlines()
    assert lines[0] == "Fargate cost of feature-pipelines (ap-northeast-1) in USD, running all the time"
    assert [" ".join(line.split()) for line in lines[2:7]] == [
        "pipeline variant tasks vCPU GiB arch Spot USD/hour USD/month USD/year",
        "news-encoder control 1 1 2 x86_64 - 0.0616 44.98 539.79",
        "news-encoder treatment 1 2 8 x86_64 - 0.1454 106.11 1,273.35",
        "news-encoder (all) 0.2070 151.10 1,813.14",
        "total 0.2070 151.10 1,813.14",
    ]
    assert "Formula: tasks x (vCPU x price per vCPU-hour + GiB x price per GB-hour" in text
    assert "ap-northeast-1 x86_64: 0.05056 per vCPU-hour, 0.00553 per GB-hour" in text
    assert f"(read {TOKYO_READ}: " in text
    assert "Fargate Spot:" not in text, "no Spot note when no variant uses Spot"


def test_jpy_amounts_and_exchange_rate_note():
    text = render.table(default_costs(), YEN)
    treatment = next(line for line in text.splitlines() if "treatment" in line)
    assert treatment.split()[-3:] == ["21.69", "15,832", "189,984"]
    assert "Exchange rate: 149.2 JPY per USD (as given)." in text


def test_spot_assumption_is_printed_with_the_figure():
    costs = [VariantCost(workload(spot_weight=1), TOKYO_X86, Decimal("0.7"))]
    text = render.table(costs)
    row = text.splitlines()[3]
    assert "50% at -70%" in row
    assert "priced 70% below on-demand, an assumption (pricing.spot_discount" in text
    assert render.records(costs)[0]["spot_share"] == 0.5


def test_a_task_range_shows_both_ends():
    costs = [VariantCost(workload(tasks=Tasks(1, 4)), TOKYO_X86, Decimal("0.7"))]
    row = render.table(costs).splitlines()[3].split()
    assert row[2] == "1-4"
    assert row[-2] == "106.11-424.45"
    assert render.records(costs)[0]["usd_per_month_max"] == 424.45
    in_yen = render.records(costs, YEN)[0]
    assert (in_yen["jpy_per_month"], in_yen["jpy_per_month_max"]) == (15_832, 63_328)


def test_markdown():
    text = render.markdown(default_costs(), YEN)
    assert text.startswith("**Fargate cost of feature-pipelines (ap-northeast-1) in JPY, running all the time**\n")
    assert "| pipeline | variant | tasks | vCPU | GiB | arch | Spot | JPY/hour | JPY/month | JPY/year |" in text
    assert "| news-encoder | treatment | 1 | 2 | 8 | x86_64 | - | 21.69 | 15,832 | 189,984 |" in text
    assert "\n- Formula: " in text
    assert "\n  - ap-northeast-1 x86_64: 0.05056 per vCPU-hour" in text


def test_json_records():
    control, treatment = json.loads(render.as_json(default_costs(), YEN))
    assert {
        k: treatment[k]
        for k in ("pipeline", "variant", "tasks", "vcpu", "memory_gib", "architecture", "region", "usd_per_hour")
    } == {
        "pipeline": "news-encoder",
        "variant": "treatment",
        "tasks": 1,
        "vcpu": 2.0,
        "memory_gib": 8.0,
        "architecture": "x86_64",
        "region": "ap-northeast-1",
        "usd_per_hour": 0.14536,
    }
    assert (treatment["usd_per_month"], treatment["usd_per_year"]) == (106.11, 1273.35)
    assert (treatment["jpy_per_hour"], treatment["jpy_per_year"]) == (21.69, 189984.0)
    assert treatment["prices"]["read_on"] == TOKYO_READ
    assert control["usd_per_hour"] == 0.06162


def test_a_region_priced_without_storage_says_so_in_the_notes_and_the_json():
    data = default_data()
    data["region"] = "eu-west-1"
    costs = price_deployment(load(data))
    assert "per GB-hour, no price built in per GB-hour of storage above 20 GiB" in render.table(costs)
    control, _ = json.loads(render.as_json(costs))
    assert control["prices"]["usd_per_storage_gb_hour"] is None
    assert control["usd_per_hour"] == 0.04937
