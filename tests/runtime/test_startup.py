"""Commands that need no CDK runtime never import it: jsii (and node) start only for synth-like commands; and
ruamel.yaml is loaded only by the commands that edit pipelines.yaml (`experiment start`, `promote`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: Runs the command line, then prints which runtime packages were imported (at exit, after the command).
PROBE = """
import atexit, sys
sys.argv = ["main.py", *sys.argv[1:]]
atexit.register(lambda: print("imported:", sorted(
    name for name in ("jsii", "cdktf", "cdktn", "constructs", "modules.runtime.cdk", "ruamel.yaml")
    if name in sys.modules
), file=sys.stderr))
from modules.cli import run_as_script
sys.exit(run_as_script())
"""


def _imported(*args: str) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True)
    return result.stderr.splitlines()[-1]


@pytest.mark.parametrize("args", [("--help",), ("cost",), ("review", "--help"), ("synth", "--help")])
def test_commands_without_synthesis_never_start_the_runtime(args: tuple[str, ...]) -> None:
    assert _imported(*args) == "imported: []"


@pytest.mark.slow  # a fresh process that starts the jsii kernel and synthesizes
def test_synth_starts_it(tmp_path: Path) -> None:
    assert "'modules.runtime.cdk'" in _imported("synth", "--out", str(tmp_path / "out"))
