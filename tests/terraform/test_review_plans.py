"""`review --plan` with real plans: Terraform's `show -json` of heads planned against an applied base.

The default example is applied once on moto (the real Terraform CLI and hashicorp/aws provider);
each head (a renamed variant, a bumped image, a renamed cluster, another region) is synthesized
into its own directory with a copy of the base's state, planned against the same moto, and the
plan given to `python main.py review --plan STACK=FILE`. The dangers must match what the plan
does. Marked e2e (it applies): `make e2e`.
"""

from __future__ import annotations

import copy
import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules import cli
from tests.helpers import DEFAULT_CONFIG, to_yaml
from tests.review.plans.record import record
from tests.terraform.moto import MotoServer, point_at_moto, rebind, require_moto, seed_spec
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

pytestmark = pytest.mark.e2e

STACK = "feature-pipelines"
CONTROL, TREATMENT = "news-encoder_control", "news-encoder_treatment"
EXIT_DANGER = 3


def _variants(data: dict[str, Any]) -> dict[str, Any]:
    return data["pipelines"]["news-encoder"]["variants"]


def rename_variant(data: dict[str, Any]) -> None:
    _variants(data)["treatment2"] = _variants(data).pop("treatment")


def bump_image(data: dict[str, Any]) -> None:
    _variants(data)["treatment"]["image_tag"] = "2026-12-01"


def rename_cluster(data: dict[str, Any]) -> None:
    data.setdefault("cluster", {})["name"] = "feature-pipelines-v2"


def change_region(data: dict[str, Any]) -> None:
    data["region"] = "eu-west-1"


#: Planned in this order, two at a time: the region change first, as its plan is the slow one (refreshing
#: each service in the new region, the provider retries DescribeServices' ClusterNotFoundException ~2 min).
HEADS: dict[str, Callable[[dict[str, Any]], None]] = {
    "change-region": change_region,
    "rename-variant": rename_variant,
    "bump-image": bump_image,
    "rename-cluster": rename_cluster,
}


@dataclass(frozen=True)
class Planned:
    """A head planned against the applied base: its synth output and `terraform show -json` of the plan."""

    out: Path
    plan_file: Path
    plan: dict[str, Any]


@dataclass(frozen=True)
class Applied:
    """The applied base's synth output, and every head planned against its state."""

    out: Path
    first: Planned
    """The base's own first plan (before the apply): it creates everything."""
    heads: dict[str, Planned]


