"""Crash-safe output replacement: kills at every step, concurrent synths, signals, a closed stdout,
and the cdktf CLI over a changing set of stacks (issues 15 and 16)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from modules import output_dir
from tests.helpers import ROOT, default_data, to_yaml, tree_digest

#: Replaces `out` through `output_dir.write_output` with a cheap build, in a child forked for each request
#: (a JSON line [out, kill_at, version, mode] on stdin): this process imports modules.output_dir once, each
#: child counts its file system calls and kills itself (SIGKILL) at call `kill_at` (0: never). In
#: "fallback" mode the file system has no rename-exchange. Answers each request with a JSON line: the
#: signal that ended the child (0: none), its exit code, and the number of calls it made.
KILLER = """
import json, os, sys
from pathlib import Path
from modules import output_dir
from tests.kill_at import kill_at_call
from tests.test_crash_safety import cheap_build

def replace(out, kill_at, version, mode):
    steps = kill_at_call(kill_at, exchange=mode != "fallback")
    output_dir.write_output(out, cheap_build(version))
    return steps()

for line in sys.stdin:
    out, kill_at, version, mode = json.loads(line)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        os.write(write, str(replace(Path(out), kill_at, version, mode)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        calls = answer.read()
    _, status = os.waitpid(child, 0)
    ended = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    print(json.dumps([ended, code, int(calls or 0)]), flush=True)
"""


def cheap_build(version: str):
    def build(staging: Path) -> None:
        (staging / "stacks" / "app").mkdir(parents=True)
        (staging / "manifest.json").write_text(json.dumps({"version": version, "stacks": ["app"]}))
        (staging / "stacks" / "app" / "cdk.tf.json").write_text(json.dumps({"version": version}))

    return build


class Killer:
    """A process running KILLER: each `replace` is a real process (a fork) killed at the call it names."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.process = subprocess.Popen(
            [sys.executable, "-c", KILLER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )

    def replace(self, out: Path, kill_at: int, version: str) -> tuple[int, int | None, int]:
        """The signal that ended the replacing process (0: none), its exit code, its file system calls."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps([str(out), kill_at, version, self.mode]) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"the killer process ended ({self.process.wait(timeout=60)})"
        ended, code, calls = json.loads(answer)
        return ended, code, calls

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


def old_output(directory: Path) -> Path:
    """An earlier output with Terraform's working files in its stack directory."""
    out = directory / "out"
    output_dir.write_output(out, cheap_build("old"))
    stack = out / "stacks" / "app"
    (stack / ".terraform" / "providers").mkdir(parents=True)
    (stack / ".terraform" / "providers" / "provider").write_text("binary")
    (stack / ".terraform.lock.hcl").write_text("# lock\n")
    (stack / "backend_override.tf.json").write_text("{}")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["exchange", "fallback"])
def test_a_synth_killed_at_any_step_leaves_one_complete_output_and_the_next_run_cleans_up(mode, tmp_path):
    """Killed before each file system call in turn (between the renames too): `out` holds the old or
    the new output, whole (without rename-exchange, a kill between the two renames leaves it to the
    next run to restore); the next run restores, cleans and writes the new output."""
    template = old_output(tmp_path / "template")
    old = tree_digest(template)
    reference = tmp_path / "reference"
    shutil.copytree(template.parent, reference, symlinks=True)
    killer = Killer(mode)
    ended, code, calls = killer.replace(reference / "out", 0, "new")
    assert (ended, code) == (0, 0)
    new = tree_digest(reference / "out")
    assert new != old and calls > 15
    seen = set()
    for kill_at in range(1, calls + 1):
        directory = tmp_path / f"kill-{kill_at}"
        shutil.copytree(template.parent, directory, symlinks=True)
        out = directory / "out"
        assert killer.replace(out, kill_at, "new")[:2] == (signal.SIGKILL, None)
        if out.exists():
            seen.add(tree_digest(out))
            assert tree_digest(out) in (old, new), f"mixed output after a kill at call {kill_at}"
        else:
            assert mode == "fallback", f"output missing after a kill at call {kill_at}"
            (retired,) = [entry for entry in directory.iterdir() if entry.name.startswith(".out.retired-")]
            assert tree_digest(retired) == old
        output_dir.write_output(out, cheap_build("new"))
        assert tree_digest(out) == new
        assert sorted(entry.name for entry in directory.iterdir()) == ["out"]
    assert seen == {old, new}, "kills before and after the swap both tried"
    killer.close()


def test_the_next_run_restores_a_retired_output_before_anything_else(tmp_path):
    """A killed two-rename swap leaves `out` missing, its old tree retired, maybe the new one staged:
    the next run restores the old tree, then replaces it."""
    out = old_output(tmp_path)
    retired, staging = output_dir.leftover_path(out, "retired-"), output_dir.leftover_path(out, "staging-")
    shutil.copytree(out, staging, symlinks=True)
    os.rename(out, retired)
    output_dir.write_output(out, cheap_build("new"))
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]
    assert json.loads((out / "manifest.json").read_text())["version"] == "new"
    assert (out / "stacks" / "app" / ".terraform.lock.hcl").read_text() == "# lock\n"


