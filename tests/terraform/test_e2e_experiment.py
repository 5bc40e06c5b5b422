"""An experiment's life on moto with the real Terraform and provider (examples/ab-data.yaml: each variant its
own queue and output namespace): `experiment start` -> apply; both promotions planned against it: `promote`
(control updated in place, 0 replacements, the treatment destroyed; the review names the promotion and what
stays) and `promote --keep` (control updated in place, treatment untouched); `promote --keep` applied -> a
re-plan with no changes; then `promote` from there -> plan (control unchanged, the treatment destroyed) ->
apply -> a re-plan with no changes. Three applies in one state. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules import cli
from modules.experiment.promote import promote
from modules.experiment.start import start
from tests.helpers import ROOT, to_yaml
from tests.review.plans.record import record
from tests.terraform.conftest import skip_or_fail
from tests.terraform.moto import E2E_PYTHON, MotoServer, point_at_moto, rebind, seed_spec
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform
from tests.terraform.test_review_plans import actions, plan_head

pytestmark = pytest.mark.e2e

CONFIG = ROOT / "examples" / "ab-data.yaml"
STACK = "ab-data"
CONTROL, TREATMENT = "news-encoder_control", "news-encoder_treatment"


@pytest.fixture(scope="module")
def lifecycle(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Started (applied), then both promotions planned against it; the removing one applied and re-planned."""
    if not E2E_PYTHON.exists():
        skip_or_fail(f"no {E2E_PYTHON.relative_to(ROOT)} (moto): run `make e2e`")
    root = tmp_path_factory.mktemp("e2e-experiment")
    server = MotoServer(root / "moto.log")
    try:
        control_only = promote(CONFIG.read_text(), "news-encoder", "treatment").after
        started = start(control_only, "news-encoder", "2026-12-01").after
        configs = {
            "started": started,
            "kept": promote(started, "news-encoder", "treatment", keep=True).after,
            "promoted": promote(started, "news-encoder", "treatment").after,
        }
        seeded = server.seed(seed_spec(yaml.safe_load(started)))
        configs = {name: to_yaml(rebind(yaml.safe_load(text), seeded)) for name, text in configs.items()}
        stacks = {name: synthesize_stacks(text, root / name / "cdktf.out")[STACK] for name, text in configs.items()}
        for stack in stacks.values():
            point_at_moto(stack, server.endpoint)
        terraform.init(stacks["started"])
        terraform.run(stacks["started"], "apply", "-input=false", "-no-color", "-auto-approve")
        (state,) = (root / "started").glob("terraform.*.tfstate")
        plans = {}
        for name in ("kept", "promoted"):
            shutil.copy(state, root / name / state.name)
            plans[name] = plan_head(terraform, stacks[name])
            (root / name / "plan.json").write_text(json.dumps(plans[name]))
        record("promote", plans["promoted"], head="promote news-encoder --winner treatment (examples/ab-data.yaml)")
        terraform.run(stacks["kept"], "apply", "-input=false", "-no-color", "tfplan")
        replans = {"kept": _replan(terraform, stacks["kept"])}
        shutil.copy(root / "kept" / state.name, root / "promoted" / state.name)
        plans["promoted after kept"] = plan_head(terraform, stacks["promoted"])
        terraform.run(stacks["promoted"], "apply", "-input=false", "-no-color", "tfplan")
        replans["promoted"] = _replan(terraform, stacks["promoted"])
    finally:
        server.stop()
    return {"root": root, "plans": plans, "replans": replans, "configs": configs}


def _replan(terraform: Terraform, stack: Path) -> Any:
    return terraform.run(stack, "plan", "-input=false", "-no-color", "-detailed-exitcode", expect=(0, 2))


def _review(root: Path, name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    base, head = root / "started" / "cdktf.out", root / name / "cdktf.out"
    plan = f"{STACK}={root / name / 'plan.json'}"
    cli.main(["review", "--base", str(base), "--head", str(head), "--plan", plan, "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_the_promotion_updates_control_in_place_and_destroys_the_treatment(lifecycle):
    planned = actions(lifecycle["plans"]["promoted"])
    control = {address: acts for address, acts in planned.items() if CONTROL in address}
    assert control == {
        f"aws_ecs_task_definition.{CONTROL}": ("delete", "create"),  # a new revision (skip_destroy keeps the old)
        f"aws_ecs_service.{CONTROL}": ("update",),
    }
    treatment = {address: acts for address, acts in planned.items() if TREATMENT in address}
    assert f"aws_ecs_service.{TREATMENT}" in treatment and f"aws_sqs_queue.{TREATMENT}_input" in treatment
    assert set(treatment.values()) == {("delete",)}
    others = {address: acts for address, acts in planned.items() if address not in control and address not in treatment}
    assert others == {"aws_cloudwatch_dashboard.news-encoder": ("update",)}, "only the dashboard loses its lines"


@pytest.mark.parametrize("name", ["kept", "promoted"])
def test_each_promotion_applies_and_a_re_plan_shows_no_changes(lifecycle, name):
    assert lifecycle["replans"][name].returncode == 0, lifecycle["replans"][name].stdout[-8000:]


def test_promote_after_keep_leaves_control_as_it_is_and_destroys_the_treatment(lifecycle):
    planned = actions(lifecycle["plans"]["promoted after kept"])
    assert not [address for address in planned if CONTROL in address], "control already runs the winner's settings"
    treatment = {address: acts for address, acts in planned.items() if TREATMENT in address}
    assert f"aws_ecs_service.{TREATMENT}" in treatment and set(treatment.values()) == {("delete",)}
    assert {a: acts for a, acts in planned.items() if a not in treatment} == {
        "aws_cloudwatch_dashboard.news-encoder": ("update",)
    }


def test_promote_keep_updates_control_in_place_and_leaves_the_treatment(lifecycle):
    planned = actions(lifecycle["plans"]["kept"])
    assert {address: acts for address, acts in planned.items() if "dashboard" not in address} == {
        f"aws_ecs_task_definition.{CONTROL}": ("delete", "create"),
        f"aws_ecs_service.{CONTROL}": ("update",),
    }


def test_the_review_names_the_promotion_and_what_stays_of_the_treatment(lifecycle, capsys):
    report = _review(lifecycle["root"], "promoted", capsys)
    assert report["experiment"][0] == (
        f"{STACK}: news-encoder: a promotion: control updated in place: a new task definition revision, its "
        "service updated in place (rolls to it; not replaced); treatment destroyed "
        f"({sum(TREATMENT in a for a in actions(lifecycle['plans']['promoted']))} resources of treatment)"
    )
    left = report["experiment"][1]
    assert "stays: what it wrote under s3://ab-data-features/news-encoder/treatment/" in left
    assert "its task definition revisions (skip_destroy" in left
    assert "Deleted: its log group /ecs/ab-data/news-encoder/treatment with every log event" in left
    assert not [d for d in report["dangers"] if d["kind"] == "replace"]
    assert _review(lifecycle["root"], "kept", capsys)["experiment"] == []