def actions(plan: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Every resource the plan changes, by address: its actions (no-op and read left out)."""
    return {
        item["address"]: tuple(item["change"]["actions"])
        for item in plan["resource_changes"]
        if item["change"]["actions"] not in (["no-op"], ["read"])
    }


def plan_head(terraform: Terraform, stack_dir: Path) -> dict[str, Any]:
    """init, plan -out, show -json in a head's stack directory (its state already in place)."""
    terraform.init(stack_dir)
    terraform.run(stack_dir, "plan", "-input=false", "-no-color", "-out=tfplan")
    return json.loads(terraform.run(stack_dir, "show", "-json", "tfplan").stdout)


@pytest.fixture(scope="module")
def applied(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """The default example applied on one moto; each head synthesized (in this thread: jsii serves one),
    given a copy of the base's state, then planned side by side."""
    require_moto()
    root = tmp_path_factory.mktemp("review-plans")
    server = MotoServer(root / "moto.log")
    seconds: dict[str, float] = {}
    try:
        data = yaml.safe_load(DEFAULT_CONFIG.read_text())
        bound = rebind(data, server.seed(seed_spec(data)))
        base_stack = synthesize_stacks(to_yaml(bound), root / "base" / "cdktf.out")[STACK]
        point_at_moto(base_stack, server.endpoint)
        start = time.monotonic()
        first_plan = plan_head(terraform, base_stack)
        first_file = root / "base" / "plan.json"
        first_file.write_text(json.dumps(first_plan))
        record("create-only", first_plan, head="default")
        terraform.run(base_stack, "apply", "-input=false", "-no-color", "tfplan")
        seconds["apply"] = round(time.monotonic() - start, 1)
        (state,) = (root / "base").glob("terraform.*.tfstate")
        stack_dirs = {}
        for name, mutate in HEADS.items():
            head = copy.deepcopy(bound)
            mutate(head)
            stack_dirs[name] = synthesize_stacks(to_yaml(head), root / name / "cdktf.out")[STACK]
            point_at_moto(stack_dirs[name], server.endpoint)
            shutil.copy(state, root / name / state.name)

        def planned(name: str) -> Planned:
            start = time.monotonic()
            plan = plan_head(terraform, stack_dirs[name])
            seconds[name] = round(time.monotonic() - start, 1)
            plan_file = root / name / "plan.json"
            plan_file.write_text(json.dumps(plan))
            record(name, plan, head=name)
            return Planned(root / name / "cdktf.out", plan_file, plan)

        with ThreadPoolExecutor(max_workers=2) as pool:
            heads = dict(zip(HEADS, pool.map(planned, HEADS), strict=True))
    finally:
        server.stop()
    print(f"\nreview plans: seconds {seconds}")
    base_out = root / "base" / "cdktf.out"
    return Applied(base_out, Planned(base_out, first_file, first_plan), heads)


def reviewed(applied: Applied, name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    """`python main.py review --base BASE --head HEAD --plan STACK=plan.json --format json`: exit code, report."""
    head = applied.heads[name]
    capsys.readouterr()
    plan = f"{STACK}={head.plan_file}"
    code = cli.main(["review", "--base", str(applied.out), "--head", str(head.out), "--plan", plan, "--format", "json"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, json.loads(out)


def dangers(report: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Every danger of the report: detail by (kind, address)."""
    return {(d["kind"], d["address"]): d["detail"] for d in report["dangers"]}


def reviewed_actions(report: dict[str, Any]) -> dict[str, str]:
    return {c["address"]: c["action"] for c in report["changes"]}


def ours(plan_actions: tuple[str, ...]) -> str:
    """The review's name for a plan's actions."""
    return {("create",): "create", ("update",): "update", ("delete",): "delete"}.get(plan_actions, "replace")


def test_the_first_plan_creates_everything_and_the_review_finds_no_danger(applied, capsys):
    """A first deploy: creating is no danger; what is new is listed as new access. With no base output
    and with the base given as its own base (what a review without --plan would call no change)."""
    plan = applied.first.plan
    assert set(actions(plan).values()) == {("create",)}
    plan_arg = f"{STACK}={applied.first.plan_file}"
    for base in ([], ["--base", str(applied.out)]):
        capsys.readouterr()
        code = cli.main(["review", *base, "--head", str(applied.out), "--plan", plan_arg, "--format", "json"])
        report = json.loads(capsys.readouterr().out)
        assert (code, report["dangers"]) == (0, []), base
        assert reviewed_actions(report) == {address: "create" for address in actions(plan)}
        assert {a["address"] for a in report["new_access"]} >= {f"aws_security_group.{CONTROL}"}


@pytest.mark.parametrize("name", list(HEADS))
def test_the_review_takes_every_action_from_the_real_plan(applied, name, capsys):
    code, report = reviewed(applied, name, capsys)
    planned = {address: ours(acts) for address, acts in actions(applied.heads[name].plan).items()}
    assert planned, f"{name}: the plan changes nothing"
    assert reviewed_actions(report) == planned
    assert f"{STACK}: actions from Terraform's plan" in report["notes"]
    assert code == (EXIT_DANGER if report["dangers"] else 0)


def test_a_renamed_variant_destroys_its_service_and_the_review_calls_it_a_replacement(applied, capsys):
    plan = actions(applied.heads["rename-variant"].plan)
    assert plan[f"aws_ecs_service.{TREATMENT}"] == ("delete",)
    assert plan[f"aws_ecs_service.{TREATMENT}2"] == ("create",)
    assert plan[f"aws_cloudwatch_log_group.{TREATMENT}"] == ("delete",)
    assert not any(address.startswith(f"aws_ecs_service.{CONTROL}") for address in plan), "control is untouched"
    watched = {
        address
        for address, acts in plan.items()
        if acts == ("delete",)
        and address.split(".")[0] in ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_log_metric_filter")
    }
    assert watched, "the treatment's alarms and error metric filter go with it"
    code, report = reviewed(applied, "rename-variant", capsys)
    found = dangers(report)
    assert set(found) == {
        ("replace", f"aws_ecs_service.{TREATMENT}"),
        ("data_loss", f"aws_cloudwatch_log_group.{TREATMENT}"),
        *(("observability", address) for address in watched),
    }
    assert (
        "news-encoder/treatment is removed while news-encoder/treatment2 is added (a rename?)"
        in (found[("replace", f"aws_ecs_service.{TREATMENT}")])
    )
    assert code == EXIT_DANGER


def test_a_bumped_image_is_a_new_revision_and_an_in_place_service_update_with_no_danger(applied, capsys):
    assert actions(applied.heads["bump-image"].plan) == {
        f"aws_ecs_task_definition.{TREATMENT}": ("delete", "create"),
        f"aws_ecs_service.{TREATMENT}": ("update",),
    }
    code, report = reviewed(applied, "bump-image", capsys)
    (revision,) = [c for c in report["changes"] if c["type"] == "aws_ecs_task_definition"]
    assert revision["new_revision"] is True
    assert any(a["path"].endswith(".image") for a in revision["attributes"]), revision["attributes"]
    assert (report["dangers"], code) == ([], 0)


def test_a_renamed_cluster_replaces_it_and_every_service_and_the_review_says_so(applied, capsys):
    plan = actions(applied.heads["rename-cluster"].plan)
    for address in ("aws_ecs_cluster.cluster", f"aws_ecs_service.{CONTROL}", f"aws_ecs_service.{TREATMENT}"):
        assert plan[address] == ("delete", "create"), address
    code, report = reviewed(applied, "rename-cluster", capsys)
    found = dangers(report)
    replaced = {address for address, acts in plan.items() if ours(acts) == "replace"}
    revisions = {address for address in replaced if address.startswith("aws_ecs_task_definition.")}
    assert {address for kind, address in found if kind == "replace"} == replaced - revisions
    assert {address for kind, address in found if kind == "shared"} == {
        "aws_ecs_cluster.cluster",
        "aws_ecs_cluster_capacity_providers.cluster",
        "aws_cloudwatch_dashboard.news-encoder",  # its name carries the cluster's: replaced
    }
    assert {address for kind, address in found if kind == "isolation"} == {
        f"aws_ecs_service.{CONTROL}",
        f"aws_ecs_service.{TREATMENT}",
    }
    assert found[("replace", f"aws_ecs_service.{CONTROL}")] == (
        "replaced (changes to cluster force it): its tasks stop and start again (an outage)"
    )
    assert code == EXIT_DANGER


def test_a_region_change_creates_everything_anew_and_the_review_reports_the_orphans(applied, capsys):
    plan = actions(applied.heads["change-region"].plan)
    regional = {address: acts for address, acts in plan.items() if not address.startswith("aws_iam_")}
    assert regional and set(regional.values()) == {("create",)}, "nothing regional is found in eu-west-1"
    taken = sorted(address for address, acts in plan.items() if acts == ("delete", "create"))
    assert taken and all(address.startswith("aws_iam_role") for address in taken), "IAM is global: found, replaced"
    code, report = reviewed(applied, "change-region", capsys)
    orphans = [d for d in report["dangers"] if d["kind"] == "orphans"]
    assert [(d["address"], d["stack"]) for d in orphans] == [("provider.aws", STACK)]
    detail = orphans[0]["detail"]
    assert "the region changes from ap-northeast-1 to eu-west-1 with the same state" in detail
    assert "those in ap-northeast-1 keep running (and billing), no longer managed by Terraform" in detail
    assert "although the resources left in ap-northeast-1 still use them" in detail
    assert all(address in detail for address in taken[:4]), (taken, detail)
    assert {address for kind, address in dangers(report) if kind == "replace"} == set(taken)
    assert {address for _, address in dangers(report)} <= {*taken, "provider.aws"}, "only what the plan replaces"
    assert code == EXIT_DANGER
