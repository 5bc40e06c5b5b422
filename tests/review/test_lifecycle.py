"""The review names an experiment's step from the plan's actions: a start, a promotion (control in place,
the others destroyed) and what a destroyed variant leaves behind, read from the plan's before values."""

from __future__ import annotations

import json

from modules.review.changes import CREATE, DELETE, REPLACE, UPDATE, ResourceChange, from_plan
from modules.review.lifecycle import steps
from modules.review.outputs import Stack
from modules.review.owners import Owner
from modules.review.report import as_json, markdown
from modules.review.review import Review
from tests.review.plans.record import load

STACK = "feature-pipelines"
OUTPUT = "s3://ab-data-features/news-encoder/treatment/"


def change(variant: str, address: str, action: str, before: dict | None = None) -> ResourceChange:
    return ResourceChange(STACK, address, Owner("news-encoder", variant), action, before=before)


def destroyed_treatment(*, log_skip_destroy: bool = False) -> list[ResourceChange]:
    definitions = json.dumps([{"name": "main", "environment": [{"name": "FEATURE_OUTPUT_URI", "value": OUTPUT}]}])
    return [
        change("treatment", "aws_ecs_service.news-encoder_treatment", DELETE),
        change(
            "treatment",
            "aws_ecs_task_definition.news-encoder_treatment",
            DELETE,
            {"container_definitions": definitions, "skip_destroy": True},
        ),
        change(
            "treatment",
            "aws_cloudwatch_log_group.news-encoder_treatment",
            DELETE,
            {"name": "/ecs/c/news-encoder/treatment", "skip_destroy": log_skip_destroy},
        ),
        change("treatment", "aws_sqs_queue.news-encoder_treatment_input", DELETE, {"name": "c_news-encoder_treatment"}),
    ]


CONTROL_IN_PLACE = [
    change("control", "aws_ecs_task_definition.news-encoder_control", REPLACE),
    change("control", "aws_ecs_service.news-encoder_control", UPDATE),
]


def test_a_promotion_names_control_in_place_the_treatment_destroyed_and_what_stays():
    assert steps(CONTROL_IN_PLACE + destroyed_treatment()) == [
        f"{STACK}: news-encoder: a promotion: control updated in place: a new task definition revision, its service "
        "updated in place (rolls to it; not replaced); treatment destroyed (4 resources of treatment)",
        f"{STACK}: news-encoder/treatment leaves behind: stays: what it wrote under {OUTPUT} (the output is not the "
        "stack's: nothing deletes it); its task definition revisions (skip_destroy: still registered, for a "
        "rollback). Deleted: its log group /ecs/c/news-encoder/treatment with every log event (export what you "
        "need before the apply); its queue c_news-encoder_treatment with any unread message",
    ]


def test_a_log_group_that_skips_destroy_stays():
    (_, left) = steps(CONTROL_IN_PLACE + destroyed_treatment(log_skip_destroy=True))
    assert "its log group /ecs/c/news-encoder/treatment (skip_destroy), until its retention expires" in left


def test_a_replaced_control_service_is_no_in_place_promotion():
    replaced = [change("control", "aws_ecs_service.news-encoder_control", REPLACE)]
    (line, _) = steps(replaced + destroyed_treatment())
    assert "control is REPLACED, not updated in place (aws_ecs_service.news-encoder_control: see the dangers)" in line


def test_a_started_variant_beside_an_untouched_control():
    created = [change("candidate", "aws_ecs_service.news-encoder_candidate", CREATE)]
    assert steps(created) == [
        f"{STACK}: news-encoder: an experiment starts: candidate created beside the others; no other variant changes"
    ]


def test_a_retired_variant_alone_and_a_rename_are_no_promotion():
    (line, _) = steps(destroyed_treatment())
    assert line.startswith(f"{STACK}: news-encoder: variants retired: treatment destroyed")
    renamed = [*destroyed_treatment(), change("treatment2", "aws_ecs_service.news-encoder_treatment2", CREATE)]
    assert steps(renamed) == []  # the rename danger says what it is
    assert steps(CONTROL_IN_PLACE) == []


def test_the_report_shows_the_step_in_markdown_and_json():
    result = Review(
        experiment=steps(created := [change("b", "aws_ecs_service.news-encoder_b", CREATE)]), changes=created
    )
    assert "### Experiment\n\n- feature-pipelines: news-encoder: an experiment starts: b created" in markdown(result)
    assert json.loads(as_json(result))["experiment"] == result.experiment
    assert "### Experiment" not in markdown(Review())


def test_a_real_promotion_plan_is_named_with_what_stays():
    """tests/review/plans/promote.json: `promote` on examples/ab-data.yaml, planned on moto by the e2e test."""
    stack = Stack("ab-data", {}, {}, {})
    promotion, left = steps(from_plan(load("promote")["plan"], stack, stack))
    assert promotion.startswith(
        "ab-data: news-encoder: a promotion: control updated in place: a new task definition revision, its service "
        "updated in place (rolls to it; not replaced); treatment destroyed ("
    )
    assert "stays: what it wrote under s3://ab-data-features/news-encoder/treatment/" in left
    assert "its task definition revisions (skip_destroy" in left
    assert "Deleted: its log group /ecs/ab-data/news-encoder/treatment with every log event" in left
    assert "its queue ab-data_news-encoder_treatment with any unread message" in left
