"""The exported module of examples/all-features.yaml, called from a root configuration as its README shows,
on moto: apply, a re-plan with no changes, destroy (tests/terraform/cycles.py `TOGETHER`: that root
configuration is a child module of the one root applied). Marked e2e: `make e2e`."""

from __future__ import annotations

import pytest

from modules.config import load_text
from tests.terraform.cycles import TOGETHER, checked, together

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return together(terraform, tmp_path_factory, "module")


def test_the_exported_module_applies_replans_clean_and_destroys_from_a_root_configuration(outcomes):
    (done,) = checked(outcomes).values()
    (deployment,) = load_text(TOGETHER["module"].path.read_text())
    assert set(done.outputs) == {f"{spec.address}_service" for spec in deployment.variants}
    assert all(isinstance(value, str) and value for value in done.outputs.values())
