"""The command line with environments: one stack each, summaries per stack, bad overrides."""

import json

import yaml

from tests.helpers import ROOT, run, to_yaml

EXAMPLE = ROOT / "examples" / "environments.yaml"


def test_synth_writes_one_stack_per_environment_with_a_summary_each(tmp_path):
    out = tmp_path / "cdktf.out"
    result = run("synth", "--config", str(EXAMPLE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["stacks"]) == ["dev", "prd", "stg"]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("stack dev: 1 pipeline, 2 variants, 27 resources -> ")
    assert lines[3].startswith(
        "  cost: 98.21 USD/month for this stack (Fargate on-demand; the Spot share 70% below it, assumed"
    )
    assert lines[4].startswith("stack stg: 1 pipeline, 1 variant, 15 resources -> ")
    assert lines[7].startswith("stack prd: 1 pipeline, 1 variant, 15 resources -> ")
    assert lines[8].startswith("  news-encoder/control: 1 vCPU, 2 GiB, x86_64, 3 tasks, ")
    assert lines[8].endswith(", 134.95 USD/month")
    assert lines[10] == "cost of all 3 stacks: 278.14 USD/month"


def test_override_of_a_missing_variant_exits_2_and_writes_nothing(tmp_path):
    data = yaml.safe_load(EXAMPLE.read_text())
    data["environments"]["prd"]["pipelines"]["news-encoder"]["variants"]["canary"] = {"desired_count": 1}
    bad = tmp_path / "bad.yaml"
    bad.write_text(to_yaml(data))
    out = tmp_path / "out"
    result = run("synth", "--config", str(bad), "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {bad}: 1 problem; nothing was written",
        "  environments.prd.pipelines.news-encoder.variants.canary: no such variant of news-encoder; "
        "environments override only the ones defined in the config (control, treatment)",
    ]
    assert not out.exists()


def test_validate_names_each_stack():
    result = run("validate", "--config", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{EXAMPLE}: stack dev: valid (1 pipeline, 2 variants)",
        f"{EXAMPLE}: stack stg: valid (1 pipeline, 1 variant)",
        f"{EXAMPLE}: stack prd: valid (1 pipeline, 1 variant)",
    ]
