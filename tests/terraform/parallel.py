"""`make e2e`: every e2e test module in its own pytest process, side by side, with progress lines.

    python -m tests.terraform.parallel [PYTEST ARGS...]

The e2e modules are independent (each starts its own moto servers and working directories): one after
the other they take the sum of their times, side by side about the longest. They are found by
collection (`-m e2e tests/terraform`), so a new e2e module joins without a change here. The modules
that share one run of their configs' stacks (tests/terraform/cycles.py `TOGETHER_MODULES`) go into one
process. The AWS
provider is installed into one plugin cache first (TF_PLUGIN_CACHE_DIR, .ci/run's when set); the
processes then only link it (concurrent installs into one cache would corrupt it). Prints a line as
each module starts and ends and one every 30 s naming those still running; each module's pytest output
follows when it ends. Exits 1 when any failed (pytest's 5, no test collected, is a failure too).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.helpers import ROOT
from tests.terraform.cycles import TOGETHER_MODULES
from tests.terraform.plugin_cache import fill_plugin_cache
from tests.terraform.terraform_cli import environment

#: Seconds between the lines naming the modules still running.
PROGRESS_EVERY = 30


def e2e_modules(extra: list[str]) -> list[str]:
    """The test files holding e2e tests, as pytest collects them."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-m", "e2e", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    files = sorted({line.split("::", 1)[0] for line in done.stdout.splitlines() if "::" in line})
    if done.returncode != 0 or not files:
        output = done.stdout[-3000:] + done.stderr[-3000:]
        sys.exit(f"collecting the e2e tests failed (exit {done.returncode}):\n{output}")
    return files


def processes(files: list[str]) -> dict[str, list[str]]:
    """The pytest processes to run, by name: each file alone, but those of `TOGETHER_MODULES` in one."""
    together = [file for file in files if Path(file).name in TOGETHER_MODULES]
    groups = {file: [file] for file in files if file not in together}
    if together:
        groups["+".join(Path(file).stem for file in together)] = together
    return groups


def main(extra: list[str]) -> int:
    targets = [arg for arg in extra if not arg.startswith("-")] or ["tests/terraform"]
    options = [arg for arg in extra if arg.startswith("-")]
    files = e2e_modules([*options, *targets])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="e2e-") as scratch:
        environ = environment()
        environ.setdefault("TF_PLUGIN_CACHE_DIR", str(Path(scratch) / "plugin-cache"))
        fill_plugin_cache(environ, Path(scratch))
        groups = processes(files)
        print(f"e2e: {len(groups)} processes side by side: {', '.join(Path(g).name for g in groups)}", flush=True)
        running = {}
        for file, group in groups.items():
            log = (Path(scratch) / f"{Path(file).name}.log").open("w+")
            command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-m", "e2e", *options, *group]
            process = subprocess.Popen(command, cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
            running[file] = (process, log)
        failed = []
        last = time.monotonic()
        while running:
            for file, (process, log) in list(running.items()):
                code = process.poll()
                if code is None:
                    continue
                del running[file]
                log.seek(0)
                output = log.read()
                log.close()
                summary = output.strip().splitlines()[-1] if output.strip() else "(no output)"
                status = "passed" if code == 0 else f"FAILED (exit {code})"
                print(f"\n=== e2e: {file} {status} at {time.monotonic() - started:.0f} s: {summary}", flush=True)
                print(output, flush=True)
                if code != 0:
                    failed.append(file)
            if running and time.monotonic() - last >= PROGRESS_EVERY:
                last = time.monotonic()
                names = ", ".join(Path(f).name for f in running)
                print(f"e2e: {time.monotonic() - started:.0f} s, still running: {names}", flush=True)
            time.sleep(1)
    print(f"e2e: {len(groups) - len(failed)} of {len(groups)} processes passed in {time.monotonic() - started:.0f} s")
    for file in failed:
        print(f"e2e: FAILED {file}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
