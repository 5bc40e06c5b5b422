"""The exported module's observability switches, planned and applied by the real Terraform CLI.

`observability_enabled` and `<pipeline>_<variant>_alarms_enabled` put `count` on the dashboards,
metric filters, alarms and deployment-event rules. Offline plans (slow) of both module forms
with the switches on and off; on moto (e2e), a module exported before the switches existed is
applied, then the current one plans no change at all (Terraform moves `x` to `x[0]` by itself),
and switching off destroys exactly the observability resources.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.config import load_text
from modules.constructs.props import ALWAYS
from modules.export import module as exported
from tests.helpers import ROOT, to_yaml
from tests.terraform.moto import MotoServer, point_at_moto, rebind, require_moto, seed_spec
from tests.terraform.stacks import calling_root, export_root
from tests.terraform.terraform_cli import Terraform
from tests.terraform.test_hcl import OFFLINE

CONFIG = ROOT / "examples" / "all-features.yaml"
OBSERVABILITY = (
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
)
PREFIX = "module.feature_pipelines."


def switch(root: Path, variable: str, value: bool) -> None:
    """Set one module input in the root's `main.tf` (the README usage sets every input)."""
    main = root / "main.tf"
    text, found = re.subn(
        rf"(?m)^(\s*{re.escape(variable)}\s*=\s*)(true|false)$", rf"\g<1>{str(value).lower()}", main.read_text()
    )
    assert found == 1, variable
    main.write_text(text)


#: Step scaling's alarms (`constructs.autoscaling`) are metric alarms too, but they run a scaling policy:
#: never switched off.
STEP_ALARMS = ("_scale_out", "_scale_in")


def observability(addresses: Any) -> set[str]:
    """The resources the switches govern: the observability types but step scaling's alarms."""
    return {
        a
        for a in addresses
        if a.removeprefix(PREFIX).split(".")[0] in OBSERVABILITY and not a.removesuffix("[0]").endswith(STEP_ALARMS)
    }


def plan(terraform: Terraform, root: Path) -> dict[str, Any]:
    terraform.run(root, "plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan")
    return json.loads(terraform.run(root, "show", "-json", "tfplan").stdout)


def created(planned: dict[str, Any]) -> set[str]:
    return {change["address"] for change in planned["resource_changes"] if change["change"]["actions"] == ["create"]}


#: The switches each offline plan sets (the README usage sets every other input, all on).
SWITCHES: dict[str, dict[str, bool]] = {
    "all on": {},
    "observability off": {"observability_enabled": False},
    "control alarms off": {"news-encoder_control_alarms_enabled": False},
}


@pytest.fixture(scope="module")
def switched(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], set[str]]:
    """What an offline plan creates for each module form and each of SWITCHES, by (form, switches): the
    module's root as the README shows it, one copy per case, each called from one root (one plan and one
    `show` for all six: tests/terraform/stacks.py `calling_root`); addresses as in the case's own root."""
    (deployment,) = load_text(CONFIG.read_text())
    scratch = tmp_path_factory.mktemp("switches")
    cases: dict[str, tuple[str, str]] = {}
    calls: dict[str, Path] = {}
    for form in ("hcl", "json"):
        for name, switches in SWITCHES.items():
            call = f"c{len(calls)}"
            root = export_root(deployment, scratch / call, format=form)
            (root / "offline_override.tf.json").write_text(json.dumps(OFFLINE))
            for variable, value in switches.items():
                switch(root, variable, value)
            cases[call], calls[call] = (form, name), root
    everything = calling_root(calls, scratch / "all")
    terraform.init(everything)
    found: dict[tuple[str, str], set[str]] = {case: set() for case in cases.values()}
    for address in created(plan(terraform, everything)):
        call, _, inner = address.removeprefix("module.").partition(".")
        found[cases[call]].add(inner)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("form", ["hcl", "json"])
def test_switches_plan_the_observability_resources_in_and_out(switched, form):
    (deployment,) = load_text(CONFIG.read_text())
    everything = switched[form, "all on"]
    watched = observability(everything)
    stems = {spec.address for spec in deployment.variants if spec.observability is not None}
    assert {f"{PREFIX}aws_cloudwatch_metric_alarm.{stem}_tasks[0]" for stem in stems} <= watched
    assert f"{PREFIX}aws_cloudwatch_dashboard.news-encoder[0]" in watched
    assert any(".aws_cloudwatch_event_target." in address for address in watched)
    steps = {f"{PREFIX}aws_cloudwatch_metric_alarm.news-encoder_control_scale_{way}" for way in ("out", "in")}
    assert steps <= everything - watched

    assert switched[form, "observability off"] == everything - watched

    control_alarms = {
        a for a in watched if ".news-encoder_control_" in a and ".aws_cloudwatch_log_metric_filter." not in a
    }
    assert control_alarms and all("alarm" in a or "event" in a for a in control_alarms)
    assert switched[form, "control alarms off"] == everything - control_alarms


@pytest.fixture
def moto(tmp_path: Path):
    require_moto()
    server = MotoServer(tmp_path / "moto.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.e2e
def test_a_module_exported_before_the_switches_moves_to_them_without_a_change(terraform, tmp_path, moto, monkeypatch):
    data = yaml.safe_load(CONFIG.read_text())
    (deployment,) = load_text(to_yaml(rebind(data, moto.seed(seed_spec(data)))))
    monkeypatch.setattr(exported, "switches", lambda _: ALWAYS)  # the module as exported before the switches
    root = export_root(deployment, tmp_path / "root")
    monkeypatch.undo()
    point_at_moto(root, moto.endpoint)
    terraform.run(root, "init", "-input=false", "-no-color")
    terraform.run(root, "apply", "-input=false", "-no-color", "-auto-approve")
    before = terraform.run(root, "state", "list").stdout.split()
    assert observability(before) and not any("[" in address for address in before)

    export_root(deployment, tmp_path / "root-now")
    for path in (tmp_path / "root-now").rglob("*.tf"):
        (root / path.relative_to(tmp_path / "root-now")).write_text(path.read_text())
    moved = plan(terraform, root)
    changes = moved["resource_changes"]
    assert {tuple(change["change"]["actions"]) for change in changes} == {("no-op",)}
    assert {change["previous_address"] for change in changes if "previous_address" in change} == observability(before)
    assert {change["address"] for change in changes if "previous_address" in change} == {
        f"{address}[0]" for address in observability(before)
    }
    terraform.run(root, "apply", "-input=false", "-no-color", "tfplan")

    switch(root, "observability_enabled", False)
    off = plan(terraform, root)
    destroyed = {c["address"] for c in off["resource_changes"] if c["change"]["actions"] == ["delete"]}
    updated = {c["address"] for c in off["resource_changes"] if c["change"]["actions"] == ["update"]}
    untouched = {
        tuple(c["change"]["actions"]) for c in off["resource_changes"] if c["address"] not in destroyed | updated
    }
    assert destroyed == {f"{address}[0]" for address in observability(before)} and untouched == {("no-op",)}
    # The services watched by deployment alarms drop them in place (the block is disabled, never dangling).
    watched_services = {spec.address for spec in deployment.variants if spec.deployment.alarms}
    assert updated == {f"{PREFIX}aws_ecs_service.{address}" for address in watched_services}
    terraform.run(root, "apply", "-input=false", "-no-color", "tfplan")
    assert observability(terraform.run(root, "state", "list").stdout.split()) == set()
    # Not destroyed here: test_e2e_module.py destroys this module whole (state empty after).
