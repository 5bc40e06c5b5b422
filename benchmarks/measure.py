"""Run a command and measure its wall time, or the peak memory of its whole process tree.

Wall time (`wall`) is measured on a run nobody watches. Peak memory (`peak_memory`) needs the
tree sampled every few milliseconds, and on 2 cores the sampler takes a share of a core away
from the app: a run whose python and node processes wait on each other thousands of times
(a large config) slowed by about a third. So the two are measured in separate runs.

Peak memory is the sum, over every process of the tree (python and the jsii kernel's node
processes), of that process's peak resident set size (VmHWM in /proc). The tree is sampled
only to learn its processes and their latest peaks; a process's peak never decreases, so
the sum is an upper bound of the tree's simultaneous peak, the same for both apps compared.
Linux only.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_INTERVAL = 0.005


@dataclass(frozen=True)
class Memory:
    """The peak memory of one run's process tree."""

    peak_mib: float
    processes: int


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            found += [int(child) for child in Path(task.path, "children").read_text().split()]
    except OSError:
        pass
    return found


def _tree(root: int) -> list[int]:
    pids, pending = [], [root]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        pending += _children(pid)
    return pids


def _hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _run(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None, sample: Callable[[int], None] | None = None
) -> float:
    """Seconds `command` takes to exit (it must exit 0), calling `sample(pid)` meanwhile if given."""
    with tempfile.TemporaryFile() as captured:  # a file, not a pipe: a chatty child never blocks on it
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=captured)
        if sample is None:
            process.wait()
        else:
            while process.poll() is None:
                sample(process.pid)
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            captured.seek(0)
            stderr = captured.read().decode(errors="replace")
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{stderr}")
    return seconds


def wall(command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> float:
    """Seconds `command` takes, undisturbed: nothing runs here but a wait()."""
    return _run(command, cwd, env)


def peak_memory(command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> Memory:
    """The tree's peak memory over a run of `command` (sampled: its wall time is not representative)."""
    peaks: dict[int, int] = {}

    def sample(pid: int) -> None:
        for member in _tree(pid):
            kib = _hwm_kib(member)
            if kib is not None:
                peaks[member] = max(kib, peaks.get(member, 0))
        time.sleep(_INTERVAL)

    _run(command, cwd, env, sample)
    return Memory(peak_mib=sum(peaks.values()) / 1024, processes=len(peaks))
