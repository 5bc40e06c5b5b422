"""Reviews of real synth outputs of pairs of configs: changes, dangers, cost delta."""

from decimal import Decimal

from modules.review import report
from modules.review.outputs import read_output
from modules.review.review import review
from tests.review.synthesized import (
    bigger_treatment,
    bump_treatment,
    ci_owned_treatment,
    enhanced_insights,
    output,
    pipeline_environment,
    priced_region,
    rename_treatment,
    renamed_cluster,
    scaled_treatment,
    scheduled_treatment,
    spot_treatment,
    unpriced_region,
    variant,
)

STACK = "feature-pipelines"
TREATMENT = "news-encoder_treatment"
CONTROL = "news-encoder_control"


def compare(synth_outputs, *mutations, base_mutations=()):
    base = read_output(output(synth_outputs, *base_mutations), "--base")
    head = read_output(output(synth_outputs, *mutations), "--head")
    return review(base, head)


def actions(result):
    return {c.address: c.action for c in result.changes}


ALARMS = ("cpu", "errors", "memory", "tasks")


def dangers(result):
    return sorted((d.kind, d.address) for d in result.dangers)


def test_identical_outputs_have_nothing_to_say(synth_outputs):
    result = compare(synth_outputs)
    assert (result.changes, result.dangers) == ([], [])
    assert result.total_base == result.total_head == Decimal("0.06162") * 730 + Decimal("0.14536") * 730


def test_image_bump_in_the_treatment_only(synth_outputs):
    result = compare(synth_outputs, bump_treatment)
    assert actions(result) == {
        f"aws_ecs_task_definition.{TREATMENT}": "replace",
        f"aws_ecs_service.{TREATMENT}": "update",
    }
    task, service = sorted(result.changes, key=lambda c: c.address, reverse=True)
    assert task.new_revision
    (image,) = task.attributes
    assert image.path == "container_definitions[news-encoder].image"
    assert (image.old.rsplit(":", 1)[1], image.new.rsplit(":", 1)[1]) == ("2026-11-20", "2026-12-01")
    assert [a.path for a in service.attributes] == ["task_definition"]
    assert {str(c.owner) for c in result.changes} == {"news-encoder/treatment"}
    assert result.dangers == []


def test_renamed_variant_is_a_replacement_with_data_loss(synth_outputs):
    result = compare(synth_outputs, rename_treatment)
    assert dangers(result) == [
        ("data_loss", f"aws_cloudwatch_log_group.{TREATMENT}"),
        ("observability", f"aws_cloudwatch_log_metric_filter.{TREATMENT}_errors"),
        *(("observability", f"aws_cloudwatch_metric_alarm.{TREATMENT}_{kind}") for kind in ALARMS),
        ("replace", f"aws_ecs_service.{TREATMENT}"),
    ]
    assert "news-encoder/canary is added" in next(d.detail for d in result.dangers if d.kind == "replace")
    assert actions(result)[f"aws_ecs_service.{TREATMENT}"] == "delete"
    assert actions(result)["aws_ecs_service.news-encoder_canary"] == "create"
    assert not any(c.owner.variant == "control" for c in result.changes)


def test_cluster_setting_is_shared(synth_outputs):
    result = compare(synth_outputs, enhanced_insights)
    assert actions(result) == {"aws_ecs_cluster.cluster": "update"}
    assert dangers(result) == [("shared", "aws_ecs_cluster.cluster")]
    (danger,) = result.dangers
    assert danger.detail == "update (setting[containerInsights]): every variant depends on it"
    assert danger.stack == STACK


def test_pipeline_change_leaks_into_the_control(synth_outputs):
    result = compare(synth_outputs, bump_treatment, pipeline_environment, base_mutations=())
    leaks = [d for d in result.dangers if d.kind == "isolation"]
    assert [(d.address, d.stack) for d in leaks] == [(f"aws_ecs_service.{CONTROL}", STACK)]
    assert "news-encoder/control changes although its own config did not" in leaks[0].detail
    assert "pipeline news-encoder's settings" in leaks[0].detail
    assert dangers(result) == [("isolation", f"aws_ecs_service.{CONTROL}")], "the treatment changed its own config"


