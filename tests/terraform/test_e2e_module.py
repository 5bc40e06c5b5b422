"""The exported module of examples/all-features.yaml, called from a root configuration as its README shows,
on moto: plan, apply, a re-plan with no changes, destroy (tests/terraform/cycles.py). Marked e2e: `make e2e`."""

from __future__ import annotations

import pytest

from modules.config import load_text
from tests.helpers import ROOT
from tests.terraform.cycles import checked, run_cycles

pytestmark = pytest.mark.e2e

CONFIG = ROOT / "examples" / "all-features.yaml"


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return run_cycles(terraform, tmp_path_factory.mktemp("e2e"), CONFIG, module=True)


def test_the_exported_module_applies_replans_clean_and_destroys_from_a_root_configuration(outcomes):
    (done,) = checked(outcomes).values()
    (deployment,) = load_text(CONFIG.read_text())
    assert set(done.outputs) == {f"{spec.address}_service" for spec in deployment.variants}
    assert all(isinstance(value, str) and value for value in done.outputs.values())
