"""Run `python main.py` in an interpreter that has the CDK runtime: the project's virtualenv.

`python main.py ...` (the README's form) and `npx cdktf synth` (cdktf.json runs `python3 main.py`)
start whatever Python is first on PATH. When that one lacks the runtime and the project's
virtualenv exists (`.venv`, or `.venv-cdktn` for CDK Terrain; `$RUNTIME` picks one), the process
becomes that virtualenv's Python (`os.execv`: the same process id, arguments, interpreter options,
environment, standard streams, signals and exit status) and says nothing about it. Without one,
one line says what to run, exit status 2. Standard library only: it runs before anything is known
to be importable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .runtime.imports import RuntimeNotInstalledError, installed_runtime

#: The project directory: where `make setup` creates the virtualenvs.
PROJECT = Path(__file__).resolve().parent.parent
#: Each runtime's virtualenv, as the Makefile's RUNTIME names them.
VIRTUALENVS = {"cdktf": ".venv", "cdktn": ".venv-cdktn"}
EXIT_NOT_INSTALLED = 2


def project_interpreter(project: Path, environ: dict[str, str] | os._Environ[str], current: str) -> Path | None:
    """The Python of the project's virtualenv to run instead of `current`, or None.

    `$RUNTIME` (cdktf or cdktn) picks one virtualenv, else the first that exists. Never `current`
    itself: what was executed once is not executed again, whatever it lacks.
    """
    wanted = environ.get("RUNTIME")
    names = [VIRTUALENVS[wanted]] if wanted in VIRTUALENVS else list(VIRTUALENVS.values())
    for name in names:
        python = project / name / "bin" / "python"
        if os.access(python, os.X_OK) and str(python) != os.path.abspath(current):
            return python
    return None


def ensure_runtime() -> None:
    """Return when this Python has the runtime; else become the project's virtualenv's, or exit 2."""
    try:
        installed_runtime()
        return
    except RuntimeNotInstalledError as error:
        problem = error
    python = project_interpreter(PROJECT, os.environ, sys.executable)
    if python is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(python, [str(python), *sys.orig_argv[1:]])  # noqa: S606 (the arguments as given, no shell)
    print(f"error: python main.py: {problem}", file=sys.stderr)
    sys.exit(EXIT_NOT_INSTALLED)