def test_directories_that_merely_look_like_leftovers_are_left_alone(tmp_path):
    """Names of earlier versions' staging directories (`.out.<8 characters>`, `.old`), other staging
    and retired names (a copy of an output among them), and the very staging name holding no marker:
    they used to be deleted, or renamed to `out`, by every synth, one that then refused `--out` too."""
    out = old_output(tmp_path)
    shutil.copytree(out, tmp_path / f".out.retired-{'0' * 32}", symlinks=True)
    (tmp_path / f".out.staging-{'f' * 32}").mkdir()
    for name in [".out.k2x_9abc", ".out.p0q1r2s3.old", ".out.staging-12345678", ".out.retired-0badc0de"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "work.txt").write_text("mine")
    staging = output_dir.leftover_path(out, "staging-")
    staging.mkdir()
    (staging / "work.txt").write_text("mine")
    before = {entry.name: tree_digest(entry) for entry in tmp_path.iterdir()}
    (out / output_dir.MARKER).unlink()  # refused: not an earlier output
    with pytest.raises(output_dir.ConfigError):
        output_dir.write_output(out, cheap_build("new"))
    os.rename(out, tmp_path / "moved")  # `out` missing: nothing here is ours to restore
    with pytest.raises(output_dir.OutputError, match="File exists"):  # the staging name is taken
        output_dir.write_output(out, cheap_build("new"))
    assert {entry.name: tree_digest(entry) for entry in tmp_path.iterdir() if entry.name != "moved"} == {
        name: digest for name, digest in before.items() if name != "out"
    }
    (staging / "work.txt").unlink()  # empty: a synth killed at its start left it
    output_dir.write_output(out, cheap_build("new"))
    assert sorted(entry.name for entry in tmp_path.iterdir()) == sorted({*before, "moved"} - {staging.name})


def test_files_that_appear_in_the_old_output_before_its_deletion_are_kept(tmp_path, monkeypatch):
    """Terraform writing in a stack directory while synth runs: what it creates between the carry and
    the swap lands in the old tree, and used to be deleted with it."""
    out = old_output(tmp_path)
    swap = output_dir._swap

    def late_swap(staging: Path, outdir: Path) -> None:
        (outdir / "stacks" / "app" / "terraform.tfstate.d" / "ws").mkdir(parents=True)
        (outdir / "stacks" / "app" / "terraform.tfstate.d" / "ws" / "terraform.tfstate").write_text("state")
        swap(staging, outdir)

    monkeypatch.setattr(output_dir, "_swap", late_swap)
    output_dir.write_output(out, cheap_build("new"))
    assert (out / "stacks" / "app" / "terraform.tfstate.d" / "ws" / "terraform.tfstate").read_text() == "state"
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]


