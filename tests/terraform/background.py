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

Under pytest-xdist (`make test`: two workers) the first worker alone starts the pool, for the modules every
worker collected, and writes each module's outcomes into the session's shared directory when its jobs end
(`SHARED`, tests/conftest.py); another worker's `outcomes(module)` reads them from there (waiting), and its
`cache_filled()` waits for the first worker's first job. So each job runs once per session, whichever
worker runs its tests.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tests.terraform.terraform_cli import Terraform, environment, unavailable_reason

Jobs = dict[str, Callable[[], Any]]
Prepare = Callable[[Terraform, Path], Jobs]

#: Terraform runs side by side: each mostly loads the provider's schema (CPU) or waits on a file.
WORKERS = 3
#: The xdist worker that starts the pool ("" without xdist: this process does).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
STARTER = WORKER in ("", "gw0")
#: Where the starting worker leaves what the others read: the session's directory (tests/conftest.py).
SHARED = Path(os.environ.get("FP_TESTS_SESSION", tempfile.gettempdir())) / "background"
#: How long another worker waits for the starting worker's outcomes (its jobs' own timeouts come first).
WAIT_SECONDS = 1800

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
    """Prepare (here) and start (in a pool) the jobs of every registered module among `modules` (under xdist,
    in the first worker only: it lists them in `started.pickle`, and each module's outcomes follow)."""
    if not STARTER:
        return
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
    if jobs:
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
    if WORKER:
        _share(modules)


def _share(modules: set[str]) -> None:
    """For the other xdist workers: which modules' jobs run here, then each one's outcomes as its jobs end,
    and a mark once the plugin cache is filled."""
    SHARED.mkdir(parents=True, exist_ok=True)
    _write("started", {"modules": sorted(_futures), "collected": sorted(modules), "first": bool(_first)})
    for future in _first:
        future.add_done_callback(lambda _: _write("cache-filled", True))
    for module, futures in _futures.items():
        threading.Thread(target=_write_when_done, args=(module, futures), daemon=True).start()


def _write_when_done(module: str, futures: dict[str, Future[Any]]) -> None:
    outcomes = {name: future.exception() or future.result() for name, future in futures.items()}
    try:
        pickle.dumps(outcomes)
    except Exception as error:  # an outcome that cannot travel: its test fails with what it was
        outcomes = {name: RuntimeError(f"{module} {name}: {outcome!r} ({error})") for name, outcome in outcomes.items()}
    _write(f"module-{module}", outcomes)


def _write(name: str, value: Any) -> None:
    partial = SHARED / f".{name}.{os.getpid()}"
    partial.write_bytes(pickle.dumps(value))
    partial.rename(SHARED / f"{name}.pickle")


def _read(name: str) -> Any:
    """What the starting worker wrote as `name` (waits for it)."""
    path = SHARED / f"{name}.pickle"
    deadline = time.monotonic() + WAIT_SECONDS
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the first xdist worker wrote no {path} in {WAIT_SECONDS} s")
        time.sleep(0.2)
    return pickle.loads(path.read_bytes())  # written by this session's first worker


def cache_filled() -> None:
    """Wait until the first job has filled the plugin cache (before any other init may run)."""
    for future in _first:
        future.exception()
    if not STARTER and _read("started")["first"]:
        _read("cache-filled")


def outcomes(module: str) -> dict[str, Any]:
    """Each job of `module`: its result, or the exception it raised (waits for them)."""
    if not STARTER and module in _read("started")["modules"]:
        return _read(f"module-{module}")
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
