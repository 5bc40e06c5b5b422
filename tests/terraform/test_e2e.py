"""plan, apply, a second plan that must show no changes, and destroy, on a local AWS API (moto).

The real Terraform CLI and hashicorp/aws provider, one moto server per config (they run side by
side), for the default example, examples/environments.yaml (three stacks, state in moto's S3),
examples/all-features.yaml, examples/stream-consumer.yaml and the exported module called from a root
configuration. What each config refers to (VPC and subnets, KMS keys, secrets, parameters, state
bucket) is created in moto first and the config's ids replaced by moto's; the synthesized stacks are
used as written, plus override files pointing the provider (and the S3 backend) at moto. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.config import load_text
from tests.helpers import DEFAULT_OUTPUTS, ROOT, to_yaml
from tests.terraform.conftest import skip_or_fail
from tests.terraform.moto import E2E_PYTHON, MotoServer, point_at_moto, rebind, seed_spec
from tests.terraform.stacks import export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform

pytestmark = pytest.mark.e2e

CONFIGS = {
    "pipelines.yaml": ROOT / "pipelines.yaml",
    "examples/environments.yaml": ROOT / "examples" / "environments.yaml",
    "examples/all-features.yaml": ROOT / "examples" / "all-features.yaml",
    "examples/stream-consumer.yaml": ROOT / "examples" / "stream-consumer.yaml",
}
MODULE_CONFIG = "examples/all-features.yaml"
#: Cycles side by side: each mostly waits on moto and the provider.
WORKERS = 4
SERVICE_ARN = re.compile(r"arn:aws:ecs:ap-northeast-1:\d{12}:service/[^/]+/[^/]+")


@dataclass
class Cycle:
    """What one working directory went through: outputs after apply, the re-plan, the state after destroy."""

    outputs: dict[str, Any] = field(default_factory=dict)
    replan_code: int = -1
    replan: str = ""
    remaining: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    containers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """After apply, each task definition's containers as the provider read them back from the API."""
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    """After apply, each ECS service's attributes as the provider read them back from the API."""


def cycle(terraform: Terraform, workdir: Path) -> Cycle:
    """init, plan, apply, output, plan -detailed-exitcode, destroy, state list; timed per step."""
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
    step("destroy", "destroy", "-input=false", "-no-color", "-auto-approve")
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


def prepare(name: str, data: dict[str, Any], workdir: Path, servers: list[MotoServer]) -> dict[str, Path]:
    """Start a moto for one config, seed it, write the rebound config's stacks (or, for `module`, the
    exported module called from a root configuration) pointed at it: the working directories by stack."""
    server = MotoServer(workdir / "moto.log")
    servers.append(server)
    bound = to_yaml(rebind(data, server.seed(seed_spec(data))))
    if name == "module":
        (deployment,) = load_text(bound)
        stacks = {"module": export_root(deployment, workdir / "root")}
    else:
        stacks = synthesize_stacks(bound, workdir / "cdktf.out")
    for stack_dir in stacks.values():
        point_at_moto(stack_dir, server.endpoint)
    return stacks


@pytest.fixture(scope="module")
def cycles(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Cycle | Exception]]:
    """Every stack's cycle (side by side; one moto per config), by config and stack; an exception where
    one failed. Synthesis runs first, in this thread: the jsii kernel serves one thread."""
    if not E2E_PYTHON.exists():
        skip_or_fail(f"no {E2E_PYTHON.relative_to(ROOT)} (moto): run `make e2e`")
    servers: list[MotoServer] = []
    outcomes: dict[str, dict[str, Cycle | Exception]] = {}
    try:
        workdirs = {
            name: prepare(name, yaml.safe_load(CONFIGS[config].read_text()), tmp_path_factory.mktemp("e2e"), servers)
            for name, config in {**{name: name for name in CONFIGS}, "module": MODULE_CONFIG}.items()
        }

        def attempt(job: tuple[str, str, Path]) -> None:
            name, stack, workdir = job
            try:
                outcomes[name][stack] = cycle(terraform, workdir)
            except Exception as error:  # reported by that config's test
                outcomes[name][stack] = error

        jobs = [(name, stack, workdir) for name, stacks in workdirs.items() for stack, workdir in stacks.items()]
        outcomes.update({name: {} for name in workdirs})
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(attempt, jobs))
    finally:
        for server in servers:
            server.stop()
    for name, by_stack in outcomes.items():
        for stack, done in by_stack.items():
            if isinstance(done, Cycle):
                print(f"\n{name} {stack}: {done.seconds}")
    return outcomes


def checked(cycles: dict[str, dict[str, Cycle | Exception]], name: str) -> dict[str, Cycle]:
    """The cycles of one config, each applied, re-planned with no changes and fully destroyed."""
    outcome = cycles[name]
    for stack, done in outcome.items():
        if isinstance(done, Exception):
            raise done
        assert done.replan_code == 0, f"{name} {stack}: the plan after apply wants changes:\n{done.replan[-8000:]}"
        assert done.remaining == [], f"{name} {stack}: left in state after destroy: {done.remaining}"
    return outcome  # type: ignore[return-value]  # no exception left


