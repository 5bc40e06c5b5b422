"""The installed runtime writes the same bytes as the one that recorded the reference (tests/runtime/parity.py).

`make parity RUNTIME=cdktn PARITY_REFERENCE=DIR`, after `make parity-record PARITY_REFERENCE=DIR` on cdktf:
every example, environment, hostile corpus file and module export synthesized on CDK Terrain is
identical to CDK for Terraform's: byte for byte, but for JSON whitespace and each runtime's own version
(`parity.comparable`). Marked `parity`: `make test` leaves it out (there is nothing to
compare against there); without a reference it fails, never skips.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.runtime.parity import INDEX, Case, cases, comparable, differences, digest, installed, recorded

pytestmark = pytest.mark.parity

REFERENCE_VARIABLE = "PARITY_REFERENCE"


@pytest.fixture(scope="module")
def reference() -> Path:
    """The reference directory `python -m tests.runtime.parity record` wrote (PARITY_REFERENCE)."""
    value = os.environ.get(REFERENCE_VARIABLE)
    if not value or not (Path(value) / INDEX).is_file():
        pytest.fail(
            f"{REFERENCE_VARIABLE}={value or ''} names no recorded reference: "
            "run `make parity-record PARITY_REFERENCE=DIR` on the other runtime first",
            pytrace=False,
        )
    return Path(value)


def test_the_reference_holds_every_case(reference: Path) -> None:
    index = json.loads((reference / INDEX).read_text())
    assert sorted(index["cases"]) == sorted(case.name for case in cases())


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_the_output_is_byte_identical_to_the_reference(case: Case, reference: Path, tmp_path: Path) -> None:
    """Byte for byte but for JSON whitespace and the runtime's own version (`parity.comparable`)."""
    index = json.loads((reference / INDEX).read_text())
    expected = recorded(reference, case)
    assert index["cases"][case.name] == digest(expected)
    actual = case.produce(tmp_path / "out")
    problems = list(differences(comparable(expected, index["version"]), comparable(actual, installed()[1])))
    assert problems == [], f"{case.name}:\n" + "\n".join(problems)
