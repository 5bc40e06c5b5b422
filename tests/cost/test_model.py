"""The price model: the check figure, storage, Spot, task counts, prices per region."""

import dataclasses
from decimal import Decimal

import pytest

from modules.config import ConfigError
from modules.config.errors import Problem
from modules.config.pricing import PricingConfig
from modules.cost.currency import Currency
from modules.cost.model import (
    Tasks,
    VariantCost,
    Workload,
    price,
    price_deployment,
    task_hour_usd,
    tasks_of,
    workload_of,
)
from modules.cost.prices import (
    BUILT_IN,
    FARGATE_REGIONS,
    FARGATE_SNAPSHOT,
    NOT_FARGATE,
    OTHER_PARTITION,
    rates_for,
    why_unpriced,
)
from tests.config.test_names import AWS_REGIONS
from tests.helpers import default_data, load

TOKYO_X86 = BUILT_IN["ap-northeast-1"]["x86_64"]
RATES = {
    "region": "eu-west-1",
    "vcpu_hour": 0.04456,
    "gb_hour": 0.004865,
    "storage_gb_hour": 0.000122,
    "source": "price page",
    "read_on": "2026-11-28",
}


def workload(**changes) -> Workload:
    values = dict(
        stack="s",
        region="ap-northeast-1",
        pipeline="p",
        variant="v",
        vcpu=Decimal(2),
        memory_gib=Decimal(8),
        architecture="x86_64",
        storage_gib=20,
        tasks=Tasks(1, 1),
        fargate_weight=1,
        spot_weight=0,
    )
    return Workload(**{**values, **changes})


def test_check_figure_two_vcpu_eight_gib_in_tokyo():
    per_hour = task_hour_usd(Decimal(2), Decimal(8), 20, TOKYO_X86)
    assert per_hour == Decimal("0.14536")
    yen = Currency("JPY", Decimal("149.2"))
    assert yen.amount(per_hour, 4) == Decimal("21.69")
    cost = VariantCost(workload(), TOKYO_X86, Decimal("0.7"))
    assert yen.amount(cost.usd_per_year, 2) == 189_984


def test_storage_above_twenty_gib_is_billed():
    assert task_hour_usd(Decimal(1), Decimal(2), 21, TOKYO_X86) - task_hour_usd(
        Decimal(1), Decimal(2), 20, TOKYO_X86
    ) == Decimal("0.000133")
    assert task_hour_usd(Decimal(1), Decimal(2), 60, TOKYO_X86) == Decimal("0.06162") + 40 * Decimal("0.000133")


def test_spot_share_is_priced_with_the_discount():
    on_demand = VariantCost(workload(), TOKYO_X86, Decimal("0.7"))
    half_spot = VariantCost(workload(spot_weight=1), TOKYO_X86, Decimal("0.7"))
    all_spot = VariantCost(workload(fargate_weight=0, spot_weight=3), TOKYO_X86, Decimal("0.5"))
    assert half_spot.workload.spot_share == Decimal("0.5")
    assert half_spot.usd_per_hour == on_demand.usd_per_hour * Decimal("0.65")
    assert all_spot.usd_per_hour == on_demand.usd_per_hour * Decimal("0.5")


def test_arm64_tasks_get_no_spot_discount_whatever_the_weights():
    """Fargate Spot runs only x86_64 tasks: an arm64 workload (say, read from an older synthesized output) is
    priced all on-demand."""
    arm = BUILT_IN["ap-northeast-1"]["arm64"]
    weighted = VariantCost(workload(architecture="arm64", spot_weight=1), arm, Decimal("0.7"))
    on_demand = VariantCost(workload(architecture="arm64"), arm, Decimal("0.7"))
    assert weighted.workload.spot_share == 0
    assert weighted.workload.spot_tasks(4) == 0
    assert weighted.usd_per_hour == on_demand.usd_per_hour > 0
    assert workload(spot_weight=1).spot_share == Decimal("0.5")  # the same weights on x86_64 do share


def test_tasks_multiply_and_a_range_prices_both_ends():
    cost = VariantCost(workload(tasks=Tasks(2, 5)), TOKYO_X86, Decimal("0.7"))
    assert cost.usd_per_hour == 2 * Decimal("0.14536")
    assert cost.usd_per_month == 2 * Decimal("0.14536") * 730
    assert cost.usd_per_month_max == 5 * Decimal("0.14536") * 730
    assert cost.usd_per_year == 2 * Decimal("0.14536") * 8760


def test_tasks_come_from_the_desired_count():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["desired_count"] = 3
    assert [tasks_of(spec) for spec in load(data).variants] == [Tasks(1, 1), Tasks(3, 3)]


def test_autoscaling_gives_min_and_max_tasks():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = {"min": 2, "max": 6, "cpu_target": 70}
    control, treatment = price_deployment(load(data))
    assert control.workload.tasks == Tasks(1, 1)
    assert treatment.workload.tasks == Tasks(2, 6)
    assert treatment.usd_per_month == 2 * Decimal("0.14536") * 730
    assert treatment.usd_per_month_max == 6 * Decimal("0.14536") * 730


