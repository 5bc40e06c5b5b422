"""Reading a file named on the command line without trusting it (pure I/O, no parsing): only a
regular file, opened without blocking (a FIFO nobody writes to), and never more than a bound (a
device such as /dev/zero never ends)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: What a `terraform show -json` plan or a synthesized stack may weigh: far above any real one
#: (a stack of 100 variants plans to a few MiB), far below what would exhaust a runner's memory.
MAX_JSON_BYTES = 256 << 20


def read_regular(path: Path, limit: int, what: str, hint: str = "") -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; OSError otherwise, its message
    one line (`what` names what the file should be: "a plan or stack"; `hint`, what to name instead
    of something that is not a regular file)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file (a FIFO, socket or device)"
        raise OSError(f"{kind}; {hint}" if hint else kind)
    with os.fdopen(descriptor, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"larger than the {_size(limit)} {what} may have")
    return data


def read_json_text(path: Path) -> str:
    """A plan or synthesized stack as text (UTF-8), bounded by MAX_JSON_BYTES."""
    return read_regular(path, MAX_JSON_BYTES, "a plan or stack").decode("utf-8")


def _size(count: int) -> str:
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift and count % (1 << shift) == 0:
            return f"{count >> shift} {unit}"
    return f"{count} bytes"
