"""Splitting a running single stack into `stacks: per_pipeline` on moto, with nothing replaced or destroyed.

examples/all-features.yaml (every resource type a variant has) applied as one stack; then `synth --split-from`
with `stacks: per_pipeline` writes the shared stack (the single stack's name and state, `removed` blocks) and
each pipeline's stack (`import` blocks). Every plan: nothing destroyed or replaced; the shared stack applies
first, the pipelines' after; a plain synth (the blocks gone) then plans no change in any stack.
One apply of the single stack, one of each split stack. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT, run, to_yaml
from tests.terraform.moto import MotoServer, point_at_moto, rebind, require_moto, seed_spec
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

pytestmark = pytest.mark.e2e

CONFIG = ROOT / "examples" / "all-features.yaml"
SHARED = "all-features"
PIPELINES = ("all-features-news-encoder", "all-features-click-aggregator")
PLAN = ("plan", "-input=false", "-no-color", "-out=tfplan")


def planned(terraform: Terraform, workdir: Path) -> dict[str, list[str]]:
    """init and plan in `workdir`; by address, the actions of every resource change (`terraform show -json`)."""
    terraform.run(workdir, "init", "-input=false", "-no-color")
    terraform.run(workdir, *PLAN)
    plan = json.loads(terraform.run(workdir, "show", "-json", "tfplan").stdout)
    found = {}
    for change in plan.get("resource_changes", []):
        actions = list(change["change"]["actions"])
        if change["change"].get("importing"):
            actions.append("import")
        found[change["address"]] = actions
    return found


def replan_code(terraform: Terraform, workdir: Path) -> tuple[int, str]:
    result = terraform.run(workdir, "plan", "-input=false", "-no-color", "-detailed-exitcode", expect=(0, 2))
    return result.returncode, result.stdout


@pytest.fixture(scope="module")
def migration(terraform: Terraform, tmp_path_factory) -> dict[str, Any]:
    """What each step planned and printed: the single stack applied, split, applied stack by stack, re-planned."""
    require_moto()
    workdir = tmp_path_factory.mktemp("split")
    server = MotoServer(workdir / "moto.log")
    found: dict[str, Any] = {}
    try:
        data = yaml.safe_load(CONFIG.read_text())
        data = rebind(data, server.seed(seed_spec(data)))
        (single,) = synthesize_stacks(to_yaml(data), workdir / "single.out").values()
        point_at_moto(single, server.endpoint)
        terraform.run(single, "init", "-input=false", "-no-color")
        terraform.run(single, "apply", "-input=false", "-no-color", "-auto-approve")
        state = workdir / "single.json"
        state.write_text(terraform.run(single, "show", "-json").stdout)
        found["single"] = json.loads(state.read_text())

        config = workdir / "split.yaml"
        config.write_text(to_yaml({**data, "stacks": "per_pipeline"}))
        out = workdir / "split.out"  # beside single.out: the local state of the shared stack is the single one's
        found["synth"] = run("synth", "--config", str(config), "--out", str(out), "--split-from", f"{SHARED}={state}")
        stacks = {name: out / "stacks" / name for name in (SHARED, *PIPELINES)}
        found["documents"] = {name: json.loads((path / "cdk.tf.json").read_text()) for name, path in stacks.items()}
        for path in stacks.values():
            point_at_moto(path, server.endpoint)
        found["plans"] = {SHARED: planned(terraform, stacks[SHARED])}
        terraform.run(stacks[SHARED], "apply", "-input=false", "-no-color", "tfplan")

        def migrate(name: str) -> dict[str, list[str]]:
            actions = planned(terraform, stacks[name])
            terraform.run(stacks[name], "apply", "-input=false", "-no-color", "tfplan")
            return actions

        with ThreadPoolExecutor(max_workers=len(PIPELINES)) as pool:
            found["plans"].update(zip(PIPELINES, pool.map(migrate, PIPELINES), strict=True))

        found["plain"] = run("synth", "--config", str(config), "--out", str(out))  # the blocks dropped
        for path in stacks.values():
            point_at_moto(path, server.endpoint)
        with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
            codes = pool.map(lambda path: replan_code(terraform, path), stacks.values())
            found["replans"] = dict(zip(stacks, codes, strict=True))
    finally:
        server.stop()
    return found


def test_the_split_synth_writes_removed_and_import_blocks_for_every_moved_resource(migration):
    assert migration["synth"].returncode == 0, migration["synth"].stderr
    documents = migration["documents"]
    shared = {f"{rtype}.{name}" for rtype, by_name in documents[SHARED]["resource"].items() for name in by_name}
    moved = {
        resource["address"]
        for resource in migration["single"]["values"]["root_module"]["resources"]
        if resource["mode"] == "managed" and resource["address"] not in shared
    }
    removed = {block["from"] for block in documents[SHARED]["removed"]}
    assert removed == moved
    assert all(block["lifecycle"] == {"destroy": False} for block in documents[SHARED]["removed"])
    imported = {block["to"] for name in PIPELINES for block in documents[name].get("import", [])}
    recreated = {address for address in moved if address.startswith("aws_appautoscaling_scheduled_action.")}
    assert imported == moved - recreated
    assert f"split {SHARED}: {len(removed)} resources leave its state" in migration["synth"].stdout
    assert f"stack {SHARED}: shared by 2 pipelines, 3 resources -> " in migration["synth"].stdout
    assert "stack all-features-click-aggregator: 1 pipeline, 1 variant, " in migration["synth"].stdout


def test_no_plan_destroys_or_replaces_anything(migration):
    plans = migration["plans"]
    for stack, changes in plans.items():
        destroying = {address: actions for address, actions in changes.items() if "delete" in actions}
        assert destroying == {}, f"{stack} destroys or replaces: {destroying}"
    forgotten = [address for address, actions in plans[SHARED].items() if actions == ["forget"]]
    assert len(forgotten) == len(migration["documents"][SHARED]["removed"])
    assert {tuple(actions) for actions in plans[SHARED].values()} == {("forget",), ("no-op",)}
    for stack in PIPELINES:
        imports = [address for address, actions in plans[stack].items() if "import" in actions]
        created = [address for address, actions in plans[stack].items() if actions == ["create"]]
        assert imports, stack
        # Imported, then updated in place: tags the provider reads back with the default tags (`tags_all` as
        # is), and each service's `force_new_deployment`/`wait_for_steady_state` (arguments, not read back).
        assert {tuple(actions) for actions in plans[stack].values()} <= {
            ("no-op", "import"),
            ("update", "import"),
            ("create",),
        }
        assert all(address.startswith("aws_appautoscaling_scheduled_action.") for address in created), created


def test_every_stack_replans_with_no_changes_after_the_migration(migration):
    assert migration["plain"].returncode == 0, migration["plain"].stderr
    for stack, (code, output) in migration["replans"].items():
        assert code == 0, f"{stack}: the plan after the migration wants changes:\n{output[-8000:]}"
