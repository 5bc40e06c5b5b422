"""Fresh-process synths of the default example that the slow byte-identity tests share.

`ours()`: `python main.py synth` with the trimmed assembly, built into an empty cache of its own.
`plain()`: one fresh process with FEATURE_PIPELINES_PLAIN_JSII=1 and an empty cache of its own: first
`main.py synth` through our seam (the provider imported and loaded the plain way, whole), then, in the
same process, benchmarks/straightforward_app.py (the seam replaced by plain provider imports; every
`modules` module imported again on it), which reuses that one load of the whole provider instead of
paying for a second (about 30 s of CPU each). Each runs once per session, whichever pytest-xdist worker
asks first (a lock in the session's directory, tests/conftest.py), and says where its outputs are.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PLAIN_JSII = "FEATURE_PIPELINES_PLAIN_JSII"

#: argv: the project root, the plain-jsii output, the straightforward app's output.
PLAIN = """
import runpy, sys
from pathlib import Path

root, plain_out, straightforward_out = sys.argv[1:4]
sys.path.insert(0, root)


def run(script, out):
    sys.argv = [script, "synth", "--out", out]
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as done:
        if done.code:
            raise


run(str(Path(root) / "main.py"), plain_out)
seam = sys.modules["modules.runtime.cdk"]
for name in [name for name in sys.modules if name == "modules" or name.startswith("modules.")]:
    del sys.modules[name]
run(str(Path(root) / "benchmarks" / "straightforward_app.py"), straightforward_out)
# The second synth ran on the straightforward app's seam, not on ours again.
assert sys.modules["modules.runtime.cdk"] is not seam and not hasattr(sys.modules["modules.runtime.cdk"], "__file__")
"""


def _once(name: str, make: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """`make(directory)`'s result, computed once per session (across xdist workers) into `directory`."""
    session = Path(os.environ.get("FP_TESTS_SESSION") or tempfile.gettempdir()) / "fresh-synths"
    session.mkdir(parents=True, exist_ok=True)
    directory, done = session / name, session / f"{name}.json"
    with (session / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            directory.mkdir()
            done.write_text(json.dumps(make(directory)))
    return json.loads(done.read_text())


def _env(directory: Path, plain: str) -> dict[str, str]:
    path = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, PLAIN_JSII: plain, "XDG_CACHE_HOME": str(directory / "cache")}


def _cache_built(directory: Path) -> bool:
    return (directory / "cache" / "feature-pipelines" / "jsii").is_dir()


def _ours(directory: Path) -> dict[str, Any]:
    command = [sys.executable, "main.py", "synth", "--out", str(directory / "out")]
    done = subprocess.run(command, cwd=ROOT, env=_env(directory, ""), capture_output=True, text=True, check=False)
    return {
        "code": done.returncode,
        "stderr": done.stderr,
        "out": str(directory / "out"),
        "trimmed": _cache_built(directory),
    }


def _plain(directory: Path) -> dict[str, Any]:
    outs = {"plain": str(directory / "plain"), "straightforward": str(directory / "straightforward")}
    command = [sys.executable, "-c", PLAIN, str(ROOT), outs["plain"], outs["straightforward"]]
    done = subprocess.run(command, cwd=ROOT, env=_env(directory, "1"), capture_output=True, text=True, check=False)
    return {"code": done.returncode, "stderr": done.stderr, **outs, "trimmed": _cache_built(directory)}


def ours() -> dict[str, Any]:
    """Our synth in a fresh process: `code`, `stderr`, `out`, and whether it built the trimmed assembly (`trimmed`)."""
    return _once("ours", _ours)


def plain() -> dict[str, Any]:
    """The plain-jsii and straightforward synths of one fresh process: `code`, `stderr`, their outputs (`plain`,
    `straightforward`), and whether anything built a trimmed assembly (`trimmed`)."""
    return _once("plain", _plain)


def same_bytes(first: Path, second: Path) -> None:
    """The same files with the same bytes (a stack among them)."""
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert Path("stacks/feature-pipelines/cdk.tf.json") in files
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs"
