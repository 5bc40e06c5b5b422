"""The fast tier's real-Terraform (and checkov) runs, started as soon as collection ends, beside the in-process tests.

`terraform init`, `validate` and offline `plan` (and checkov) are subprocesses: while they run, the in-process tests
(one Python thread) keep going on the other core. A test module registers what it needs
(`register(__name__, prepare)`): `prepare(terraform, scratch)` synthesizes in the calling thread (the
jsii kernel serves one thread) and returns its jobs, named callables that only run Terraform. When the
session selected tests of such a module, tests/conftest.py calls `start()` at the end of collection: every
module's jobs go into one thread pool, the first alone (it fills the shared plugin cache, which
concurrent installs would corrupt). `outcomes(module)` waits for a module's jobs: each one's result, or
the exception it raised. Without a start (Terraform unavailable, or the module was not selected at
collection) it runs them there and then.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.terraform.terraform_cli import Terraform, environment, unavailable_reason

Jobs = dict[str, Callable[[], Any]]
Prepare = Callable[[Terraform, Path], Jobs]

#: Terraform runs side by side: each mostly loads the provider's schema (CPU) or waits on a file.
WORKERS = 3

_prepared: dict[str, Prepare] = {}
_needs_terraform: dict[str, bool] = {}
_futures: dict[str, dict[str, Future[Any]]] = {}
_first: list[Future[Any]] = []
_terraform: list[Terraform] = []
_lock = threading.Lock()


def register(module: str, prepare: Prepare, *, needs_terraform: bool = True) -> None:
    """`module`'s work, run by `start()` or `outcomes(module)`. Work that runs no Terraform (checkov)
    says so: it starts without Terraform and without waiting for the plugin cache."""
    _prepared[module] = prepare
    _needs_terraform[module] = needs_terraform


def terraform() -> Terraform | None:
    """The session's one Terraform (one CLI config and plugin cache), or None where it cannot run."""
    with _lock:
        if not _terraform:
            environ = environment()
            if unavailable_reason(environ) is not None:
                return None
            _terraform.append(Terraform.configured(Path(tempfile.mkdtemp(prefix="terraform-home-")), environ))
        return _terraform[0]


def start(modules: set[str]) -> None:
    """Prepare (here) and start (in a pool) the jobs of every registered module among `modules`."""
    cli = terraform()
    selected = [
        module
        for module in _prepared
        if module in modules and module not in _futures and (cli is not None or not _needs_terraform[module])
    ]
    jobs = []
    for module in selected:
        try:
            jobs += [(module, name, job) for name, job in _prepare(module, cli).items()]  # type: ignore[arg-type]
        except Exception:  # the module's tests prepare again, in `outcomes`, and fail there
            continue
    if not jobs:
        return
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="background")
    for module, name, job in jobs:
        if not _needs_terraform[module]:
            future = pool.submit(job)
        elif not _first:
            future = pool.submit(job)
            _first.append(future)
        else:
            future = pool.submit(_after_first, job)
        _futures.setdefault(module, {})[name] = future
    pool.shutdown(wait=False)


def cache_filled() -> None:
    """Wait until the first job has filled the plugin cache (before any other init may run)."""
    for future in _first:
        future.exception()


def outcomes(module: str) -> dict[str, Any]:
    """Each job of `module`: its result, or the exception it raised (waits for them)."""
    if module not in _futures:
        cli = terraform()
        assert cli is not None or not _needs_terraform[module], "the `terraform` fixture skips (or fails) first"
        cache_filled()
        return {name: _outcome(job) for name, job in _prepare(module, cli).items()}  # type: ignore[arg-type]
    return {name: future.exception() or future.result() for name, future in _futures[module].items()}


def _prepare(module: str, cli: Terraform) -> Jobs:
    return _prepared[module](cli, Path(tempfile.mkdtemp(prefix=module.rsplit(".", 1)[-1] + "-")))


def _after_first(job: Callable[[], Any]) -> Any:
    cache_filled()
    return job()


def _outcome(job: Callable[[], Any]) -> Any:
    try:
        return job()
    except Exception as error:  # reported by the test of that job
        return error
