"""The parity subset (tests/runtime/test_parity.py) fails when the seam diverges, and passes when it does not.

A reference recorded in this process; then the subset, in fresh pytest processes, on the same runtime:
as it is (passes: the synth is reproducible across processes) and with tests/runtime/divergence.py
loaded (fails, naming every case it ran). Slow tier: two pytest processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.runtime.parity import cases, record

pytestmark = pytest.mark.slow

#: The cases the two runs select (`-k`): the default example's synth and module export.
SELECTED = "pipelines.yaml"


def parity_subset(reference: Path, *plugins: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-m", "parity", "-k", SELECTED]
    for plugin in plugins:
        command += ["-p", plugin]
    env = {**os.environ, "PARITY_REFERENCE": str(reference)}
    env.pop("CDKTF_OUTDIR", None)
    return subprocess.run(
        [*command, "tests/runtime/test_parity.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_a_divergence_injected_in_the_seam_fails_the_parity_subset(tmp_path: Path) -> None:
    selected = [case for case in cases() if case.source == SELECTED]
    assert {case.command for case in selected} == {"synth", "module"}
    record(tmp_path / "reference", selected)
    same = parity_subset(tmp_path / "reference")
    assert same.returncode == 0, same.stdout[-4000:]
    assert f"{len(selected)} passed" in same.stdout
    diverged = parity_subset(tmp_path / "reference", "tests.runtime.divergence")
    assert diverged.returncode == 1, diverged.stdout[-4000:]
    assert f"{len(selected)} failed" in diverged.stdout
    test = "tests/runtime/test_parity.py::test_the_output_is_byte_identical_to_the_reference"
    for case in selected:
        assert f"FAILED {test}[{case.name}]" in diverged.stdout
    assert "differs: stacks/feature-pipelines/cdk.tf.json" in diverged.stdout
    assert "differs: main.tf" in diverged.stdout and "skip_destroy" in diverged.stdout
