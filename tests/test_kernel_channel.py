"""The direct kernel channel: in use, same console behaviour, loud when jsii changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jsii
import pytest
from jsii._kernel.providers import process as jsii_process

from modules import cdk, kernel_channel
from modules.kernel_channel import DirectKernel, KernelChannelError, program_path, use_direct_channel

NODE = os.environ.get("JSII_NODE", "node")


def _node(script: str) -> list[str]:
    return [NODE, "-e", script]


def test_the_kernel_runs_without_the_relay() -> None:
    kernel = jsii.kernel.provider._process._process
    assert isinstance(kernel, DirectKernel)
    command = Path(f"/proc/{kernel.pid}/cmdline").read_bytes().split(b"\0")
    assert command[-2].endswith(b"lib/program.js"), command
    assert b"jsii-runtime.js" not in b" ".join(command)


def test_the_kernel_still_answers() -> None:
    """A round trip through the channel (a static call the seam does not cache)."""
    assert cdk.Token.is_unresolved(cdk.Fn.upper("x"))


def test_console_output_reaches_python_s_streams_and_fd_3_is_the_channel(capsys: pytest.CaptureFixture) -> None:
    script = (
        "const fs = require('fs');"
        "console.log('from console.log'); console.error('from console.error');"
        "fs.writeSync(3, fs.readFileSync(0).length + ' bytes on stdin\\n');"
        "fs.writeSync(3, fs.readFileSync(3, {encoding: 'utf8', flag: 'r'}).split('\\n')[0] + '\\n');"
    )
    kernel = DirectKernel(_node(script), dict(os.environ))
    assert kernel.stdout.readline() == b"0 bytes on stdin\n"
    kernel.stdin.write(b"ping\n")
    kernel.stdin.flush()
    kernel.socket.shutdown(1)
    assert kernel.stdout.readline() == b"ping\n"
    assert kernel.wait(timeout=10) == 0
    for thread in kernel.forwarders:
        thread.join(timeout=10)
    captured = capsys.readouterr()
    assert captured.out == "from console.log\n"
    assert captured.err == "from console.error\n"


def test_wait_and_terminate_behave_like_popen() -> None:
    kernel = DirectKernel(_node("setTimeout(() => {}, 60000)"), dict(os.environ))
    with pytest.raises(subprocess.TimeoutExpired):
        kernel.wait(timeout=0.05)
    kernel.terminate()
    assert kernel.wait(timeout=10) == -15
    assert kernel.wait() == -15  # reaped once, answered again (jsii's stop may wait twice)
    kernel.terminate()  # a no-op once it has exited


def test_a_runtime_without_program_js_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    with pytest.raises(KernelChannelError, match=r"no lib/program\.js next to it"):
        program_path(tmp_path / "bin" / "jsii-runtime.js")


def test_a_kernel_that_does_not_talk_on_fd_3_fails_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "program.js").write_text(
        "require('fs').writeSync(3, 'not json\\n'); setTimeout(() => {}, 60000)"
    )
    node_process = jsii_process._NodeProcess()
    monkeypatch.setattr(node_process, "_jsii_runtime", lambda: str(tmp_path / "bin" / "jsii-runtime.js"))
    with pytest.raises(KernelChannelError, match="did not say hello on fd 3"):
        kernel_channel._start(node_process)
    node_process._process.terminate()
    node_process.stop()


def test_a_kernel_that_cannot_start_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "program.js").write_text("process.exit(7)")
    node_process = jsii_process._NodeProcess()
    monkeypatch.setattr(node_process, "_jsii_runtime", lambda: str(tmp_path / "bin" / "jsii-runtime.js"))
    with pytest.raises(KernelChannelError, match="exited with status 7 before saying hello"):
        kernel_channel._start(node_process)
    node_process.stop()


@pytest.mark.parametrize("missing", kernel_channel.NODE_PROCESS_MEMBERS)
def test_a_changed_jsii_runtime_fails_loudly(missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    members = {name: (lambda self: None) for name in kernel_channel.NODE_PROCESS_MEMBERS if name != missing}
    monkeypatch.setattr(jsii_process, "_NodeProcess", type("_NodeProcess", (), members))
    with pytest.raises(KernelChannelError, match=f"lacks {missing}"):
        use_direct_channel()


@pytest.mark.parametrize(("runtime", "applies"), [(None, True), ("/opt/my-jsii-runtime.js", False)])
def test_applies_unless_the_user_chose_a_runtime(
    runtime: str | None, applies: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def original(self: object) -> None: ...

    members = {name: (lambda self: None) for name in kernel_channel.NODE_PROCESS_MEMBERS}
    dummy = type("_NodeProcess", (), {**members, "start": original})
    monkeypatch.setattr(jsii_process, "_NodeProcess", dummy)
    if runtime:
        monkeypatch.setenv("JSII_RUNTIME", runtime)
    else:
        monkeypatch.delenv("JSII_RUNTIME", raising=False)
    assert use_direct_channel() is applies
    assert (dummy.start is kernel_channel._start) is applies


def test_importing_a_construct_module_first_still_runs_the_bundled_node() -> None:
    """modules/constructs/* take Construct from the seam, so JSII_NODE is set before the kernel starts."""
    code = (
        "import os, jsii\n"
        "import modules.constructs.variant\n"
        "print(os.environ.get('JSII_NODE', ''))\n"
        "print(type(jsii.kernel.provider._process._process).__name__)\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "JSII_NODE"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    node, channel = result.stdout.split()
    assert node == str(cdk.BUNDLED_NODE) and channel == "DirectKernel"
