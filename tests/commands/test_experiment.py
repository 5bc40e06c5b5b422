"""`experiment start` and `promote` on the command line (in process): the diff and what changed on stdout,
the file replaced (its mode and a symlink kept), exit 2 and nothing written on a refusal."""

from __future__ import annotations

import os

from tests.helpers import ROOT, run

DEFAULT = (ROOT / "pipelines.yaml").read_text()


def test_promote_writes_the_edit_and_shows_its_diff_changes_and_next_step(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(DEFAULT)
    config.chmod(0o640)
    done = run("promote", "news-encoder", "--winner", "treatment", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("--- a/pipelines.yaml\n+++ b/pipelines.yaml\n@@ ")
    assert "-      treatment:\n" in done.stdout
    assert (
        "pipelines.yaml changed:\n  pipelines.news-encoder.variants.control.image_tag: 2026-11-01 -> 2026-11-20\n"
        in (done.stdout)
    )
    assert "\nnext: python main.py synth, then plan and review it" in done.stdout
    assert "treatment" not in config.read_text() and os.stat(config).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["pipelines.yaml"]  # no temporary file left


def test_start_through_a_symlink_edits_its_target(tmp_path):
    target = tmp_path / "configs" / "prod.yaml"
    target.parent.mkdir()
    target.write_text(DEFAULT)
    (tmp_path / "pipelines.yaml").symlink_to(target)
    done = run(
        "experiment", "start", "news-encoder", "--image-tag", "2026-12-01", "--variant", "candidate", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pipelines.yaml").is_symlink()
    assert (
        target.read_text() == DEFAULT + '      candidate:\n        image_tag: "2026-12-01"\n        desired_count: 1\n'
    )


def test_dry_run_shows_the_diff_and_writes_nothing(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(DEFAULT)
    done = run("promote", "news-encoder", "--winner", "treatment", "--keep", "--dry-run", cwd=tmp_path)
    assert done.returncode == 0 and "would change (dry run: nothing written)" in done.stdout and "+++ b/" in done.stdout
    assert config.read_text() == DEFAULT


def test_refusals_exit_2_with_one_line_per_problem_and_write_nothing(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(DEFAULT.replace("memory: 2 ", "memory: 3000 "))
    before = config.read_text()
    done = run("experiment", "start", "news-encoder", "--image-tag", "2026-12-01", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("error: pipelines.yaml: 1 problem; nothing was written\n  pipelines.news-encoder")
    config.write_text(DEFAULT)
    done = run("experiment", "start", "news-encoder", "--image-tag", "2026-12-01", cwd=tmp_path)
    assert done.returncode == 2 and "pipelines.news-encoder.variants.treatment: already exists" in done.stderr
    assert config.read_text() == DEFAULT and before != DEFAULT


def test_a_missing_config_is_exit_2(tmp_path):
    done = run("promote", "news-encoder", "--winner", "treatment", "--config", str(tmp_path / "none.yaml"))
    assert done.returncode == 2 and "no config file" in done.stderr


def test_start_records_the_experiment_given_a_hypothesis_and_an_owner(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(DEFAULT)
    args = ("experiment", "start", "news-encoder", "--image-tag", "v2", "--variant", "candidate")
    done = run(*args, "--owner", "ml-platform", cwd=tmp_path)
    assert done.returncode == 2 and "--hypothesis and --owner go together" in done.stderr
    assert config.read_text() == DEFAULT
    done = run(*args, "--owner", "ml-platform", "--hypothesis", "v2 halves the lag", "--id", "v2-lag", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '    experiment:\n      id: "v2-lag"\n      hypothesis: "v2 halves the lag"\n' in config.read_text()
