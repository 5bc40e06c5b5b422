"""A synth killed at a chosen file system call: the crash-safety tests' one mechanism (tests/test_crash_safety.py
in a forked child of a helper process, tests/test_synth_ownership.py in a forked child of the test)."""

from __future__ import annotations

import errno
import os
import signal
from collections.abc import Callable
from pathlib import Path

from modules import output_dir

#: The os calls that change the file system as `output_dir.write_output` replaces an output (with
#: `output_dir.rename_exchange`): each one is a step a kill may interrupt.
STEPS = ("mkdir", "rename", "replace", "link", "symlink", "unlink", "rmdir", "chmod", "open")


def kill_at_call(kill_at: int, *, exchange: bool) -> Callable[[], int]:
    """In this process (a forked child: it changes `os` for good): count each step and SIGKILL this process
    before step `kill_at` (0: never); `exchange` False: rename-exchange fails, as on a file system without it.
    Returns what tells the number of steps so far."""
    calls = 0

    def counted(function: Callable) -> Callable:
        def call(*args, **kwargs):
            nonlocal calls
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)

        return call

    def no_exchange(first: Path, second: Path) -> None:
        raise OSError(errno.EINVAL, "no rename-exchange here")

    for name in STEPS:
        setattr(os, name, counted(getattr(os, name)))
    output_dir.rename_exchange = counted(output_dir.rename_exchange if exchange else no_exchange)
    return lambda: calls