def test_a_run_killed_after_the_swap_leaves_the_old_tree_whose_new_files_the_next_run_keeps(tmp_path):
    out = old_output(tmp_path)
    old = output_dir.leftover_path(out, "staging-")
    shutil.copytree(out, old, symlinks=True)
    (old / "stacks" / "app" / "crash.log").write_text("panic")
    output_dir.write_output(out, cheap_build("new"))
    assert (out / "stacks" / "app" / "crash.log").read_text() == "panic"
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow
def test_concurrent_synths_serialize_and_a_reader_never_sees_a_missing_or_mixed_output(tmp_path):
    out = tmp_path / "out"
    output_dir.write_output(out, cheap_build("0"))
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from tests.test_crash_safety import cheap_build; "
                "from modules.output_dir import write_output\n"
                "for round in range(15): write_output(Path(sys.argv[1]), cheap_build(f'{sys.argv[2]}.{round}'))",
                str(out),
                str(writer),
            ],
            cwd=ROOT,
            stderr=subprocess.PIPE,
            text=True,
        )
        for writer in range(4)
    ]
    problems: list[str] = []
    reads = 0
    while any(writer.poll() is None for writer in writers):
        problem = read_both(out)
        reads += problem is None
        if problem:
            problems.append(problem)
    assert [writer.wait() for writer in writers] == [0, 0, 0, 0], [writer.stderr.read() for writer in writers]
    assert problems == [] and reads > 0
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]


def read_both(out: Path) -> str | None:
    """What is wrong with `out` as a reader finds it: opened by path (never missing), then both
    files read from that one tree (never mixed). A tree deleted once it was replaced may lose its
    files under the reader: that is not a problem."""
    try:
        tree = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as err:
        return f"{out} missing: {err}"
    try:
        versions = []
        for name in ("manifest.json", "stacks/app/cdk.tf.json"):
            handle = os.open(name, os.O_RDONLY, dir_fd=tree)
            with os.fdopen(handle) as stream:
                versions.append(json.loads(stream.read())["version"])
    except FileNotFoundError:
        return None if os.stat(out).st_ino != os.fstat(tree).st_ino else f"{out} incomplete"
    except ValueError as err:
        return f"a file half written: {err}"
    finally:
        os.close(tree)
    return None if versions[0] == versions[1] else f"mixed: {versions}"


def run_main(*args: str, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CDKTF_OUTDIR", None)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


@pytest.mark.slow
def test_real_synths_racing_into_one_directory_all_succeed(tmp_path):
    """Used to fail with OSError: Directory not empty and leave a stray `.old` directory."""
    out = tmp_path / "cdktf.out"
    processes = [run_main("synth", "--out", str(out)) for _ in range(4)]
    results = [(process.wait(timeout=120), process.stderr.read()) for process in processes]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert all("Traceback" not in err for _, err in results)
    assert output_dir.is_output(out)
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["cdktf.out"]


def big_config(directory: Path) -> Path:
    """40 pipelines of 2 variants: a synth of about a second, most of it after the staging directory appears."""
    data = default_data()
    data["pipelines"] = {f"p{index}": data["pipelines"]["news-encoder"] for index in range(40)}
    path = directory / "big.yaml"
    path.write_text(to_yaml(data))
    return path


def wait_for(path: Path, timeout: float = 60) -> None:
    """Until `path` exists (a staging directory: the synth is under way)."""
    deadline = time.monotonic() + timeout
    while not any(path.parent.glob(path.name)):
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("target", "signum"),
    [("process", signal.SIGINT), ("process group", signal.SIGINT), ("process", signal.SIGTERM)],
    ids=["SIGINT", "SIGINT to the group", "SIGTERM"],
)
def test_a_signal_during_a_synth_exits_quietly_and_keeps_the_earlier_output(target, signum, tmp_path):
    """SIGINT used to end in a KeyboardInterrupt traceback (BrokenPipeError sent to the group), and
    SIGTERM left the staging directory behind."""
    out = tmp_path / "out"
    output_dir.write_output(out, cheap_build("old"))
    before = tree_digest(out)
    process = run_main("synth", "--config", str(big_config(tmp_path.parent)), "--out", str(out), start_new_session=True)
    wait_for(tmp_path / ".out.staging-*")
    time.sleep(0.05)  # inside the synth: the kernel is starting or writing
    if target == "process":
        process.send_signal(signum)
    else:
        os.killpg(process.pid, signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert (stdout, stderr) == ("", "")
    assert tree_digest(out) == before
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"], "the interrupted synth cleaned up"
    output_dir.write_output(out, cheap_build("new"))
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]