def service_arns(outputs: dict[str, Any]) -> list[str]:
    return [value for key, value in outputs.items() if key.endswith("_service_arn")]


def test_the_default_example_applies_replans_clean_and_destroys(cycles):
    (done,) = checked(cycles, "pipelines.yaml").values()
    assert set(done.outputs) == DEFAULT_OUTPUTS
    arns = service_arns(done.outputs)
    assert len(arns) == 2 and all(SERVICE_ARN.fullmatch(arn) for arn in arns), arns


def test_every_environment_stack_applies_replans_clean_and_destroys_with_state_in_s3(cycles):
    outcome = checked(cycles, "examples/environments.yaml")
    assert sorted(outcome) == ["dev", "prd", "stg"]
    for stack, done in outcome.items():
        arns = service_arns(done.outputs)
        assert arns and all(SERVICE_ARN.fullmatch(arn) for arn in arns), (stack, arns)


def test_every_feature_applies_replans_clean_and_destroys(cycles):
    (done,) = checked(cycles, "examples/all-features.yaml").values()
    assert len(service_arns(done.outputs)) == 3


def test_container_settings_reach_the_api_as_synthesized(cycles):
    """The health checks, restart policies, init process, ulimits, dependencies and sidecars of
    all-features are what the ECS API holds after apply (read back by the provider), not dropped
    on the way (a field the provider did not know would vanish on both sides and still re-plan clean)."""
    (done,) = checked(cycles, "examples/all-features.yaml").values()
    control = {c["name"]: c for c in done.containers["aws_ecs_task_definition.news-encoder_control"]}
    main, otel = control["news-encoder"], control["otel-collector"]
    assert main["healthCheck"] == {
        "command": ["CMD-SHELL", "test -f /tmp/healthy"],
        "interval": 15,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 60,
    }
    assert main["linuxParameters"]["initProcessEnabled"] is True
    assert main["ulimits"] == [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}]
    assert main["dependsOn"] == [{"containerName": "otel-collector", "condition": "HEALTHY"}]
    assert otel["restartPolicy"] == {"enabled": True, "ignoredExitCodes": [0], "restartAttemptPeriod": 60}
    assert (otel["essential"], otel["cpu"], otel["memory"], otel["user"]) == (False, 256, 256, "10001")
    treatment = {c["name"]: c for c in done.containers["aws_ecs_task_definition.news-encoder_treatment"]}
    assert treatment["news-encoder"]["restartPolicy"]["restartAttemptPeriod"] == 120
    clicks = {c["name"]: c for c in done.containers["aws_ecs_task_definition.click-aggregator_control"]}
    assert "linuxParameters" not in clicks["click-aggregator"] and clicks["log-router"]["essential"] is True


def test_the_stream_consumer_example_applies_as_a_careful_operator_runs_it(cycles):
    """examples/stream-consumer.yaml: what the provider read back after apply is a 0/100 deployment rolled
    back by its own lag and running-tasks alarms, one task on on-demand FARGATE before Spot, and a health
    checked consumer that waits for its healthy OpenTelemetry sidecar."""
    (done,) = checked(cycles, "examples/stream-consumer.yaml").values()
    assert len(service_arns(done.outputs)) == 2
    for variant in ("control", "treatment"):
        service = done.services[f"aws_ecs_service.click-embedder_{variant}"]
        percents = service["deployment_minimum_healthy_percent"], service["deployment_maximum_percent"]
        assert percents == (0, 100)
        (alarms,) = service["alarms"]
        assert (alarms["enable"], alarms["rollback"]) == (True, True)
        assert sorted(alarms["alarm_names"]) == [
            f"clickstream_click-embedder_{variant}_{suffix}" for suffix in ("stream_lag", "tasks")
        ]
        strategy = {
            s["capacity_provider"]: (s["base"] or 0, s["weight"]) for s in service["capacity_provider_strategy"]
        }
        assert strategy == {"FARGATE": (1, 1), "FARGATE_SPOT": (0, 3)}
        containers = {c["name"]: c for c in done.containers[f"aws_ecs_task_definition.click-embedder_{variant}"]}
        main = containers["click-embedder"]
        assert main["dependsOn"] == [{"containerName": "otel-collector", "condition": "HEALTHY"}]
        assert main["healthCheck"]["command"][0] == "CMD-SHELL" and "healthCheck" in containers["otel-collector"]


def test_the_exported_module_applies_replans_clean_and_destroys_from_a_root_configuration(cycles):
    (done,) = checked(cycles, "module").values()
    (deployment,) = load_text(CONFIGS[MODULE_CONFIG].read_text())
    assert set(done.outputs) == {f"{spec.address}_service" for spec in deployment.variants}
    assert all(isinstance(value, str) and value for value in done.outputs.values())
