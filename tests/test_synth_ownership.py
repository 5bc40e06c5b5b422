"""Synth replaces exactly what it wrote (issue 27): every other file and directory in and beside
`--out` survives a synth, a re-synth, a refused synth and a killed one; a dropped stack's
directory stays while it holds anything synth did not write."""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from modules import output_dir
from modules.cli import main
from modules.config import ConfigError
from tests.helpers import ROOT
from tests.kill_at import kill_at_call
from tests.strategies import fuzz

#: What the first and the second synth write (relative path: content); the second drops stack
#: `other` and the nested files, adds stack `new`, and writes `app` as HCL.
FIRST = {
    "manifest.json": '{"version": 1, "stacks": ["app", "other"]}',
    "stacks/app/cdk.tf.json": "{}",
    "stacks/app/nested/deeper/extra.json": "{}",
    "stacks/other/cdk.tf.json": "{}",
}
SECOND = {
    "manifest.json": '{"version": 2, "stacks": ["app", "new"]}',
    "stacks/app/cdk.tf": "# hcl",
    "stacks/app/metadata.json": "{}",
    "stacks/new/cdk.tf.json": "{}",
}
#: An empty directory the first synth writes too (and the second does not).
FIRST_EMPTY = "stacks/app/assets"


def build(files: dict[str, str], empty: tuple[str, ...] = ()) -> Callable[[Path], None]:
    def write(staging: Path) -> None:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text)
        for name in empty:
            (staging / name).mkdir(parents=True)

    return write


def snapshot(root: Path) -> dict[str, tuple[str, str]]:
    """Every entry below `root`, symlinks not followed: kind and content (a symlink's target)."""
    entries = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                entries[key] = ("link", os.readlink(path))
            elif path.is_dir():
                entries[key] = ("dir", "")
            else:
                entries[key] = ("file", path.read_text(errors="replace"))
    return entries


#: Names that matter: Terraform's working files, plan files, notes, and what resembles a
#: staging or retired directory of `out` (or of `mine`, the directory a refused synth names).
NOTABLE = [
    ".terraform",
    ".terraform.lock.hcl",
    ".terraform.tfstate.lock.info",
    "terraform.tfstate",
    "terraform.tfstate.backup",
    "terraform.tfstate.d",
    "errored.tfstate",
    "crash.log",
    "tfplan",
    "plan.out",
    "extra.tf",
    "backend_override.tf.json",
    "terraform.tfvars",
    "NOTES.md",
    ".gitignore",
    ".env",
    ".feature-pipelines-synth.json.new",
]
lookalikes = st.builds(
    lambda name, kind, token: f".{name}.{kind}{token}",
    st.sampled_from(["out", "mine"]),
    st.sampled_from(["staging-", "retired-", ""]),
    st.one_of(
        st.text("0123456789abcdef", min_size=8, max_size=8),
        st.text("0123456789abcdef", min_size=32, max_size=32),
        st.sampled_from(["k2x_9abc", "k2x_9abc.old", "0badc0de", "x"]),
    ),
)
names = st.one_of(
    st.sampled_from(NOTABLE),
    lookalikes,
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=12).filter(
        lambda name: name not in (".", "..") and len(name.encode()) < 200
    ),
)
#: Where user entries go: beside `out`, in it, in `stacks/`, in a stack that stays, in the one the
#: second synth drops, in one it adds, in a directory synth writes and in one it stops writing.
PLACES = ["", "out", "out/stacks", "out/stacks/app", "out/stacks/other", "out/stacks/new", "out/stacks/app/nested"]
#: Paths synth writes (a user's file there is synth's, or refused): not generated here.
WRITTEN = {f"out/{path}" for path in [*FIRST, *SECOND, output_dir.MARKER, FIRST_EMPTY]} | {"out", "mine"}
entries = st.lists(
    st.tuples(
        st.sampled_from(PLACES),
        st.lists(names, min_size=1, max_size=3),
        st.sampled_from(["file", "dir", "link"]),
        # A file's text, or a symlink's target: a path, which can hold any character but NUL.
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=20),
    ),
    max_size=12,
)


