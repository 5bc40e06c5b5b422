"""The command line as users run it: exit codes, messages, what is (not) written."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, default_data, to_yaml


def run(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CDKTF_OUTDIR", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def tree_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode() + file.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    result = run("synth", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_synth_writes_the_stack_and_a_summary(synthesized):
    out, result = synthesized
    assert (out / "manifest.json").is_file()
    assert (out / "stacks" / "feature-pipelines" / "cdk.tf.json").is_file()
    assert "stack feature-pipelines: 1 pipeline, 2 variants, 27 resources" in result.stdout
    assert "news-encoder/treatment: 2 vCPU, 8 GiB, x86_64, 1 task" in result.stdout
    assert "news-encoder:2026-11-20, 106.11 USD/month\n" in result.stdout
    assert "  cost: 151.10 USD/month for this stack (Fargate on-demand);" in result.stdout
    assert not list(out.parent.glob(".cdktf.out.*")), "staging directories must not be left behind"


def test_bad_config_exits_2_with_one_line_per_problem_and_keeps_earlier_output(synthesized, tmp_path):
    out, _ = synthesized
    before = tree_digest(out)
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["memory"] = 3
    data["pipelines"]["news-encoder"]["variants"]["control"]["desired_cont"] = 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(to_yaml(data))
    result = run("synth", "--config", str(bad), "--out", str(out))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {bad}: 2 problems; nothing was written"
    assert lines[1].startswith("  pipelines.news-encoder.variants.control.desired_cont: unknown key")
    assert lines[2].startswith("  pipelines.news-encoder.variants.treatment.memory: does not fit cpu 2")
    assert result.stdout == ""
    assert tree_digest(out) == before


def test_validate_ok_and_bad(tmp_path):
    ok = run("validate")
    assert ok.returncode == 0
    assert "valid (1 pipeline, 2 variants)" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("region: [")
    result = run("validate", "--config", str(bad))
    assert result.returncode == 2
    assert "YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file(tmp_path):
    result = run("validate", "--config", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert "cannot read config file" in result.stderr


def test_help_documents_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("synth", "validate", "cost"):
        assert command in result.stdout


@pytest.mark.parametrize("kind", ["project directory", "file"])
def test_synth_never_replaces_what_is_not_an_earlier_output(kind, tmp_path, capsys):
    """`--out .` or `--out src` used to swap the whole directory away and delete its files."""
    from modules.cli import main

    if kind == "file":
        out = tmp_path / "notes.txt"
        out.write_text("mine")
    else:
        out = tmp_path / "src"
        out.mkdir()
        (out / "important.py").write_text("mine")
    before = tree_digest(tmp_path)
    assert main(["synth", "--out", str(out)]) == 2
    assert tree_digest(tmp_path) == before
    line = capsys.readouterr().err.splitlines()[1]
    assert line.startswith("  --out: ") and "not an earlier synth output" in line and str(out) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name], "no staging directory left behind"


def test_synth_replaces_an_empty_directory_and_an_earlier_output(tmp_path, capsys):
    from modules.cli import main

    out = tmp_path / "out"
    out.mkdir()
    assert main(["synth", "--out", str(out)]) == 0
    assert main(["synth", "--out", str(out)]) == 0
    assert (out / "manifest.json").is_file()
    assert "error" not in capsys.readouterr().err


def test_resynth_keeps_terraform_working_files_of_stacks_that_remain(tmp_path):
    """`cdktf deploy` leaves .terraform/ and the lock file in the stack directory."""
    from modules.cli import main

    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    stack = out / "stacks" / "feature-pipelines"
    (stack / ".terraform" / "providers").mkdir(parents=True)
    (stack / ".terraform.lock.hcl").write_text("# lock\n")
    (stack / "stale.json").write_text("{}")
    assert main(["synth", "--out", str(out)]) == 0
    assert (stack / ".terraform" / "providers").is_dir()
    assert (stack / ".terraform.lock.hcl").read_text() == "# lock\n"
    assert not (stack / "stale.json").exists()


def test_bare_main_synthesizes_the_default_config_into_cdktf_outdir(tmp_path):
    """What `cdktf synth` runs: `python3 main.py` with CDKTF_OUTDIR set."""
    env = {**os.environ, "CDKTF_OUTDIR": str(tmp_path / "cdktf.out")}
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py")], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cdktf.out" / "stacks" / "feature-pipelines" / "cdk.tf.json").is_file()
    assert "stack feature-pipelines: 1 pipeline, 2 variants" in result.stdout
