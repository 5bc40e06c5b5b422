"""Odd paths, malformed configs and file system faults: exit 2 (bad input) or 1 (environment),
one line per problem, no traceback, and an earlier output never lost (issue 16)."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from modules.cli import main
from modules.output_dir import MARKER
from tests.helpers import ROOT, default_data, to_yaml, tree_digest

EXAMPLE = ROOT / "examples" / "environments.yaml"


def write_config(tmp_path: Path, data: object, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else to_yaml(data))
    return path


def refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[str]:
    """The stderr lines of a run that must exit 2 without a traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()


# --out: what is accepted


def test_out_holding_someone_elses_manifest_is_refused_and_left_untouched(tmp_path, capsys):
    """A web app's directory has a manifest.json too: it used to be replaced whole (its files deleted)."""
    web = tmp_path / "web"
    web.mkdir()
    (web / "manifest.json").write_text('{"name": "my app"}')
    (web / "index.html").write_text("<html></html>")
    before = tree_digest(tmp_path)
    lines = refused(capsys, ["synth", "--out", str(web)])
    assert lines[1].startswith("  --out: holds manifest.json but no .feature-pipelines-synth.json matching it")
    assert tree_digest(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["web"]


def test_out_with_a_forged_or_stale_marker_is_refused(tmp_path, capsys):
    """The marker proves an output only together with the manifest it was written for."""
    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    (out / "manifest.json").write_text('{"edited": true}')
    (out / "notes.txt").write_text("mine")
    lines = refused(capsys, ["synth", "--out", str(out)])
    assert "no .feature-pipelines-synth.json matching it" in lines[1]
    assert (out / "notes.txt").read_text() == "mine"


def test_an_earlier_output_is_replaced_and_carries_the_marker(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    assert (out / MARKER).is_file()
    assert main(["synth", "--config", str(EXAMPLE), "--out", str(out)]) == 0
    assert sorted(path.name for path in (out / "stacks").iterdir()) == ["dev", "prd", "stg"]
    assert "error" not in capsys.readouterr().err


def test_out_below_a_file_is_exit_2(tmp_path, capsys):
    config = write_config(tmp_path, default_data(), "cfg.yaml")
    lines = refused(capsys, ["synth", "--config", str(config), "--out", str(config / "sub")])
    assert lines[1].startswith(f"  --out: {config} is a file, so it cannot hold a directory")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cfg.yaml"]


@pytest.mark.parametrize("command", [["synth"], ["module"]])
def test_out_on_a_symlink_loop_is_exit_2(command, tmp_path, capsys):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    lines = refused(capsys, [*command, "--out", str(tmp_path / "a")])
    assert lines[1].startswith("  --out: is a symbolic link loop")


def test_module_out_below_a_file_is_exit_2(tmp_path, capsys):
    config = write_config(tmp_path, default_data(), "cfg.yaml")
    lines = refused(capsys, ["module", "--config", str(config), "--out", str(config / "sub")])
    assert lines[1].startswith(f"  --out: {config} is a file")


# bounded input


def test_config_that_is_a_device_or_too_big_is_exit_2(tmp_path, capsys):
    big = write_config(tmp_path, "# padding\n" * 120_000, "big.yaml")
    for config, why in (
        ("/dev/zero", "not a regular file"),
        (big, "larger than the 1 MiB a config may have"),
        (tmp_path, "a directory"),
    ):
        lines = refused(capsys, ["validate", "--config", str(config)])
        assert lines[1] == f"  <top level>: cannot read config file {config}: {why}" + lines[1].split(why, 1)[1]


def _run_main(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


def test_config_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    """Opening a FIFO used to block forever: an alarm ends the wait, so today's code fails instead of hanging."""
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)

    def waited(signum, frame):
        raise TimeoutError("validate waited 30 s for a writer of the FIFO")

    previous = signal.signal(signal.SIGALRM, waited)
    signal.alarm(30)
    try:
        lines = refused(capsys, ["validate", "--config", str(fifo)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert any("not a regular file (a FIFO, socket or device)" in line for line in lines), lines


ALIAS_BOMB = "tags:\n  bomb: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  b{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]\n" for level in range(1, 10)
)


@pytest.mark.slow  # the process is the guard: a regression grows memory without end in C code no alarm interrupts
def test_alias_bomb_under_tags_ends_quickly_with_exit_2(tmp_path):
    """10 chained anchors expand to 10^10 values; rendering one in an error message used to grow memory without end."""
    data = yaml.safe_dump(default_data()).replace("tags:\n  team: ml-platform\n", "")
    config = write_config(tmp_path, data + ALIAS_BOMB)
    result = _run_main("synth", "--config", str(config), "--out", str(tmp_path / "out"), timeout=30)
    assert result.returncode == 2
    assert "<top level>: expands to more than 100000 values (aliases counted in full)" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 1200 + "]" * 1200, "a: " + "[" * 1200, "- " * 1200 + "x"],
    ids=["flow", "unclosed flow", "block"],
)
def test_nesting_of_1000_levels_is_exit_2(text, tmp_path, capsys):
    """It used to end in RecursionError (the unclosed one after libyaml gave up at its own limit)."""
    lines = refused(capsys, ["validate", "--config", str(write_config(tmp_path, text))])
    assert lines[1:] == ["  <top level>: nested deeper than 50 levels; no config needs that"]


def test_complex_mapping_key_is_a_syntax_error_with_its_position(tmp_path, capsys):
    config = write_config(tmp_path, "region: ap-northeast-1\n? [a, b]\n: 1\n")
    lines = refused(capsys, ["validate", "--config", str(config)])
    assert lines[1] == (
        f"  <top level>: YAML syntax error at {config}:2:3: "
        "a key must be a plain value such as a name, not a list or mapping"
    )


@pytest.mark.parametrize(
    ("timezone", "shown"), [("Asia", "'Asia'"), ("A" * 300, "'" + "A" * 76 + "...)")], ids=["directory", "too long"]
)
def test_timezone_that_the_tz_database_cannot_open_is_exit_2(timezone, shown, tmp_path, capsys):
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = {
        "min": 1,
        "max": 2,
        "schedules": {"night": {"schedule": "cron(0 22 * * ? *)", "min": 1, "timezone": timezone}},
    }
    lines = refused(capsys, ["validate", "--config", str(write_config(tmp_path, data))])
    assert lines[1].startswith(
        "  pipelines.news-encoder.variants.treatment.autoscaling.schedules.night.timezone: not an IANA time zone name"
    )
    assert shown in lines[1]


@pytest.mark.parametrize(
    "entry",
    [
        {"pipelines": {"news-encoder": {"variants": {"control": {"desired_count": 2}}}}},
        {"omit": ["news-encoder/control"]},
    ],
    ids=["override", "omit"],
)
def test_variants_that_are_not_a_mapping_with_an_environment_override_are_exit_2(entry, tmp_path, capsys):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["pipelines"]["news-encoder"]["variants"] = 1
    data["environments"]["prd"] = entry
    lines = refused(capsys, ["validate", "--config", str(write_config(tmp_path, data))])
    assert any("news-encoder" in line and "no such variant" in line for line in lines[1:])


# the file system refuses: exit 1, one line, the earlier output intact


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_file_system_refusal_is_one_line_exit_1_and_keeps_the_earlier_output(code, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    capsys.readouterr()
    before = tree_digest(out)

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr("modules.output_dir.os.mkdir", refuse)
    assert main(["synth", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"error: python main.py synth: cannot write {out}: {os.strerror(code)} ({tmp_path}/.out.")
    assert line.endswith("; the earlier output is unchanged")
    assert captured.out == ""
    assert tree_digest(out) == before


#: Run in a user and mount namespace (`unshare -rm`): a small tmpfs at $1 holds an earlier output, then
#: the disk is filled or made read-only and synth runs again; what is seen is copied out to $2.
FULL_DISK_SCRIPT = """
set -u
mount -t tmpfs -o size=512k tmpfs "$1" || exit 10
"$3" "$4" synth --out "$1/out" > /dev/null || exit 11
cp -a "$1/out" "$2/before"
case "$5" in
  full) head -c 10M /dev/zero > "$1/fill" 2>/dev/null ;;
  read-only) mount -o remount,ro "$1" || exit 12 ;;
esac
"$3" "$4" synth --out "$1/out" > "$2/stdout" 2> "$2/stderr"; echo $? > "$2/rc"
cp -a "$1/out" "$2/after"
ls -A "$1" > "$2/listing"
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "message"), [("full", "No space left on device"), ("read-only", "Read-only file system")]
)
def test_a_full_or_read_only_disk_is_one_line_exit_1_and_keeps_the_earlier_output(fault, message, tmp_path):
    """Real faults on a real (namespaced tmpfs) file system: cdktf's own writes fail, or the first one does."""
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("needs user and mount namespaces (unshare -rm)")
    (tmp_path / "disk").mkdir()
    command = ["unshare", "-rm", "sh", "-c", FULL_DISK_SCRIPT, "sh", str(tmp_path / "disk"), str(tmp_path)]
    setup = subprocess.run([*command, sys.executable, str(ROOT / "main.py"), fault], capture_output=True, timeout=180)
    assert setup.returncode == 0, setup.stderr
    assert (tmp_path / "rc").read_text() == "1\n"
    (line,) = (tmp_path / "stderr").read_text().splitlines()
    assert line.startswith(f"error: python main.py synth: cannot write {tmp_path / 'disk' / 'out'}: {message}")
    assert line.endswith("; the earlier output is unchanged")
    assert (tmp_path / "stdout").read_text() == ""
    assert tree_digest(tmp_path / "after") == tree_digest(tmp_path / "before")
    listing = (tmp_path / "listing").read_text().split()
    assert sorted(listing) == sorted(["out", *(["fill"] if fault == "full" else [])])


# permissions and user files


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_new_output_follows_the_umask(umask, tmp_path):
    previous = os.umask(umask)
    try:
        assert main(["synth", "--out", str(tmp_path / "out")]) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o777 & ~umask


def test_an_existing_directory_keeps_its_mode(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o750)
    assert main(["synth", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    out.chmod(0o755)
    assert main(["synth", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o755


def test_user_files_in_a_stack_directory_survive_a_synth(tmp_path):
    """Every file synth did not write stays, Terraform's workspace state (kept in the stack directory by
    the local backend), its recovery file, crash log and saved plans included: all but the override
    files, tfvars and `.terraform` used to be deleted. Files the synth wrote are replaced."""
    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    stack = out / "stacks" / "feature-pipelines"
    kept = {
        "backend_override.tf.json": '{"terraform": {}}',
        "override.tf": "# mine\n",
        "prod.auto.tfvars": 'x = "1"\n',
        ".terraform.lock.hcl": "# lock\n",
        ".terraform/providers/registry/provider": "binary",
        "terraform.tfstate.d/staging/terraform.tfstate": '{"serial": 7}',
        "terraform.tfstate": '{"serial": 3}',
        "errored.tfstate": '{"serial": 8}',
        "crash.log": "panic",
        "tfplan": "PK",
        "extra.tf": 'output "mine" { value = 1 }',
        "notes/today.md": "# notes",
        "stale.json": "{}",
    }
    for name, text in kept.items():
        (stack / name).parent.mkdir(parents=True, exist_ok=True)
        (stack / name).write_text(text)
    (stack / "cdk.tf.json").write_text("{}")  # synth's own file, edited: replaced
    (out / "README.md").write_text("mine")
    assert main(["synth", "--out", str(out)]) == 0
    assert {name: (stack / name).read_text() for name in kept} == kept
    assert (out / "README.md").read_text() == "mine"
    assert json.loads((stack / "cdk.tf.json").read_text())["resource"]
