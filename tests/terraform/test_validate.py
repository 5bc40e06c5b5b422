"""`terraform init` + `terraform validate` with the real CLI and the real hashicorp/aws provider.

Every stack of every example and of a few test configs, and the exported module called from a root
configuration as its README shows, exactly as synthesized (no edits). The inits and validates run in the
background pool (tests/terraform/background.py), beside the in-process tests, after one init has filled
the shared plugin cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from modules.config import load_text
from tests.helpers import ROOT, to_yaml
from tests.terraform import background
from tests.terraform.stacks import calling_root, export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform, validated_together
from tests.test_terraform_accepts import variations

TEST_CONFIGS = {name: data for name, data in variations() if name in ("options", "autoscaling-ci")}
#: `stacks: per_pipeline` with every feature: the shared stack and each pipeline's, looking the cluster up.
TEST_CONFIGS["per-pipeline"] = {
    **yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text()),
    "stacks": "per_pipeline",
}
CONFIGS: dict[str, str] = {
    "pipelines.yaml": (ROOT / "pipelines.yaml").read_text(),
    **{f"examples/{path.name}": path.read_text() for path in sorted((ROOT / "examples").glob("*.yaml"))},
    **{f"test-config:{name}": to_yaml(data) for name, data in TEST_CONFIGS.items()},
}
MODULE_CONFIGS = ("pipelines.yaml", "test-config:autoscaling-ci")


def prepare(terraform: Terraform, scratch: Path) -> dict[str, Callable[[], dict[str, list[str]]]]:
    """Every stack and module root synthesized into `scratch`, and one job validating them all from one root
    that calls each as a child module (one load of the provider's schema instead of one per stack): each
    one's problems, keyed `<config> <stack>` / `<config> module`."""
    children: dict[str, Path] = {}
    for index, (config, text) in enumerate(CONFIGS.items()):
        for stack, workdir in synthesize_stacks(text, scratch / f"synth-{index}").items():
            children[f"{config} {stack}"] = workdir
    for index, config in enumerate(MODULE_CONFIGS):
        (deployment, *_) = load_text(CONFIGS[config])
        children[f"{config} module"] = export_root(deployment, scratch / f"root-{index}")
    children[CANARY] = canary(children["pipelines.yaml feature-pipelines"], scratch / "canary")
    calls = {f"c{index}": workdir for index, workdir in enumerate(children.values())}
    root = calling_root(calls, scratch / "all")

    def validate_all() -> dict[str, list[str]]:
        found = validated_together(terraform, root, calls)
        return {name: found[call] for name, call in zip(children, calls, strict=True)}

    return {"all": validate_all}


#: A copy of the default stack with one argument the provider does not have, validated beside the others:
#: its error is its own (the others' results stay clean), so one run validating many stacks can fail each.
CANARY = "canary"


def canary(stack: Path, workdir: Path) -> Path:
    data = json.loads((stack / "cdk.tf.json").read_text())
    (cluster,) = data["resource"]["aws_ecs_cluster"].values()
    cluster["no_such_argument"] = "x"
    workdir.mkdir(parents=True)
    (workdir / "cdk.tf.json").write_text(json.dumps(data, indent=2))
    return workdir


background.register(__name__, prepare)


@pytest.fixture(scope="module")
def outcomes(terraform: Terraform) -> dict[str, list[str]]:
    """Validation problems of every stack and module root (tests/terraform/background.py runs them)."""
    found = background.outcomes(__name__)["all"]
    if isinstance(found, BaseException):
        raise found
    return found


def check(outcomes: dict[str, list[str]], prefix: str) -> None:
    mine = {name: outcome for name, outcome in outcomes.items() if name.startswith(prefix + " ")}
    assert mine, f"nothing was validated for {prefix}"
    for name, outcome in mine.items():
        assert outcome == [], f"{name}:\n" + "\n".join(outcome)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_every_stack_validates_with_zero_diagnostics(outcomes, config):
    stacks = load_text(CONFIGS[config])
    assert {f"{config} {stack}" for deployment in stacks for stack in deployment.stack_names()} <= set(outcomes)
    check(outcomes, config)


@pytest.mark.parametrize("config", MODULE_CONFIGS)
def test_the_exported_module_called_as_its_readme_shows_validates_with_zero_diagnostics(outcomes, config):
    assert f"{config} module" in outcomes
    check({name: outcome for name, outcome in outcomes.items() if name == f"{config} module"}, config)


def test_a_stack_validated_beside_others_fails_alone(outcomes):
    (line,) = outcomes[CANARY]
    assert line.startswith("error: ") and "cdk.tf.json" in line and "no_such_argument" in line, line