def test_default_example():
    control, treatment = price_deployment(load(default_data()))
    assert control.usd_per_hour == Decimal("0.06162")
    assert treatment.usd_per_hour == Decimal("0.14536")
    assert (control.workload.stack, control.workload.region) == ("feature-pipelines", "ap-northeast-1")


def test_arm_uses_its_own_prices():
    data = default_data()
    data["pipelines"]["news-encoder"]["architecture"] = "arm64"
    control, _ = price_deployment(load(data))
    assert control.usd_per_hour == Decimal("0.04045") + 2 * Decimal("0.00442")


def test_a_region_without_prices_says_why_and_how_to_add_them():
    data = default_data()
    data["region"] = "eu-central-2"
    with pytest.raises(ConfigError) as caught:
        price_deployment(load(data))
    (problem,) = caught.value.problems
    assert problem.path == "pricing.regions.eu-central-2.x86_64"
    assert problem.message.startswith("unknown for eu-central-2: Fargate x86_64 prices: no source for its Linux/x86")
    assert "vcpu_hour, gb_hour, storage_gb_hour" in problem.message
    assert "https://aws.amazon.com/fargate/pricing/" in problem.message


@pytest.mark.parametrize("region", AWS_REGIONS)
@pytest.mark.parametrize("architecture", ["x86_64", "arm64"])
def test_every_region_has_prices_or_a_statement_why_not(region, architecture):
    found = rates_for(region, architecture, PricingConfig())
    if isinstance(found, Problem):
        statement = why_unpriced(region, architecture)
        assert f": {statement}; add" in found.message
        if region.startswith(("cn-", "us-gov-")):
            assert statement == OTHER_PARTITION
        elif region in FARGATE_REGIONS:
            assert statement == FARGATE_SNAPSHOT[region][architecture]["unknown"], "priced or a statement why not"
        else:
            assert statement == NOT_FARGATE
    else:
        assert region in FARGATE_REGIONS, "prices only for regions with Fargate"
        assert found.source and found.read_on and found.vcpu_hour > found.gb_hour > 0


def test_a_commercial_fargate_region_teams_use_gets_a_cost():
    """eu-west-1 and us-west-2 (issue 31) are priced on x86; their storage above 20 GiB is not."""
    for region in ("eu-west-1", "us-west-2"):
        data = default_data()
        data["region"] = region
        control, _ = price_deployment(load(data))
        assert control.usd_per_hour == Decimal("0.04048") + 2 * Decimal("0.004445")
        assert "theuves/fgcalc" in control.rates.source
    data["pipelines"]["news-encoder"]["variants"]["control"]["ephemeral_storage"] = 30
    with pytest.raises(ConfigError) as caught:
        price_deployment(load(data))
    (problem,) = caught.value.problems
    assert problem.path == "pricing.regions.us-west-2.x86_64"
    assert problem.message.startswith("unknown for us-west-2: ephemeral storage price: no source for its ephemeral")
    assert "news-encoder/control asks for 30" in problem.message


def test_config_adds_a_region_and_overrides_a_built_in_one():
    data = default_data()
    region = dict(RATES)
    data["region"] = region.pop("region")
    data["pricing"] = {"regions": {"eu-west-1": {"x86_64": region}}}
    control, _ = price_deployment(load(data))
    assert control.usd_per_hour == Decimal("0.04456") + 2 * Decimal("0.004865")
    assert control.rates.source == "price page"

    data = default_data()
    data["pricing"] = {"regions": {"ap-northeast-1": {"x86_64": {**region, "vcpu_hour": 0.06}}}}
    control, _ = price_deployment(load(data))
    assert control.usd_per_hour == Decimal("0.06") + 2 * Decimal("0.004865")


def test_configured_spot_discount_is_used():
    data = default_data()
    data["pricing"] = {"spot_discount": 0.5}
    data["pipelines"]["news-encoder"]["fargate_spot_weight"] = 1
    control, _ = price_deployment(load(data))
    assert control.spot_discount == Decimal("0.5")
    assert control.usd_per_hour == Decimal("0.06162") * Decimal("0.75")


def test_a_fargate_base_is_priced_on_demand_and_the_weights_share_the_rest():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"].update({"fargate_weight": 1, "fargate_spot_weight": 1})
    spec = next(s for s in load(data).variants if s.variant == "control")
    (no_base,), _ = price([workload_of(spec, stack="s", region="ap-northeast-1")], PricingConfig())
    based_spec = dataclasses.replace(spec, settings=spec.settings.model_copy(update={"fargate_base": 1}))
    (based,), _ = price([workload_of(based_spec, stack="s", region="ap-northeast-1")], PricingConfig())
    assert based.usd_per_hour == based.usd_per_task_hour  # the one task is the on-demand base
    assert no_base.usd_per_hour < based.usd_per_hour
