"""The direct kernel channel: in use, same console behaviour, no creation stacks, unawaited
calls answered in order, loud when jsii or cdktf change."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import jsii
import pytest
from jsii._kernel.providers import process as jsii_process

from modules.runtime import cdk, kernel_channel
from modules.runtime.kernel_channel import (
    MAX_UNAWAITED,
    PRELOAD,
    DirectKernel,
    KernelChannelError,
    program_path,
    unawaited_replies,
    use_direct_channel,
)

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
    with pytest.raises(KernelChannelError, match=f"lacks _NodeProcess.{missing}: it changed"):
        use_direct_channel()


@pytest.mark.parametrize("missing", kernel_channel.PROCESS_MODULE_FUNCTIONS)
def test_a_jsii_runtime_without_its_request_encoder_fails_loudly(missing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(jsii_process, missing)
    with pytest.raises(KernelChannelError, match=f"lacks {missing}: it changed"):
        use_direct_channel()


@pytest.mark.parametrize(("runtime", "applies"), [(None, True), ("/opt/my-jsii-runtime.js", False)])
def test_applies_unless_the_user_chose_a_runtime(
    runtime: str | None, applies: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def original(self: object) -> None: ...

    members = {name: (lambda self: None) for name in kernel_channel.NODE_PROCESS_MEMBERS}
    dummy = type("_NodeProcess", (), {**members, "start": original, "send": original})
    monkeypatch.setattr(jsii_process, "_NodeProcess", dummy)
    if runtime:
        monkeypatch.setenv("JSII_RUNTIME", runtime)
    else:
        monkeypatch.delenv("JSII_RUNTIME", raising=False)
    assert use_direct_channel() is applies
    replaced = (dummy.start, dummy.send)
    assert (replaced != (original, original)) is applies, "a user's own runtime is left as it is"
    use_direct_channel()  # applying twice changes nothing more
    assert (dummy.start, dummy.send) == replaced


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
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    node, channel = result.stdout.split()
    assert node == str(cdk.BUNDLED_NODE) and channel == "DirectKernel"


def test_cdktf_records_no_creation_stacks() -> None:
    """kernel_preload.js applies: a nested attribute object carries the note, not a stack trace."""
    stack = cdk.TerraformStack(cdk.Testing.app(), "stack")
    service = cdk.EcsService(stack, "service", name="svc")
    assert service.network_configuration.creation_stack == [
        "creation stacks are not recorded (modules/runtime/kernel_preload.js)"
    ], "cdktf records creation stacks again: modules/runtime/kernel_preload.js no longer finds cdktf's stack traces"


def _require_with_preload(tmp_path: Path, module_source: str) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "node_modules" / "cdktf" / "lib" / "tokens" / "private" / "stack-trace.js"
    module.parent.mkdir(parents=True)
    module.write_text(module_source)
    script = f"console.log(JSON.stringify(require({str(module)!r}).captureStackTrace()))"
    return subprocess.run([NODE, "--require", str(PRELOAD), "-e", script], capture_output=True, text=True)


def test_the_preload_replaces_cdktf_s_capture_stack_trace(tmp_path: Path) -> None:
    result = _require_with_preload(tmp_path, "exports.captureStackTrace = () => new Error().stack.split('\\n');")
    assert result.returncode == 0, result.stderr
    assert result.stdout == '["creation stacks are not recorded (modules/runtime/kernel_preload.js)"]\n'


def test_a_stack_trace_module_without_capture_stack_trace_stops_the_kernel(tmp_path: Path) -> None:
    result = _require_with_preload(tmp_path, "exports.somethingElse = () => [];")
    assert result.returncode != 0
    assert (
        "no longer exports captureStackTrace: cdktf changed, update modules/runtime/kernel_preload.js" in result.stderr
    )


def _log_group(stack: object, name: str) -> object:
    return cdk.CloudwatchLogGroup(stack, name, name=name)


def test_unawaited_calls_return_at_once_and_are_answered_in_order(tmp_path: Path) -> None:
    process = jsii.kernel.provider._process
    app = cdk.App(outdir=str(tmp_path), skip_validation=True)  # no provider: not what this is about
    stack = cdk.TerraformStack(app, "stack")
    with unawaited_replies():
        first = _log_group(stack, "first")  # creating waits: its answer is the object
        first.override_logical_id("renamed_first")
        second = _log_group(stack, "second")
        second.override_logical_id("renamed_second")
        assert list(process.unawaited) == [f"overrideLogicalId on {second.__jsii_ref__.ref}"]
    app.synth()
    assert not process.unawaited
    synthesized = json.loads((tmp_path / "stacks" / "stack" / "cdk.tf.json").read_text())
    assert sorted(synthesized["resource"]["aws_cloudwatch_log_group"]) == ["renamed_first", "renamed_second"]


def test_unawaited_answers_are_read_before_too_many_pile_up() -> None:
    process = jsii.kernel.provider._process
    stack = cdk.TerraformStack(cdk.Testing.app(), "stack")
    group = _log_group(stack, "group")
    most = 0
    with unawaited_replies():
        for index in range(3 * MAX_UNAWAITED):
            group.override_logical_id(f"name_{index}")
            most = max(most, len(process.unawaited))
    assert most == MAX_UNAWAITED


def test_a_failed_unawaited_call_raises_at_the_next_call() -> None:
    stack = cdk.TerraformStack(cdk.Testing.app(), "stack")
    group = _log_group(stack, "group")
    assert group.fqn  # a reference taken: cdktf refuses renaming from now on
    with unawaited_replies():
        group.override_logical_id("too_late")  # returns: the refusal is not read yet
    with pytest.raises(RuntimeError, match=r"Logical ID may not be overridden once \.fqn has been requested") as raised:
        cdk.Token.is_unresolved(cdk.Fn.upper("x"))
    late = f"(from overrideLogicalId on {group.__jsii_ref__.ref}, called inside unawaited_replies(): answered late)"
    assert late in str(raised.value)
    assert cdk.Token.is_unresolved(cdk.Fn.upper("x"))  # the channel is in step again


def test_unawaited_replies_nest() -> None:
    """Calls stay unawaited until the outermost block ends; after it, a refusal raises at its own call."""
    stack = cdk.TerraformStack(cdk.Testing.app(), "stack")
    group = _log_group(stack, "group")
    assert group.fqn  # cdktf refuses renaming from now on
    with unawaited_replies():
        with unawaited_replies():
            pass
        group.override_logical_id("too_late")  # still unawaited: returns
    with pytest.raises(RuntimeError, match=r"answered late"):
        cdk.Token.is_unresolved(cdk.Fn.upper("x"))
    with pytest.raises(RuntimeError, match=r"Logical ID may not be overridden") as raised:
        group.override_logical_id("too_late")
    assert "answered late" not in str(raised.value)


class _Answers:
    """A `_NodeProcess` stand-in whose kernel gives the answers listed."""

    def __init__(self, *answers: dict) -> None:
        self.answers = list(answers)
        self.unawaited = collections.deque(f"call {index}" for index in range(len(answers)))

    def _next_message(self) -> dict:
        return self.answers.pop(0)


def test_an_unawaited_call_that_calls_back_into_python_fails_loudly() -> None:
    process = _Answers({"ok": {}}, {"callback": {"cbid": "1"}})
    with pytest.raises(KernelChannelError, match=r"call 1, called inside unawaited_replies\(\), called back"):
        kernel_channel._read_unawaited(process)


def test_a_jsii_fault_in_an_unawaited_call_is_a_jsii_error() -> None:
    process = _Answers({"error": "broken", "name": "@jsii/kernel.Fault", "stack": "at kernel"})
    with pytest.raises(jsii.errors.JSIIError, match="broken"):
        kernel_channel._read_unawaited(process)
