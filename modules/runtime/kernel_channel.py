"""Talk to the jsii kernel directly, without the relay process jsii puts in between.

jsii's Python runtime starts `node bin/jsii-runtime.js`, which starts a second node process,
`lib/program.js` (the kernel), and relays every message between the two over pipes: each
kernel call crosses three processes and two pipes each way. A 50 x 4 config makes about
3,000 calls, and on 2 cores the relay also competes for CPU. `use_direct_channel()` makes jsii
start `lib/program.js` itself, with fd 3 (the kernel's API channel) one end of a socket pair
and the other end used for jsii's requests and responses: the same kernel, the same protocol,
the same node flags (plus the preload below), one hop fewer. Two more things make each call
cheaper:

- the kernel starts with `--require modules/runtime/kernel_preload.js`: cdktf records no JavaScript
  "creation stack" for each token it makes (that file says why that is safe);
- `unawaited_replies()`: kernel method calls made inside it (the code calls them for their
  effect only, like `override_logical_id`) send their request and return at once; the kernel
  answers them in order while Python goes on, and the next call reads those answers first,
  raising the error of one that failed.

What the relay also did is kept: the kernel's console output (JavaScript `console.log` and
`console.error`) goes to Python's `sys.stdout` and `sys.stderr`; stdin is closed.
Not done, and said so: with `JSII_RUNTIME` set (the user's own runtime) or off POSIX (fd
passing), jsii starts as it always does, and calls inside `unawaited_replies()` wait.

Every assumption fails loudly with `KernelChannelError` naming what changed: the
`_NodeProcess` methods replaced or called, jsii's request encoder, `lib/program.js` next to the
extracted `bin/jsii-runtime.js`, and the kernel's hello on fd 3. cdktf's stack-trace module
without the function the preload replaces stops the kernel; a test fails if it moved.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from jsii._kernel.providers import process as jsii_process
from jsii._kernel.types import InvokeRequest, InvokeResponse
from jsii.errors import ErrorType, JavaScriptError, JSIIError

#: The node flags the relay gives the kernel (its own flag, plus the one it adds).
NODE_FLAGS = ("--max-old-space-size=4069", "--preserve-symlinks")
#: Loaded into the kernel before its program (see that file).
PRELOAD = Path(__file__).with_name("kernel_preload.js")
#: What `_NodeProcess` must offer: replaced, or called by the replacements and by jsii's `stop`.
NODE_PROCESS_MEMBERS = ("start", "send", "stop", "handshake", "_jsii_runtime", "_next_message")
#: What jsii's process module must offer: its JSON encoder for requests.
PROCESS_MODULE_FUNCTIONS = ("jdefault",)
#: Unread answers at most: past this, a call inside `unawaited_replies()` reads them first (the
#: kernel blocks writing answers nobody reads once the socket's buffer is full).
MAX_UNAWAITED = 64


class KernelChannelError(RuntimeError):
    """jsii's runtime no longer has the shape the direct channel (or `struct_wire`) relies on."""


def program_path(runtime: str | Path) -> Path:
    """The kernel (`lib/program.js`) next to jsii's extracted relay (`bin/jsii-runtime.js`)."""
    program = Path(runtime).resolve().parent.parent / "lib" / "program.js"
    if not program.is_file():
        raise KernelChannelError(f"jsii's runtime at {runtime} has no lib/program.js next to it: its layout changed")
    return program


def _forward(reader: IO[bytes], stream_name: str) -> None:
    """Copy the kernel's console output to `sys.<stream_name>` until the kernel exits."""
    for line in iter(reader.readline, b""):
        stream = getattr(sys, stream_name)
        stream.write(line.decode(errors="replace"))
        stream.flush()


def _high(fd: int) -> int:
    """A close-on-exec copy of `fd` numbered 10 or more (never one of the fds it is spawned onto)."""
    import fcntl  # POSIX only, like the channel (this module still imports elsewhere)

    return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)


class DirectKernel:
    """The started kernel, with the attributes jsii's `_NodeProcess` reads from a Popen.

    Spawned with `posix_spawnp` (no fork of this process): fd 0 is /dev/null, fds 1 and 2
    are pipes whose lines reach `sys.stdout` and `sys.stderr`, fd 3 is the API channel.
    """

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair()
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
        spawned = [_high(fd) for fd in (out_write, err_write, theirs.fileno())]
        try:
            self.pid = os.posix_spawnp(
                command[0],
                command,
                env,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    *((os.POSIX_SPAWN_DUP2, fd, target) for fd, target in zip(spawned, (1, 2, 3), strict=True)),
                ],
            )
        finally:
            for fd in (*spawned, out_write, err_write):
                os.close(fd)
            theirs.close()
        self.returncode: int | None = None
        self.socket = ours
        self.stdin = ours.makefile("wb")
        self.stdout = ours.makefile("rb")
        self.stderr = os.fdopen(err_read, "rb")
        self.forwarders = tuple(
            threading.Thread(target=_forward, args=(reader, name), name=f"kernel.{name}", daemon=True)
            for reader, name in ((os.fdopen(out_read, "rb"), "stdout"), (self.stderr, "stderr"))
        )
        for thread in self.forwarders:
            thread.start()

    def wait(self, timeout: float | None = None) -> int:
        """The exit status, like `Popen.wait` (`subprocess.TimeoutExpired` after `timeout` s)."""
        deadline = time.monotonic() + (timeout or 0.0)
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, 0 if timeout is None else os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
            elif time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0.0)
            else:
                time.sleep(0.01)
        return self.returncode

    def terminate(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, signal.SIGTERM)


