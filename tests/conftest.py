"""Fixtures shared across test directories (plain helpers live in tests/helpers.py), and the session's temp dir."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

#: Everything a session writes into the temp dir, its own and that of the processes it starts (the jsii
#: kernel's node, whose cdktf `Testing` apps leave a `cdktf.outdir.*` directory each; terraform; moto),
#: goes into this one directory: set before the kernel starts, removed when the session passes (kept,
#: and named, when it fails: pytest's `tmp_path` directories are in it). pytest-xdist's workers inherit
#: it (FP_TESTS_SESSION) from the controller, which alone removes it.
SESSION_VARIABLE = "FP_TESTS_SESSION"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
SESSION_TEMP = Path(os.environ[SESSION_VARIABLE] if WORKER else tempfile.mkdtemp(prefix="fp-tests-"))
os.environ[SESSION_VARIABLE] = os.environ["TMPDIR"] = str(SESSION_TEMP)
tempfile.tempdir = str(SESSION_TEMP)
#: No per-example deadline by default: on a loaded machine (two workers beside Terraform, other jobs) a 200 ms
#: deadline fails tests that prove behaviour, not speed; each test's own `settings` still apply.
settings.register_profile("tests", deadline=None)
settings.load_profile("tests")

#: One plugin cache for every Terraform the session runs, in every worker (.ci/run's when it sets one).
os.environ.setdefault("TF_PLUGIN_CACHE_DIR", str(SESSION_TEMP / "plugin-cache"))
Path(os.environ["TF_PLUGIN_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """pytest's own `tmp_path` directories in the session's directory too, as short paths as before (messages
    show a path of up to 80 characters whole, and tests compare them)."""
    if WORKER:  # not xdist's `p/popen-gwN`: a worker's paths one character longer than a plain session's
        config.option.basetemp = str(SESSION_TEMP / f"p{WORKER.removeprefix('gw')}")
    elif not config.option.basetemp:
        config.option.basetemp = str(SESSION_TEMP / "p")


def pytest_unconfigure(config: pytest.Config) -> None:
    if WORKER:
        return
    failed = getattr(config, "_session_failed", True)
    if failed and any(SESSION_TEMP.iterdir()):
        print(f"\nthe session's temp files are kept in {SESSION_TEMP}", file=sys.stderr)
    else:
        shutil.rmtree(SESSION_TEMP, ignore_errors=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config._session_failed = exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)  # type: ignore[attr-defined]
    if hasattr(session.config, "workeroutput"):  # an xdist worker: the controller says it (below)
        from tests.terraform.conftest import SKIPPED

        session.config.workeroutput["skipped"] = sorted(SKIPPED)  # type: ignore[attr-defined]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """An xdist worker's reasons for skipping real-tool tests, for the controller's summary."""
    from tests.terraform.conftest import SKIPPED

    SKIPPED.update(getattr(node, "workeroutput", {}).get("skipped", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One loud line when the real-Terraform (or moto, or cdktf CLI) tests did not run, and how to run them."""
    from tests.terraform.conftest import SKIPPED

    for reason in sorted(SKIPPED):
        terminalreporter.write_line(
            f"NOT PROVEN HERE: tests needing real tools were skipped: {reason}. `make test` finds a provider "
            "mirror in the machine image (.ci/provider-mirror); else set TF_PROVIDER_MIRROR to one "
            "(docs/testing.md) or allow registry.terraform.io",
            red=True,
            bold=True,
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the real-Terraform jobs of the selected tests (tests/terraform/background.py) beside the rest."""
    from tests.terraform import background

    background.start({item.module.__name__ for item in session.items if getattr(item, "module", None)})


@pytest.fixture(scope="session")
def synth_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `tests.review.synthesized.output` keeps real synth outputs, one per config, for the
    whole session: the review, command and workflow tests share them (read-only)."""
    return tmp_path_factory.mktemp("outputs")
