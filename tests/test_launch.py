"""`python main.py` from any Python: the project's virtualenv runs it, or one line says what to run.

The process is what is tested: main.py started by an interpreter without the CDK runtime.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modules.launch import VIRTUALENVS, project_interpreter
from modules.runtime.imports import installed_runtime
from tests.helpers import ROOT

#: The Python this test's virtualenv was made from: the system Python users type `python` for.
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
NOT_INSTALLED = "error: python main.py: neither cdktf nor cdktn installed in "


def run_main(
    python: str, *args: str, options: tuple[str, ...] = (), main: Path = ROOT / "main.py"
) -> subprocess.CompletedProcess[str]:
    """`python [options] main.py args` from main.py's directory; $RUNTIME names the tests' own runtime."""
    return subprocess.run(
        [python, *options, str(main), *args],
        cwd=main.parent,
        env={**os.environ, "RUNTIME": installed_runtime().name},
        capture_output=True,
        text=True,
        timeout=120,
    )


def has_runtime(python: str) -> bool:
    probe = "from modules.runtime.imports import installed_runtime\ninstalled_runtime()"
    return subprocess.run([python, "-c", probe], cwd=ROOT, capture_output=True, check=False).returncode == 0


@pytest.mark.slow  # two fresh processes that each start the CDK runtime's imports
def test_a_python_without_the_runtime_runs_main_py_in_the_projects_virtualenv(tmp_path: Path) -> None:
    """Its stdout, stderr and exit status are the command's own; nothing is said about the switch."""
    if has_runtime(BASE_PYTHON):
        pytest.skip(f"{BASE_PYTHON} has a CDK runtime itself")
    if Path(sys.prefix).resolve() != (ROOT / VIRTUALENVS[installed_runtime().name]).resolve():
        pytest.skip(f"the tests do not run in the project's {VIRTUALENVS[installed_runtime().name]}")
    valid = run_main(BASE_PYTHON, "validate")
    assert (valid.returncode, valid.stdout, valid.stderr) == (0, "pipelines.yaml: valid (1 pipeline, 2 variants)\n", "")
    bad = tmp_path / "pipelines.yaml"
    bad.write_text((ROOT / "pipelines.yaml").read_text().replace("cpu: 1 ", "cpu: 3 "))
    refused = run_main(BASE_PYTHON, "validate", "--config", str(bad))
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.startswith(f"error: {bad}: 1 problem\n  pipelines.news-encoder.cpu"), refused.stderr


def test_without_a_virtualenv_a_missing_runtime_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """`-S`: no site-packages, so no runtime (nor any third-party package), and no .venv beside this copy."""
    shutil.copy(ROOT / "main.py", tmp_path / "main.py")
    shutil.copytree(ROOT / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns("__pycache__"))
    for command in (["validate"], [], ["synth", "--out", "out"], ["module", "--out", "module"], ["adopt-plan"]):
        result = run_main(sys.executable, *command, options=("-S",), main=tmp_path / "main.py")
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(NOT_INSTALLED) and result.stderr.count("\n") == 1, result.stderr
        assert "run `make setup` (cdktf) or `make setup RUNTIME=cdktn`" in result.stderr
        assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.py", "modules"], "nothing written"


def test_the_virtualenvs_own_python_is_never_executed_again() -> None:
    """`.venv/bin/python -S main.py` lacks the runtime too: one line, not a loop."""
    python = ROOT / VIRTUALENVS[installed_runtime().name] / "bin" / "python"
    if not python.exists():
        pytest.skip(f"no {python.relative_to(ROOT)}")
    result = run_main(str(python), "validate", options=("-S",))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(NOT_INSTALLED) and result.stderr.count("\n") == 1, result.stderr


def fake_virtualenv(project: Path, name: str) -> Path:
    python = project / name / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    return python


@pytest.mark.parametrize(
    ("made", "runtime", "chosen"),
    [
        ((".venv", ".venv-cdktn"), None, ".venv"),
        ((".venv-cdktn",), None, ".venv-cdktn"),
        ((".venv", ".venv-cdktn"), "cdktn", ".venv-cdktn"),
        ((".venv",), "cdktn", None),
        ((".venv-cdktn",), "cdktf", None),
        ((".venv",), "something-else", ".venv"),
        ((), None, None),
    ],
)
def test_runtime_picks_the_virtualenv(tmp_path: Path, made: tuple[str, ...], runtime: str | None, chosen: str | None):
    for name in made:
        fake_virtualenv(tmp_path, name)
    environ = {"RUNTIME": runtime} if runtime else {}
    found = project_interpreter(tmp_path, environ, "/usr/bin/python3")
    assert found == (tmp_path / chosen / "bin" / "python" if chosen else None)


def test_the_current_python_is_not_chosen_and_a_non_executable_one_neither(tmp_path: Path) -> None:
    python = fake_virtualenv(tmp_path, ".venv")
    assert project_interpreter(tmp_path, {}, str(python)) is None
    python.chmod(0o644)
    assert project_interpreter(tmp_path, {}, "/usr/bin/python3") is None
