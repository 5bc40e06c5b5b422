"""The e2e stack cycle on moto: apply, read back, a second plan that must show no changes, destroy.

The real Terraform CLI and hashicorp/aws provider; one moto server per config. What a config refers to
(VPC and subnets, KMS keys, secrets, parameters, state bucket) is created in moto first and the config's
ids replaced by moto's; the synthesized stacks (or the exported module called from a root configuration)
are used as written, plus override files pointing the provider (and the S3 backend) at moto.

Most of a Terraform run's CPU is loading the AWS provider's schema and starting the provider, whatever
the number of resources: the configs of `TOGETHER` are therefore cycled at once, their stacks child
modules of one root configuration (stacks.py `calling_root`), each child's provider on its own config's
moto (the override file in its directory), so that one apply, show, re-plan and destroy covers them all.
Their test modules (`TOGETHER_MODULES`) share that one run: `make e2e` (tests/terraform/parallel.py) runs
them in one process. A config whose stacks keep their own backend (environments: state in S3) runs
`run_cycles`: each stack its own root, side by side in threads.
"""

from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from modules.config import load_text
from tests.helpers import DEFAULT_CONFIG, ROOT, to_yaml
from tests.terraform.moto import MotoServer, point_at_moto, rebind, require_moto, seed_spec
from tests.terraform.stacks import calling_root, export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform

SERVICE_ARN = re.compile(r"arn:aws:ecs:ap-northeast-1:\d{12}:service/[^/]+/[^/]+")
#: Resources Terraform creates, reads or destroys at once (10 by default): the provider's polls of the
#: resources of every child module of one root overlap instead of waiting their turn.
PARALLELISM = 40


@dataclass(frozen=True)
class Config:
    """A config cycled on moto: its stacks as synthesized or, with `module`, its exported module."""

    path: Path
    module: bool = False


#: The configs cycled together, as child modules of one root configuration, by name.
TOGETHER = {
    "default": Config(DEFAULT_CONFIG),
    "all_features": Config(ROOT / "examples" / "all-features.yaml"),
    "stream_consumer": Config(ROOT / "examples" / "stream-consumer.yaml"),
    "module": Config(ROOT / "examples" / "all-features.yaml", module=True),
}
#: The test modules asserting on them (`together(name)`): `make e2e` runs them in one process.
TOGETHER_MODULES = ("test_e2e.py", "test_e2e_all_features.py", "test_e2e_stream_consumer.py", "test_e2e_module.py")


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


def cycle(terraform: Terraform, workdir: Path, *, destroy: bool, parallelism: int = PARALLELISM) -> Cycle:
    """init, apply, the state read back (`state pull`), plan -detailed-exitcode and, with `destroy`, destroy
    and state list.

    The destroy does not refresh: the re-plan just read every resource back and found it as applied."""
    done = Cycle()

    def step(name: str, *args: str, expect: tuple[int, ...] = (0,)) -> str:
        start = time.monotonic()
        result = terraform.run(workdir, *args, expect=expect)
        done.seconds[name] = round(time.monotonic() - start, 1)
        if name == "replan":
            done.replan_code = result.returncode
        return result.stdout

    walk = f"-parallelism={parallelism}"
    step("init", "init", "-input=false", "-no-color")
    step("apply", "apply", "-input=false", "-no-color", "-auto-approve", walk)
    state = shown(json.loads(step("state", "state", "pull")))
    done.outputs = {name: body["value"] for name, body in state["values"]["outputs"].items()}
    done.containers = applied_containers(state)
    done.services = {address: values for address, values in applied(state, "aws_ecs_service").items()}
    done.replan = step("replan", "plan", "-input=false", "-no-color", "-detailed-exitcode", walk, expect=(0, 2))
    if destroy:
        step("destroy", "destroy", "-input=false", "-no-color", "-auto-approve", "-refresh=false", walk)
        done.destroyed = True
        done.remaining = step("state list", "state", "list").split()
    return done


def shown(state: dict[str, Any]) -> dict[str, Any]:
    """A state as Terraform stores it (`terraform state pull`) in the shape of `terraform show -json`'s
    values (outputs; every resource in `root_module`, by its full address): what `applied` reads, without
    a process that loads the provider's schema."""
    resources = []
    for resource in state.get("resources", []):
        module = resource["module"] + "." if "module" in resource else ""
        prefix = module + ("data." if resource["mode"] == "data" else "")
        for instance in resource["instances"]:
            key = instance.get("index_key")
            index = "" if key is None else f"[{json.dumps(key)}]"
            address = f"{prefix}{resource['type']}.{resource['name']}{index}"
            resources.append({"address": address, "type": resource["type"], "values": instance["attributes"]})
    return {"values": {"outputs": state.get("outputs", {}), "root_module": {"resources": resources}}}


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
    return write_stacks(config, workdir, server, seeded(config, server), module=module)