def place(parent: Path, drawn: list[tuple[str, list[str], str, str]]) -> None:
    """Put the drawn user entries under `parent`, but none where synth writes a file or on what exists."""
    for where, path, kind, content in drawn:
        relative = "/".join(filter(None, [where, *path]))
        below = [written for written in WRITTEN if written.startswith(f"{relative}/")]
        if relative in WRITTEN or (below and kind != "dir") or any(up in WRITTEN for up in _ancestors(relative)):
            continue
        target = parent / relative
        if os.path.lexists(target) or any(os.path.lexists(up) and not up.is_dir() for up in target.parents):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if kind == "file":
            target.write_text(content)
        elif kind == "dir":
            target.mkdir()
        else:
            target.symlink_to(content or "dangling")


def _ancestors(path: str) -> list[str]:
    """'out/stacks/app' -> ['out', 'out/stacks']."""
    return [str(up) for up in Path(path).parents if str(up) != "."]


def killed(out: Path, write: Callable[[Path], None], kill_at: int, exchange: bool) -> None:
    """`output_dir.write_output` in a forked process that SIGKILLs itself before file system call `kill_at`
    (tests/kill_at.py); `exchange` False: no rename-exchange."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            kill_at_call(kill_at, exchange=exchange)
            output_dir.write_output(out, write)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 30
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked synth hung")
        time.sleep(0.001)


def expected(user: dict[str, tuple[str, str]], files: dict[str, str]) -> dict[str, tuple[str, str]]:
    """The tree (marker left out) a synth writing `files` must leave: the user's entries and synth's files."""
    tree = dict(user) | {f"out/{path}": ("file", text) for path, text in files.items()}
    return tree | {up: ("dir", "") for path in tree for up in _ancestors(path)}


def without_marker(tree: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {path: entry for path, entry in tree.items() if path != f"out/{output_dir.MARKER}"}


#: What the first synth wrote, as paths under the directory that holds `out`.
FIRST_WRITTEN = set(expected({}, FIRST)) | {f"out/{output_dir.MARKER}", f"out/{FIRST_EMPTY}"}


def refusing(staging: Path) -> None:
    """A build refused once it wrote (as the policy checks refuse)."""
    build(SECOND)(staging)
    raise ConfigError([])


@fuzz(30, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=entries, kill_at=st.integers(1, 90), exchange=st.booleans())
def test_every_file_synth_did_not_write_survives_synth_resynth_a_refused_and_a_killed_synth(drawn, kill_at, exchange):
    with tempfile.TemporaryDirectory() as scratch:
        parent = Path(scratch)
        (parent / "mine").mkdir()
        (parent / "mine" / "work.txt").write_text("mine")
        place(parent, [entry for entry in drawn if entry[0] == ""])  # beside `out` before the first synth
        out = parent / "out"
        output_dir.write_output(out, build(FIRST, (FIRST_EMPTY,)))
        place(parent, drawn)
        before = snapshot(parent)
        user = {path: entry for path, entry in before.items() if path not in FIRST_WRITTEN}
        beside = {path: entry for path, entry in user.items() if not path.startswith("out/")}

        # a refused --out and a refused build touch nothing, beside `out` included
        with pytest.raises(ConfigError):
            output_dir.write_output(parent / "mine", build(SECOND))
        with pytest.raises(ConfigError):
            output_dir.write_output(out, refusing)
        assert snapshot(parent) == before

        # killed anywhere: what synth did not write beside `out` is there (and in it once recovered)
        killed(out, build(SECOND), kill_at, exchange)
        assert beside.items() <= snapshot(parent).items()

        # the next synth recovers, and replaces exactly what synth wrote
        output_dir.write_output(out, build(SECOND))
        assert without_marker(snapshot(parent)) == expected(user, SECOND)


# what a real synth does with a stack that goes, a file in its way, and an output of an earlier version

ENVIRONMENTS = ROOT / "examples" / "environments.yaml"


def test_a_dropped_stack_keeps_its_directory_while_it_holds_files_synth_did_not_write(tmp_path, capsys):
    """Its workspace state would otherwise be lost; a dropped stack with only synth's files goes."""
    out = tmp_path / "out"
    assert main(["synth", "--config", str(ENVIRONMENTS), "--out", str(out)]) == 0
    state = out / "stacks" / "dev" / "terraform.tfstate.d" / "blue" / "terraform.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text('{"serial": 4}')
    capsys.readouterr()
    assert main(["synth", "--out", str(out)]) == 0
    assert state.read_text() == '{"serial": 4}'
    assert sorted(path.name for path in (out / "stacks").iterdir()) == ["dev", "feature-pipelines"]
    assert sorted(path.name for path in (out / "stacks" / "dev").iterdir()) == ["terraform.tfstate.d"]
    assert capsys.readouterr().err.splitlines() == [
        f"kept {out / 'stacks' / 'dev'}: no stack of the config any more, but it holds files synth did not write "
        "(terraform.tfstate.d)"
    ]
    assert main(["synth", "--config", str(ENVIRONMENTS), "--out", str(out)]) == 0  # back: the state is there
    assert state.read_text() == '{"serial": 4}' and (out / "stacks" / "dev" / "cdk.tf.json").is_file()


