"""The default example (pipelines.yaml) on moto: plan, apply, a re-plan with no changes.

Not destroyed here: test_cdktf_cli.py deploys and destroys this same stack (state empty after). The
cycle and its harness: tests/terraform/cycles.py; the other configs have their own test_e2e_*.py
modules, which `make e2e` runs side by side. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import pytest

from tests.helpers import DEFAULT_CONFIG, DEFAULT_OUTPUTS
from tests.terraform.cycles import SERVICE_ARN, checked, run_cycles, service_arns

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return run_cycles(terraform, tmp_path_factory.mktemp("e2e"), DEFAULT_CONFIG, destroy=False)


def test_the_default_example_applies_and_replans_clean(outcomes):
    (done,) = checked(outcomes).values()
    assert set(done.outputs) == DEFAULT_OUTPUTS
    arns = service_arns(done.outputs)
    assert len(arns) == 2 and all(SERVICE_ARN.fullmatch(arn) for arn in arns), arns