def test_cost_delta_per_variant_and_total(synth_outputs):
    result = compare(synth_outputs, bigger_treatment)
    by_variant = {c.variant: c for c in result.costs}
    assert by_variant["control"].delta == 0
    per_task = 4 * Decimal("0.05056") + 16 * Decimal("0.00553")
    assert by_variant["treatment"].base == Decimal("0.14536") * 730
    assert by_variant["treatment"].head == 2 * per_task * 730
    assert result.total_head - result.total_base == (2 * per_task - Decimal("0.14536")) * 730
    assert actions(result)[f"aws_ecs_service.{TREATMENT}"] == "update", "desired_count changes in place"


def test_stacks_are_reviewed_separately(synth_outputs, tmp_path):
    import shutil

    base_dir = output(synth_outputs)
    head_dir = tmp_path / "head"
    shutil.copytree(output(synth_outputs, bump_treatment), head_dir)
    shutil.copytree(base_dir / "stacks" / STACK, head_dir / "stacks" / "dev")
    base = read_output(base_dir, "--base")
    head = read_output(head_dir, "--head")
    result = review(base, head)
    assert result.stacks_added == ["dev"]
    assert {c.stack for c in result.changes} == {STACK, "dev"}
    assert {c.action for c in result.changes if c.stack == "dev"} == {"create"}
    assert result.dangers == [], "creating a new stack endangers nothing"
    removed = review(head, base)
    assert removed.stacks_removed == ["dev"]
    assert any(note.startswith("dev: no longer synthesized, so no plan touches it") for note in removed.notes)


def test_terraform_plan_decides_the_actions(synth_outputs):
    base = read_output(output(synth_outputs), "--base")
    head = read_output(output(synth_outputs, bump_treatment), "--head")
    plan = {
        "format_version": "1.2",
        "planned_values": {"root_module": {}},
        "resource_changes": [
            {
                "address": f"aws_ecs_task_definition.{TREATMENT}",
                "change": {"actions": ["delete", "create"], "before": {}, "after": {}},
            },
            {
                "address": f"aws_ecs_service.{TREATMENT}",
                "change": {
                    "actions": ["delete", "create"],
                    "before": {"name": TREATMENT},
                    "after": {"name": TREATMENT, "tags": {"pipeline": "news-encoder", "variant": "treatment"}},
                    "replace_paths": [["capacity_provider_strategy"]],
                },
            },
            {"address": f"aws_ecs_service.{CONTROL}", "change": {"actions": ["no-op"]}},
        ],
    }
    result = review(base, head, {STACK: plan})
    assert actions(result) == {
        f"aws_ecs_task_definition.{TREATMENT}": "replace",
        f"aws_ecs_service.{TREATMENT}": "replace",
    }
    assert dangers(result) == [("replace", f"aws_ecs_service.{TREATMENT}")]
    assert "capacity_provider_strategy" in result.dangers[0].detail
    assert f"{STACK}: actions from Terraform's plan" in result.notes


def test_autoscaling_is_priced_at_its_minimum(synth_outputs):
    result = compare(synth_outputs, scaled_treatment)
    treatment = next(c for c in result.costs if c.variant == "treatment")
    assert (treatment.base, treatment.head) == (Decimal("0.14536") * 730, 2 * Decimal("0.14536") * 730)
    assert actions(result)[f"aws_appautoscaling_target.{TREATMENT}"] == "create"
    assert result.dangers == []


def test_image_owner_switch_is_in_place(synth_outputs):
    result = compare(synth_outputs, scaled_treatment, ci_owned_treatment, base_mutations=(scaled_treatment,))
    assert actions(result) == {
        f"aws_ecs_service.{TREATMENT}": "no-op",
        f"aws_ecs_task_definition.{TREATMENT}": "update",
    }
    assert result.dangers == []


def test_spot_weight_change_is_an_in_place_update_the_provider_accepts(synth_outputs):
    result = compare(synth_outputs, spot_treatment)
    assert actions(result) == {f"aws_ecs_service.{TREATMENT}": "update"}
    assert result.dangers == []


