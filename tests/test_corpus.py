"""The corpus of malformed configs (tests/corpus/bad): each is refused with exit status 2, one
line per problem naming its dotted path, no traceback, and the last good output untouched.

Each file states what it expects in its first lines: `# expect: <dotted path> :: <fragment>`,
one per problem, in the order they are reported.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from modules.cli import main
from tests.helpers import ROOT, tree_digest

CORPUS = sorted((ROOT / "tests" / "corpus" / "bad").glob("*.yaml"))


def expectations(path: Path) -> list[tuple[str, str]]:
    found = []
    for line in path.read_text().splitlines():
        if not line.startswith("# expect: "):
            break
        where, fragment = line.removeprefix("# expect: ").split(" :: ", 1)
        found.append((where, fragment))
    return found


@pytest.fixture(scope="module")
def good_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "cdktf.out"
    assert main(["synth", "--out", str(out)]) == 0
    return out, tree_digest(out)


def check_refusal(path: Path, stderr: str, *, written: str = "; nothing was written") -> None:
    assert "Traceback" not in stderr
    header, *lines = stderr.splitlines()
    expected = expectations(path)
    assert header == f"error: {path}: {len(expected)} problem{'s' * (len(expected) != 1)}{written}"
    assert len(lines) == len(expected), stderr
    for line, (where, fragment) in zip(lines, expected, strict=True):
        assert line.startswith(f"  {where}: "), line
        assert fragment in line, line


def test_the_corpus_is_large_and_every_file_says_what_it_expects():
    assert len(CORPUS) >= 40
    assert all(expectations(path) for path in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_bad_config_is_refused_and_the_last_good_output_stays_byte_identical(path, good_output, capsys):
    out, digest = good_output
    assert main(["synth", "--config", str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    check_refusal(path, captured.err)
    assert tree_digest(out) == digest
    assert not list(out.parent.glob(".cdktf.out.*")), "no staging directory left behind"
    assert main(["validate", "--config", str(path)]) == 2
    validated = capsys.readouterr().err
    check_refusal(path, validated, written="")  # validate never writes, so it does not say so
    assert validated.splitlines()[1:] == captured.err.splitlines()[1:]


#: One refusal in a real process in make test; the other kinds (a type, several problems) in make slow.
@pytest.mark.parametrize(
    "name",
    [
        "01-yaml-unclosed-list",
        pytest.param("17-type-cpu-bool", marks=pytest.mark.slow),
        pytest.param("62-several-problems", marks=pytest.mark.slow),
    ],
)
def test_real_processes_refuse_too(name, good_output):
    out, digest = good_output
    path = ROOT / "tests" / "corpus" / "bad" / f"{name}.yaml"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "synth", "--config", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 2
    check_refusal(path, result.stderr)
    assert tree_digest(out) == digest