def test_under_the_cdktf_cli_a_dropped_stack_holding_other_files_is_refused(tmp_path, capsys, monkeypatch):
    """The CLI deletes the directories of dropped stacks after the app ran, whatever they hold: keeping
    them is not up to synth, so it refuses (the CLI then deletes nothing) and says what to do."""
    out = tmp_path / "out"
    assert main(["synth", "--config", str(ENVIRONMENTS), "--out", str(out)]) == 0
    (out / "stacks" / "dev" / "errored.tfstate").write_text("{}")
    before = snapshot(tmp_path)
    capsys.readouterr()
    monkeypatch.setenv(output_dir.CDKTF_CLI_VARIABLE, "true")
    assert main(["synth", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[1] == (
        f"  --out: stacks/dev is no stack of the config any more, but it holds files synth did not write "
        "(errored.tfstate), and the cdktf CLI deletes it after the synth: move them away, or synthesize with "
        f"`python main.py synth`, which keeps them (got '{out}')"
    )
    assert snapshot(tmp_path) == before
    (out / "stacks" / "dev" / "errored.tfstate").unlink()
    assert main(["synth", "--out", str(out)]) == 0
    stacks = sorted(path.name for path in (out / "stacks").iterdir())
    assert stacks == ["dev", "feature-pipelines", "prd", "stg"], "empty directories for the CLI to delete"
    monkeypatch.delenv(output_dir.CDKTF_CLI_VARIABLE)
    assert main(["synth", "--out", str(out)]) == 0
    assert sorted(path.name for path in (out / "stacks").iterdir()) == ["feature-pipelines"], "they were synth's"


def test_a_file_of_the_users_where_synth_now_writes_one_refuses_the_synth(tmp_path, capsys):
    """Switching to HCL writes cdk.tf and metadata.json into each stack directory."""
    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    (out / "stacks" / "feature-pipelines" / "cdk.tf").write_text("# mine")
    before = snapshot(tmp_path)
    capsys.readouterr()
    assert main(["synth", "--format", "hcl", "--out", str(out)]) == 2
    assert capsys.readouterr().err.splitlines()[1] == (
        "  --out: stacks/feature-pipelines/cdk.tf was not written by synth, which now writes it: "
        f"move yours away (got '{out}')"
    )
    assert snapshot(tmp_path) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_an_output_whose_marker_lists_nothing_keeps_every_file_its_manifest_does_not_name(tmp_path):
    """Upgrading from an output of an earlier version, whose marker holds only the manifest's digest:
    what synth wrote is what manifest.json names, and nothing else is deleted."""
    out = tmp_path / "out"
    assert main(["synth", "--format", "hcl", "--out", str(out)]) == 0
    marker = json.loads((out / output_dir.MARKER).read_text())
    (out / output_dir.MARKER).write_text(json.dumps({key: marker[key] for key in ("written_by", "manifest_sha256")}))
    stack = out / "stacks" / "feature-pipelines"
    (stack / "extra.tf").write_text("# mine")
    (out / "notes.md").write_text("mine")
    assert output_dir.is_output(out)
    assert main(["synth", "--out", str(out)]) == 0
    assert sorted(path.name for path in stack.iterdir()) == ["cdk.tf.json", "extra.tf"]
    assert (out / "notes.md").read_text() == "mine"
    assert json.loads((out / output_dir.MARKER).read_text())["files"] == [
        "manifest.json",
        "stacks/feature-pipelines/cdk.tf.json",
    ]