def test_the_spot_assumption_is_stated_with_the_cost(synth_outputs):
    result = compare(synth_outputs, spot_treatment)
    treatment = next(c for c in result.costs if c.variant == "treatment")
    assert treatment.spot and treatment.head == Decimal("0.14536") * 730 * (1 - Decimal("0.75") * Decimal("0.7"))
    text = report.markdown(result)
    assert "on-demand, built-in prices" not in text, "the figures include the Spot discount"
    assert (
        "Fargate Spot (feature-pipelines news-encoder/treatment): the FARGATE_SPOT share of tasks is priced "
        "70% below on-demand, an assumption" in text
    )
    assert "Fargate Spot" not in report.markdown(compare(synth_outputs, bump_treatment)), "no Spot, no note"


def test_a_replaced_cluster_replaces_everything_that_names_it(synth_outputs):
    result = compare(synth_outputs, scheduled_treatment, renamed_cluster, base_mutations=(scheduled_treatment,))
    scaling = {a: x for a, x in actions(result).items() if a.startswith("aws_appautoscaling_")}
    assert scaling, "the treatment scales"
    assert set(scaling.values()) == {"replace"}, scaling
    assert actions(result)["aws_ecs_cluster.cluster"] == "replace"
    assert actions(result)[f"aws_ecs_service.{TREATMENT}"] == "replace"


def test_a_variant_without_prices_makes_the_cost_change_unknown_not_a_saving(synth_outputs):
    result = compare(synth_outputs, unpriced_region)
    assert {(c.variant, c.base is not None, c.head_unpriced, c.delta) for c in result.costs} == {
        ("control", True, True, None),
        ("treatment", True, True, None),
    }
    assert result.total_delta is None
    text = report.markdown(result)
    assert "cost change unknown (no prices for some variants: see the notes)" in text.splitlines()[2]
    assert "-151.10" not in text
    assert "| **total** | | | 151.10 | ? | ? |" in text
    assert any("cost incomplete: pricing.regions.eu-central-2.x86_64" in note for note in result.notes)


def test_what_lifecycle_ignore_changes_hides_from_terraform_is_no_change(synth_outputs):
    def more_tasks(data):
        variant(data, "treatment")["autoscaling"]["min"] = 3

    owned = (scaled_treatment, ci_owned_treatment)
    result = compare(synth_outputs, *owned, bump_treatment, more_tasks, base_mutations=owned)
    assert actions(result) == {f"aws_appautoscaling_target.{TREATMENT}": "update"}, (
        "CI owns the image and autoscaling the count: Terraform changes neither the task definition nor the service"
    )
    assert result.dangers == []
    treatment = next(c for c in result.costs if c.variant == "treatment")
    assert treatment.head == 3 * Decimal("0.14536") * 730, "the cost follows the new minimum"


def test_a_region_change_orphans_the_old_region(synth_outputs):
    result = compare(synth_outputs, unpriced_region)
    orphans = [d for d in result.dangers if d.kind == "orphans"]
    assert [(d.address, d.stack) for d in orphans] == [("provider.aws", STACK)]
    assert "from ap-northeast-1 to eu-central-2 with the same state" in orphans[0].detail
    assert f"aws_iam_role.{CONTROL}_execution" in orphans[0].detail, "its name carries the region: replaced"
    assert result.dangers[: len(orphans)] == orphans, "orphans come first"


def test_the_configs_own_pricing_prices_the_review(synth_outputs):
    """A region without built-in prices, priced by the config's `pricing:` (recorded in the stack)."""
    result = compare(synth_outputs, priced_region, spot_treatment, base_mutations=(priced_region,))
    assert result.total_delta is not None and not any("cost incomplete" in note for note in result.notes)
    (treatment,) = [c for c in result.costs if c.variant == "treatment"]
    assert (treatment.own_prices, treatment.spot_discount, treatment.spot) == (True, 0.5, True)
    assert treatment.head is not None and treatment.head < treatment.base, "Spot at the config's 50 % discount"
    text = report.markdown(result)
    assert "Prices: the config's own `pricing:` (feature-pipelines), else the built-in ones." in text
    assert "priced 50% below on-demand, an assumption (pricing.spot_discount; Spot has no list price)" in text
    plain = compare(synth_outputs, spot_treatment)
    assert "Prices: the built-in ones (the config sets no `pricing:`)." in report.markdown(plain)
