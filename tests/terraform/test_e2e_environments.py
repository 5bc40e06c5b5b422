"""examples/environments.yaml on moto: three stacks, three accounts (`assume_role_arn`), state in moto's S3;
each planned, applied, re-planned with no changes and destroyed (tests/terraform/cycles.py). Marked e2e."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT
from tests.terraform.cycles import SERVICE_ARN, checked, run_cycles, service_arns

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return run_cycles(terraform, tmp_path_factory.mktemp("e2e"), ROOT / "examples" / "environments.yaml")


def test_every_environment_stack_applies_replans_clean_and_destroys_with_state_in_s3(outcomes):
    outcome = checked(outcomes)
    assert sorted(outcome) == ["dev", "prd", "stg"]
    for stack, done in outcome.items():
        assert done.destroyed
        arns = service_arns(done.outputs)
        assert arns and all(SERVICE_ARN.fullmatch(arn) for arn in arns), (stack, arns)