def _start(self: Any) -> None:
    """`_NodeProcess.start`, launching `lib/program.js` directly on a socket pair."""
    env = {**os.environ, "JSII_AGENT": f"Python/{platform.python_version()}"}
    program = program_path(self._jsii_runtime())
    node = env.get("JSII_NODE", "node")
    self._process = DirectKernel([node, *NODE_FLAGS, "--require", str(PRELOAD), str(program)], env)
    self.unawaited = collections.deque()  # what each unread answer answers, oldest first
    self.sink_thread = self._process.forwarders[-1]  # what jsii's stop() joins
    try:
        self.handshake()
    except ValueError as err:  # an empty or garbled first line
        self._process.stdin.close()  # nothing left to tell it on stop()
        try:
            status = self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            raise KernelChannelError(
                f"the jsii kernel ({program}) did not say hello on fd 3: it no longer talks on that channel ({err})"
            ) from None
        raise KernelChannelError(
            f"the jsii kernel ({program}) exited with status {status} before saying hello (its error output is above)"
        ) from None
    atexit.register(self.stop)


class _Unawaited:
    """Whether kernel method calls go unawaited now (inside `unawaited_replies()`)."""

    active = False


@contextlib.contextmanager
def unawaited_replies() -> Iterator[None]:
    """Inside, kernel method calls return None without waiting for the kernel's answer.

    Only for calls made for their effect, whose result is None and which never call back into
    Python. The answers are read, in order, by the next call that waits (every synth ends
    with one: `app.synth()`); one that is an error raises there, saying so. Without the
    direct channel, the calls wait as usual.
    """
    outer, _Unawaited.active = _Unawaited.active, True
    try:
        yield
    finally:
        _Unawaited.active = outer


def _read_unawaited(process: Any) -> None:
    """Read the answers to unawaited calls; raise the first error one of them carries."""
    while process.unawaited:
        call = process.unawaited.popleft()
        answer = process._next_message()
        if "ok" in answer:
            continue
        if "callback" in answer:
            raise KernelChannelError(f"{call}, called inside unawaited_replies(), called back into Python")
        error = JSIIError if answer.get("name") == ErrorType.JSII_FAULT.value else RuntimeError
        message = f"{answer.get('error')} (from {call}, called inside unawaited_replies(): answered late)"
        raise error(message) from JavaScriptError(answer.get("stack", ""))


def _sender(send: Any) -> Any:
    """`_NodeProcess.send` (jsii's `send`), reading unawaited answers before a call that waits."""

    def _send(self: Any, request: Any, response_type: Any) -> Any:
        waits = not (_Unawaited.active and isinstance(request, InvokeRequest))
        if self.unawaited and (waits or len(self.unawaited) >= MAX_UNAWAITED):
            _read_unawaited(self)
        if waits:
            return send(self, request, response_type)
        data = json.dumps(self._serializer.unstructure(request), default=jsii_process.jdefault)
        self._process.stdin.write(f"{data}\n".encode())
        self._process.stdin.flush()
        self.unawaited.append(f"{request.method} on {request.objref.ref}")
        return InvokeResponse(result=None)

    _send.__wrapped__ = send  # type: ignore[attr-defined]
    return _send


def use_direct_channel() -> bool:
    """Make jsii start its kernel without the relay; False where it cannot (see the module doc)."""
    node_process = getattr(jsii_process, "_NodeProcess", None)
    missing = [
        *(f"_NodeProcess.{name}" for name in NODE_PROCESS_MEMBERS if not callable(getattr(node_process, name, None))),
        *(name for name in PROCESS_MODULE_FUNCTIONS if not callable(getattr(jsii_process, name, None))),
    ]
    if missing:
        raise KernelChannelError(f"jsii's runtime lacks {', '.join(missing)}: it changed")
    if "JSII_RUNTIME" in os.environ or os.name != "posix":
        return False
    if not hasattr(node_process.send, "__wrapped__"):  # type: ignore[union-attr]
        node_process.send = _sender(node_process.send)  # type: ignore[union-attr]
    node_process.start = _start  # type: ignore[union-attr]
    return True
