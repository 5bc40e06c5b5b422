"""`make setup`'s step: the trimmed assembly built before any synth, and a synth then builds nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_prepare_builds_once_and_synth_then_builds_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = subprocess.run(
        [sys.executable, "-m", "modules.runtime.prepare"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert first.stderr.startswith("building the trimmed provider assembly from ")
    cached = sorted((tmp_path / "cache" / "feature-pipelines" / "jsii").glob("*.jsii.tgz"))
    assert len(cached) == 1
    assert first.stdout.startswith(f"trimmed provider assembly ready: {cached[0]} (")
    synth = subprocess.run(
        [sys.executable, "main.py", "synth", "--out", str(tmp_path / "out")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert synth.returncode == 0, synth.stderr
    assert "building the trimmed provider assembly" not in synth.stderr
    assert (tmp_path / "out" / "stacks" / "feature-pipelines" / "cdk.tf.json").is_file()
