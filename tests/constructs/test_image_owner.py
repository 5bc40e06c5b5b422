"""image_owner: CI-owned images are never reverted, and switching owner is an in-place change."""

import pytest

from modules.review.forcenew import NEEDS_FORCE_NEW_DEPLOYMENT, forcing
from tests.helpers import default_data, synth

TREATMENT = "news-encoder_treatment"


def owned_by(owner, autoscaling=None):
    data = default_data()
    treatment = data["pipelines"]["news-encoder"]["variants"]["treatment"]
    treatment["image_owner"] = owner
    if autoscaling:
        treatment["autoscaling"] = autoscaling
    return synth(data)


def addresses(stack):
    return {f"{rtype}.{name}" for rtype, by_name in stack["resource"].items() for name in by_name}


def changed_keys(before, after):
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def test_terraform_owner_keeps_every_revision_and_lets_terraform_roll_out_images():
    stack = owned_by("terraform")
    task = stack["resource"]["aws_ecs_task_definition"][TREATMENT]
    assert task["skip_destroy"] is True
    assert "track_latest" not in task and "lifecycle" not in task
    assert "lifecycle" not in stack["resource"]["aws_ecs_service"][TREATMENT]


def test_ci_owner_tracks_the_latest_revision_and_the_service_ignores_the_task_definition():
    stack = owned_by("ci")
    task = stack["resource"]["aws_ecs_task_definition"][TREATMENT]
    assert (task["skip_destroy"], task["track_latest"]) == (True, True)
    assert task["lifecycle"] == {"ignore_changes": ["container_definitions"]}
    service = stack["resource"]["aws_ecs_service"][TREATMENT]
    assert service["lifecycle"] == {"ignore_changes": ["task_definition"]}
    assert service["task_definition"] == f"${{aws_ecs_task_definition.{TREATMENT}.arn}}"
    control = stack["resource"]["aws_ecs_service"]["news-encoder_control"]
    assert "lifecycle" not in control
    family = stack["output"][f"{TREATMENT}_task_definition_family"]
    assert family["value"] == f"${{aws_ecs_task_definition.{TREATMENT}.family}}"


def test_ci_owner_with_autoscaling_ignores_both():
    service = owned_by("ci", {"min": 1, "max": 3, "cpu_target": 60})["resource"]["aws_ecs_service"][TREATMENT]
    assert service["lifecycle"] == {"ignore_changes": ["desired_count", "task_definition"]}


@pytest.mark.parametrize("autoscaling", [None, {"min": 1, "max": 3, "cpu_target": 60}], ids=["fixed", "autoscaling"])
def test_switching_owner_is_an_in_place_change(autoscaling):
    terraform, ci = owned_by("terraform", autoscaling), owned_by("ci", autoscaling)
    assert addresses(terraform) == addresses(ci), "same resources at the same addresses"

    service_before = terraform["resource"]["aws_ecs_service"][TREATMENT]
    service_after = ci["resource"]["aws_ecs_service"][TREATMENT]
    changed = changed_keys(service_before, service_after)
    assert changed == {"lifecycle"}
    assert forcing("aws_ecs_service", sorted(changed)) == [], "the service is updated in place, not replaced"
    assert NEEDS_FORCE_NEW_DEPLOYMENT["aws_ecs_service"] not in changed

    task_before = terraform["resource"]["aws_ecs_task_definition"][TREATMENT]
    task_after = ci["resource"]["aws_ecs_task_definition"][TREATMENT]
    # track_latest and skip_destroy are plain optional booleans (not ForceNew) in the provider.
    assert changed_keys(task_before, task_after) == {"lifecycle", "track_latest"}

    assert terraform["output"] == ci["output"], "CI finds the same outputs whoever owns the image"
    for address in addresses(terraform) - {f"aws_ecs_service.{TREATMENT}", f"aws_ecs_task_definition.{TREATMENT}"}:
        rtype, name = address.split(".", 1)
        assert terraform["resource"][rtype][name] == ci["resource"][rtype][name], address