@pytest.mark.slow
def test_a_real_synth_killed_midway_leaves_the_earlier_output_and_the_next_run_cleans_up(tmp_path):
    out = tmp_path / "out"
    output_dir.write_output(out, cheap_build("old"))
    before = tree_digest(out)
    process = run_main("synth", "--config", str(big_config(tmp_path.parent)), "--out", str(out))
    wait_for(tmp_path / ".out.staging-*")
    time.sleep(0.05)
    process.kill()
    process.communicate(timeout=60)
    assert tree_digest(out) == before
    assert any(entry.name.startswith(".out.staging-") for entry in tmp_path.iterdir())
    again = run_main("synth", "--out", str(out))
    assert again.wait(timeout=120) == 0, again.stderr.read()
    again.communicate()
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["out"]
    assert output_dir.is_output(out)


@pytest.mark.slow
def test_a_closed_stdout_ends_quietly(tmp_path):
    """`python main.py cost | head -1`: the reader goes away; no BrokenPipeError traceback."""
    read, write = os.pipe()
    os.close(read)
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "synth", "--out", str(tmp_path / "out")],
        stdout=write,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    os.close(write)
    assert result.returncode == 1
    assert result.stderr == ""
    assert output_dir.is_output(tmp_path / "out"), "the output is written before the summary"


def npx_cdktf(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    env.pop("CDKTF_OUTDIR", None)
    return subprocess.run(
        ["npx", "--no-install", "cdktf", command], cwd=project, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.slow
def test_cdktf_cli_synth_and_list_work_when_the_set_of_stacks_changes(tmp_path):
    """The CLI deletes the directories of stacks the app dropped, after the app ran: it used to fail
    once (ENOENT, lstat cdktf.out/stacks/<old stack>) because the swap had removed them already.
    A dropped stack holding a file synth did not write is refused (the CLI would delete it).
    About 20 s: four CLI runs."""
    if shutil.which("npx") is None or not (ROOT / "node_modules" / ".bin" / "cdktf").exists():
        pytest.skip("needs npx and node_modules (make setup)")
    project = tmp_path / "project"
    project.mkdir()
    for name in ("main.py", "cdktf.json", "package.json", "pipelines.yaml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "modules", project / "modules", ignore=shutil.ignore_patterns("__pycache__"))
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    stacks = project / "cdktf.out" / "stacks"
    first = npx_cdktf(project, "synth")
    assert first.returncode == 0, first.stdout + first.stderr
    (stacks / "feature-pipelines" / ".terraform.lock.hcl").write_text("# lock\n")
    shutil.copy(ROOT / "examples" / "environments.yaml", project / "pipelines.yaml")
    refused = npx_cdktf(project, "synth")  # the CLI would delete the dropped stack's lock file
    assert refused.returncode != 0 and "stacks/feature-pipelines is no stack of the config any more" in refused.stdout
    assert (stacks / "feature-pipelines" / ".terraform.lock.hcl").read_text() == "# lock\n"
    (stacks / "feature-pipelines" / ".terraform.lock.hcl").unlink()
    second = npx_cdktf(project, "synth")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "ENOENT" not in second.stdout + second.stderr
    assert sorted(entry.name for entry in stacks.iterdir()) == ["dev", "prd", "stg"]
    shutil.copy(ROOT / "pipelines.yaml", project / "pipelines.yaml")
    listed = npx_cdktf(project, "list")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "feature-pipelines" in listed.stdout and "ENOENT" not in listed.stdout + listed.stderr
    assert sorted(entry.name for entry in stacks.iterdir()) == ["feature-pipelines"]
    assert output_dir.is_output(project / "cdktf.out")