def seeded(config: Path, server: MotoServer) -> str:
    """The config's text with moto's ids, once what it refers to is created in `server`."""
    data = yaml.safe_load(config.read_text())
    return to_yaml(rebind(data, server.seed(seed_spec(data))))


def write_stacks(config: Path, workdir: Path, server: MotoServer, bound: str, *, module: bool) -> dict[str, Path]:
    """The rebound config's stacks (or exported module in a root configuration) pointed at `server`."""
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
    require_moto()
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


def run_together(
    terraform: Terraform, workdir: Path, configs: dict[str, Config]
) -> dict[str, dict[str, Cycle | Exception]]:
    """The cycle of every stack of `configs` at once: each config on its own moto, its stacks child modules
    of one root configuration; by config name and stack, what each child went through (the same exception
    for every one when the run failed)."""
    require_moto()
    servers: dict[str, MotoServer] = {}
    try:

        def start(name: str) -> str:
            servers[name] = MotoServer(workdir / f"moto-{name}.log")
            return seeded(configs[name].path, servers[name])

        with ThreadPoolExecutor(max_workers=len(configs)) as pool:
            texts = dict(zip(configs, pool.map(start, configs), strict=True))
        children: dict[str, Path] = {}
        owners: dict[str, tuple[str, str]] = {}
        for name, config in configs.items():
            stacks = write_stacks(config.path, workdir / name, servers[name], texts[name], module=config.module)
            for stack, stack_dir in stacks.items():
                child = f"{name}__{stack}"
                children[child] = stack_dir
                owners[child] = (name, stack)
        root = calling_root(children, workdir / "root")
        # A child's outputs are not the root's: each passed through whole (sensitive, as some are).
        outputs = {child: {"value": f"${{module.{child}}}", "sensitive": True} for child in children}
        (root / "outputs.tf.json").write_text(json.dumps({"output": outputs}, indent=2) + "\n")
        try:
            whole: Cycle | Exception = cycle(terraform, root, destroy=True)
        except Exception as error:  # reported by `checked`, for every child
            whole = error
    finally:
        for server in servers.values():
            server.stop()
    outcomes: dict[str, dict[str, Cycle | Exception]] = {name: {} for name in configs}
    for child, (name, stack) in owners.items():
        outcomes[name][stack] = whole if isinstance(whole, Exception) else child_cycle(whole, child)
    if isinstance(whole, Cycle):
        print(f"\n{', '.join(configs)} together: {whole.seconds}")
    return outcomes


def child_cycle(whole: Cycle, child: str) -> Cycle:
    """What child module `child` of a root went through: its outputs, its resources (by their address in
    the child), the re-plan (changes only where the plan names the child, or anything outside the children)."""
    prefix = f"module.{child}."

    def own(by_address: dict[str, Any]) -> dict[str, Any]:
        return {address[len(prefix) :]: value for address, value in by_address.items() if address.startswith(prefix)}

    mentioned = re.findall(r"# (module\.[^.\s]+)\.", whole.replan)
    changed = whole.replan_code != 0 and (f"module.{child}" in mentioned or not mentioned)
    return Cycle(
        outputs=whole.outputs.get(child, {}),
        replan_code=2 if changed else 0,
        replan=whole.replan,
        destroyed=whole.destroyed,
        remaining=[address for address in whole.remaining if address.startswith(prefix) or "module." not in address],
        seconds=whole.seconds,
        containers=own(whole.containers),
        services=own(whole.services),
    )


_together: list[dict[str, dict[str, Cycle | Exception]] | BaseException] = []
_together_lock = threading.Lock()


def together(terraform: Terraform, tmp_path_factory: Any, name: str) -> dict[str, Cycle | Exception]:
    """The cycles of `TOGETHER[name]`'s stacks, from the one run of all of `TOGETHER` in this process (the first
    caller's; what it raised, a skip among them, is raised again for every caller)."""
    with _together_lock:
        if not _together:
            try:
                _together.append(run_together(terraform, tmp_path_factory.mktemp("e2e-together"), TOGETHER))
            except BaseException as error:
                _together.append(error)
    (outcome,) = _together
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome[name]


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
