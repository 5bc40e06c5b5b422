"""`npx cdktf synth` (or `npx cdktn synth` on CDK Terrain) runs our app as cdktf.json says and writes its stacks.

As users run it: the project's virtualenv is not on PATH, so `python3` is one without the runtime and
main.py runs itself in the virtualenv (modules/launch.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modules.runtime.imports import installed_runtime

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # node, the CLI and a fresh synth: make slow on cdktf
@pytest.mark.parity  # and make parity on CDK Terrain, where the CLI is another one
def test_the_runtimes_command_line_synthesizes(tmp_path: Path) -> None:
    cli = installed_runtime().cli
    if not (ROOT / "node_modules" / ".bin" / cli).exists():
        pytest.skip(f"node_modules/.bin/{cli} is not installed (make setup installs it)")
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(".*", "node_modules", "cdktf.out", "__pycache__"))
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    virtualenv = Path(sys.prefix)
    (project / virtualenv.name).symlink_to(virtualenv)
    paths = os.environ["PATH"].split(os.pathsep)
    not_the_virtualenv = [p for p in paths if not Path(p).resolve().is_relative_to(virtualenv.resolve())]
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(ROOT / "node_modules" / ".bin"), *not_the_virtualenv]),
        "RUNTIME": installed_runtime().name,
        "CHECKPOINT_DISABLE": "1",
        "CI": "1",
    }
    result = subprocess.run(
        ["npx", "--no-install", cli, "synth"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    stack = json.loads((project / "cdktf.out" / "stacks" / "feature-pipelines" / "cdk.tf.json").read_text())
    assert "aws_ecs_service" in stack["resource"]
