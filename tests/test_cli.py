"""The command line as users run it: exit codes, messages, what is (not) written.

In this process (`run`: `modules.cli.main`), except the few that test the process itself (`run_process`).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from modules.cli import main
from tests.helpers import ROOT, default_data, run, run_process, to_yaml, tree_digest

#: The commands users rely on (README, "Commands").
COMMANDS = (
    "synth",
    "validate",
    "module",
    "cost",
    "review",
    "drift",
    "adopt-plan",
    "experiment",
    "promote",
    "schema",
    "init",
)


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


def test_a_bad_split_from_exits_2_and_keeps_earlier_output(synthesized, tmp_path):
    out, _ = synthesized
    before = tree_digest(out)
    data = default_data()
    data["stacks"] = "per_pipeline"
    config, state = tmp_path / "split.yaml", tmp_path / "state.json"
    config.write_text(to_yaml(data))
    state.write_text("[]")
    result = run(
        "synth", "--config", str(config), "--out", str(out), "--split-from", "prod=x.json", "--split-from",
        f"feature-pipelines={state}",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[1:] == [
        "  --split-from: expected STACK=STATE_JSON, STACK a split stack (feature-pipelines) (got 'prod=x.json')",
        f"  --split-from: not the output of `terraform show -json` (got '{state}')",
    ]
    assert tree_digest(out) == before


@pytest.mark.slow  # a real process (the fast tier keeps one: tests/test_corpus.py test_real_processes_refuse_too)
def test_validate_ok_and_bad_as_its_own_process(tmp_path):
    """A real process: exit codes, and no traceback on stderr."""
    ok = run_process("validate")
    assert ok.returncode == 0
    assert "valid (1 pipeline, 2 variants)" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("region: [")
    result = run_process("validate", "--config", str(bad))
    assert result.returncode == 2
    assert "YAML syntax error" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file(tmp_path):
    result = run("validate", "--config", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert f"no config file {tmp_path / 'nope.yaml'}: name one with --config or $PIPELINES_CONFIG" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_runs(command):
    """Each command exists and parses its options (a removed command is an argparse error, exit 2)."""
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python main.py {command} ")


def test_an_unknown_command_is_exit_2_with_the_commands_listed():
    result = run("deploy")
    assert result.returncode == 2
    assert f"invalid choice: 'deploy' (choose from {', '.join(repr(c) for c in COMMANDS)})" in result.stderr


@pytest.mark.parametrize("kind", ["project directory", "file"])
def test_synth_never_replaces_what_is_not_an_earlier_output(kind, tmp_path, capsys):
    """`--out .` or `--out src` used to swap the whole directory away and delete its files."""
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
    out = tmp_path / "out"
    out.mkdir()
    assert main(["synth", "--out", str(out)]) == 0
    assert main(["synth", "--out", str(out)]) == 0
    assert (out / "manifest.json").is_file()
    assert "error" not in capsys.readouterr().err


def test_resynth_keeps_terraform_working_files_of_stacks_that_remain(tmp_path):
    """`cdktf deploy` leaves .terraform/ and the lock file in the stack directory."""
    out = tmp_path / "out"
    assert main(["synth", "--out", str(out)]) == 0
    stack = out / "stacks" / "feature-pipelines"
    (stack / ".terraform" / "providers").mkdir(parents=True)
    (stack / ".terraform.lock.hcl").write_text("# lock\n")
    assert main(["synth", "--out", str(out)]) == 0
    assert (stack / ".terraform" / "providers").is_dir()
    assert (stack / ".terraform.lock.hcl").read_text() == "# lock\n"


def _bare_main(cwd: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    """What `cdktf synth` runs: `python3 main.py` with CDKTF_OUTDIR set."""
    env = {k: v for k, v in os.environ.items() if k != "PIPELINES_CONFIG"}
    env |= {"CDKTF_OUTDIR": str(cwd / "cdktf.out"), **variables}
    return subprocess.run([sys.executable, str(ROOT / "main.py")], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_bare_main_synthesizes_the_pipelines_yaml_of_the_working_directory_into_cdktf_outdir(tmp_path):
    data = default_data()
    data["project"] = "mine"
    (tmp_path / "pipelines.yaml").write_text(to_yaml(data))
    result = _bare_main(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cdktf.out" / "stacks" / "mine" / "cdk.tf.json").is_file()
    assert "stack mine: 1 pipeline, 2 variants" in result.stdout


@pytest.mark.slow
def test_bare_main_reads_pipelines_config_before_the_working_directory(tmp_path):
    data = default_data()
    (tmp_path / "pipelines.yaml").write_text(to_yaml({**data, "project": "here"}))
    (tmp_path / "other.yaml").write_text(to_yaml({**data, "project": "named"}))
    result = _bare_main(tmp_path, PIPELINES_CONFIG=str(tmp_path / "other.yaml"))
    assert result.returncode == 0, result.stderr
    assert "stack named: 1 pipeline, 2 variants" in result.stdout
    assert not (tmp_path / "cdktf.out" / "stacks" / "here").exists()


def test_config_option_comes_before_pipelines_config(tmp_path, monkeypatch):
    data = default_data()
    (tmp_path / "a.yaml").write_text(to_yaml({**data, "project": "from-option"}))
    monkeypatch.setenv("PIPELINES_CONFIG", str(tmp_path / "nope.yaml"))
    result = run("validate", "--config", "a.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("a.yaml: valid")


def test_bare_main_without_a_config_here_synthesizes_nothing(tmp_path, monkeypatch, capsys):
    """Not the repository's pipelines.yaml beside main.py: the one of the directory it runs in (as `cdktf synth`
    runs it: no arguments, CDKTF_OUTDIR set)."""
    monkeypatch.delenv("PIPELINES_CONFIG", raising=False)
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "cdktf.out"))
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    stderr = capsys.readouterr().err
    assert stderr.splitlines()[0] == "error: pipelines.yaml: 1 problem; nothing was written"
    assert "no config file pipelines.yaml: name one with --config or $PIPELINES_CONFIG" in stderr
    assert not (tmp_path / "cdktf.out").exists()


def test_version_is_the_semantic_version_pyproject_declares_and_the_changelog_lists():
    result = run("--version")
    assert result.returncode == 0
    name, version = result.stdout.split()
    assert name == "streaming-feature-pipelines"
    assert re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?", version)
    assert f'version = "{version}"' in (ROOT / "pyproject.toml").read_text()
    headings = re.findall(r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert version in headings
