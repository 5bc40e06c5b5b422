"""Run a command and measure its wall time and the peak memory of its whole process tree.

Peak memory is the sum, over every process of the tree (python and the jsii kernel's two node
processes), of that process's peak resident set size (VmHWM in /proc). The tree is sampled
every few milliseconds only to learn its processes and their latest peaks; a process's peak
never decreases, so the sum is an upper bound of the tree's simultaneous peak, the same for
both apps compared. Linux only.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_INTERVAL = 0.005


@dataclass(frozen=True)
class Run:
    """One measured run."""

    seconds: float
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


def measure(command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None) -> Run:
    """Run `command` to completion (it must exit 0); its wall time and tree peak memory."""
    peaks: dict[int, int] = {}
    with tempfile.TemporaryFile() as captured:  # a file, not a pipe: a chatty child never blocks on it
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=captured)
        while process.poll() is None:
            for pid in _tree(process.pid):
                kib = _hwm_kib(pid)
                if kib is not None:
                    peaks[pid] = max(kib, peaks.get(pid, 0))
            time.sleep(_INTERVAL)
        seconds = time.perf_counter() - start
        captured.seek(0)
        stderr = captured.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{stderr}")
    return Run(seconds=seconds, peak_mib=sum(peaks.values()) / 1024, processes=len(peaks))
