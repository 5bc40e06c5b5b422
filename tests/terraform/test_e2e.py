"""The default example (pipelines.yaml) on moto: apply, a re-plan with no changes, destroy.

Applied with the other configs of tests/terraform/cycles.py `TOGETHER` (one root, a moto each); its
`cdktf deploy` and `destroy`: test_cdktf_cli.py. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import pytest

from tests.helpers import DEFAULT_OUTPUTS
from tests.terraform.cycles import SERVICE_ARN, checked, service_arns, together

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return together(terraform, tmp_path_factory, "default")


def test_the_default_example_applies_replans_clean_and_destroys(outcomes):
    (done,) = checked(outcomes).values()
    assert done.destroyed
    assert set(done.outputs) == DEFAULT_OUTPUTS
    arns = service_arns(done.outputs)
    assert len(arns) == 2 and all(SERVICE_ARN.fullmatch(arn) for arn in arns), arns
