"""The e2e stack cycle on moto: plan, apply, read back, a second plan that must show no changes, destroy.

The real Terraform CLI and hashicorp/aws provider; one moto server per config. What a config refers to
(VPC and subnets, KMS keys, secrets, parameters, state bucket) is created in moto first and the config's
ids replaced by moto's; the synthesized stacks (or the exported module called from a root configuration)
are used as written, plus override files pointing the provider (and the S3 backend) at moto.

Each config's cycles live in their own test module (test_e2e*.py): `make e2e` (tests/terraform/parallel.py)
runs every module in its own process, so the configs' synths and cycles run side by side, not one after
the other; the stacks of one config run side by side in threads.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modules.config import load_text
from tests.helpers import ROOT, to_yaml
from tests.terraform.conftest import skip_or_fail
from tests.terraform.moto import E2E_PYTHON, MotoServer, point_at_moto, rebind, seed_spec
from tests.terraform.stacks import export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform

SERVICE_ARN = re.compile(r"arn:aws:ecs:ap-northeast-1:\d{12}:service/[^/]+/[^/]+")


@dataclass
class Cycle:
    """What one working directory went through: outputs after apply, the re-plan, the state after destroy."""

    outputs: dict[str, Any] = field(default_factory=dict)
    replan_code: int = -1
    replan: str = ""
    destroyed: bool = False
    remaining: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    containers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """After apply, each task definition's containers as the provider read them back from the API."""
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    """After apply, each ECS service's attributes as the provider read them back from the API."""


def cycle(terraform: Terraform, workdir: Path, *, destroy: bool) -> Cycle:
    """init, plan, apply, output, show, plan -detailed-exitcode and, with `destroy`, destroy and state list."""
    done = Cycle()

    def step(name: str, *args: str, expect: tuple[int, ...] = (0,)) -> str:
        start = time.monotonic()
        result = terraform.run(workdir, *args, expect=expect)
        done.seconds[name] = round(time.monotonic() - start, 1)
        if name == "replan":
            done.replan_code = result.returncode
        return result.stdout

    step("init", "init", "-input=false", "-no-color")
    step("plan", "plan", "-input=false", "-no-color", "-out=tfplan")
    step("apply", "apply", "-input=false", "-no-color", "tfplan")
    done.outputs = {name: body["value"] for name, body in json.loads(step("output", "output", "-json")).items()}
    state = json.loads(step("show", "show", "-json"))
    done.containers = applied_containers(state)
    done.services = {address: values for address, values in applied(state, "aws_ecs_service").items()}
    done.replan = step("replan", "plan", "-input=false", "-no-color", "-detailed-exitcode", expect=(0, 2))
    if destroy:
        step("destroy", "destroy", "-input=false", "-no-color", "-auto-approve")
        done.destroyed = True
        done.remaining = step("state", "state", "list").split()
    return done


def applied(state: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Address -> attribute values of every `resource_type` resource in a `terraform show -json` state."""
    found: dict[str, dict[str, Any]] = {}
    modules = [state.get("values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        modules += module.get("child_modules", [])
        for resource in module.get("resources", []):
            if resource["type"] == resource_type:
                found[resource["address"]] = resource["values"]
    return found


def applied_containers(state: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Task definition address -> its container definitions in a `terraform show -json` state."""
    return {
        address: json.loads(values["container_definitions"])
        for address, values in applied(state, "aws_ecs_task_definition").items()
    }


def prepare(config: Path, workdir: Path, server: MotoServer, *, module: bool) -> dict[str, Path]:
    """Seed moto for one config and write its rebound stacks (or, with `module`, its exported module called
    from a root configuration) pointed at it: the working directories by stack."""
    data = yaml.safe_load(config.read_text())
    bound = to_yaml(rebind(data, server.seed(seed_spec(data))))
    if module:
        (deployment,) = load_text(bound)
        stacks = {"module": export_root(deployment, workdir / "root")}
    else:
        stacks = synthesize_stacks(bound, workdir / "cdktf.out")
    for stack_dir in stacks.values():
        point_at_moto(stack_dir, server.endpoint)
    return stacks


def run_cycles(
    terraform: Terraform, workdir: Path, config: Path, *, module: bool = False, destroy: bool = True
) -> dict[str, Cycle | Exception]:
    """Every stack's cycle of one config on its own moto, side by side; by stack, an exception where one
    failed (raised by `checked`). Synthesis runs first, in this thread: the jsii kernel serves one thread."""
    if not E2E_PYTHON.exists():
        skip_or_fail(f"no {E2E_PYTHON.relative_to(ROOT)} (moto): run `make e2e`")
    server = MotoServer(workdir / "moto.log")
    outcomes: dict[str, Cycle | Exception] = {}
    try:
        stacks = prepare(config, workdir, server, module=module)

        def attempt(stack: str) -> None:
            try:
                outcomes[stack] = cycle(terraform, stacks[stack], destroy=destroy)
            except Exception as error:  # reported by `checked`
                outcomes[stack] = error

        with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
            list(pool.map(attempt, stacks))
    finally:
        server.stop()
    for stack, done in outcomes.items():
        if isinstance(done, Cycle):
            print(f"\n{config.name} {stack}: {done.seconds}")
    return outcomes


def checked(outcomes: dict[str, Cycle | Exception]) -> dict[str, Cycle]:
    """The cycles of one config, each applied and re-planned with no changes (and, when destroyed, nothing
    left in state)."""
    for stack, done in outcomes.items():
        if isinstance(done, Exception):
            raise done
        assert done.replan_code == 0, f"{stack}: the plan after apply wants changes:\n{done.replan[-8000:]}"
        assert done.remaining == [], f"{stack}: left in state after destroy: {done.remaining}"
    return outcomes  # type: ignore[return-value]  # no exception left


def service_arns(outputs: dict[str, Any]) -> list[str]:
    return [value for key, value in outputs.items() if key.endswith("_service_arn")]
