"""`terraform init` + `terraform validate` with the real CLI and the real hashicorp/aws provider.

Every stack of every example and of a few test configs, and the exported module called from a root
configuration as its README shows, exactly as synthesized (no edits). The inits and validates run in the
background pool (tests/terraform/background.py), beside the in-process tests, after one init has filled
the shared plugin cache.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from modules.config import load_text
from tests.helpers import ROOT, to_yaml
from tests.terraform import background
from tests.terraform.stacks import export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform, validated
from tests.test_terraform_accepts import variations

TEST_CONFIGS = {name: data for name, data in variations() if name in ("options", "autoscaling-ci")}
CONFIGS: dict[str, str] = {
    "pipelines.yaml": (ROOT / "pipelines.yaml").read_text(),
    **{f"examples/{path.name}": path.read_text() for path in sorted((ROOT / "examples").glob("*.yaml"))},
    **{f"test-config:{name}": to_yaml(data) for name, data in TEST_CONFIGS.items()},
}
MODULE_CONFIGS = ("pipelines.yaml", "test-config:autoscaling-ci")


def prepare(terraform: Terraform, scratch: Path) -> dict[str, Callable[[], list[str]]]:
    """Every stack and module root synthesized into `scratch`; a job validating each, keyed
    `<config> <stack>` / `<config> module`."""
    jobs: dict[str, Callable[[], list[str]]] = {}
    for index, (config, text) in enumerate(CONFIGS.items()):
        for stack, workdir in synthesize_stacks(text, scratch / f"synth-{index}").items():
            jobs[f"{config} {stack}"] = lambda workdir=workdir: validated(terraform, workdir)
    for index, config in enumerate(MODULE_CONFIGS):
        (deployment, *_) = load_text(CONFIGS[config])
        root = export_root(deployment, scratch / f"root-{index}")
        jobs[f"{config} module"] = lambda root=root: validated(terraform, root)
    return jobs


background.register(__name__, prepare)


@pytest.fixture(scope="module")
def outcomes(terraform: Terraform) -> dict[str, list[str] | BaseException]:
    """Validation problems of every stack and module root (tests/terraform/background.py runs them)."""
    return background.outcomes(__name__)


def check(outcomes: dict[str, list[str] | BaseException], prefix: str) -> None:
    mine = {name: outcome for name, outcome in outcomes.items() if name.startswith(prefix + " ")}
    assert mine, f"nothing was validated for {prefix}"
    for name, outcome in mine.items():
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome == [], f"{name}:\n" + "\n".join(outcome)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_every_stack_validates_with_zero_diagnostics(outcomes, config):
    stacks = load_text(CONFIGS[config])
    assert {f"{config} {deployment.stack}" for deployment in stacks} <= set(outcomes)
    check(outcomes, config)


@pytest.mark.parametrize("config", MODULE_CONFIGS)
def test_the_exported_module_called_as_its_readme_shows_validates_with_zero_diagnostics(outcomes, config):
    assert f"{config} module" in outcomes
    check({name: outcome for name, outcome in outcomes.items() if name == f"{config} module"}, config)
