"""`python main.py module` as users run it: exit codes, messages, what is (not) written."""

from tests.helpers import ROOT, run, tree_digest

EXAMPLE = ROOT / "examples" / "environments.yaml"


def test_module_writes_the_module_and_a_summary(tmp_path):
    out = tmp_path / "feature-pipelines"
    result = run("module", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"module -> {out}: 2 variants, versions.tf, variables.tf, main.tf, ")
    hcl = ["README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf"]
    assert sorted(p.name for p in out.iterdir()) == hcl
    as_json = run("module", "--out", str(out), "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "README.md",
        "main.tf.json",
        "outputs.tf.json",
        "variables.tf.json",
        "versions.tf.json",
    ], "the HCL files of the earlier export are gone (Terraform would read both)"


def test_the_readmes_example_call_names_the_module_where_out_put_it(tmp_path):
    """`source` is --out seen from the directory the export ran in, whatever --out was."""
    config = str(ROOT / "pipelines.yaml")
    (tmp_path / "infra" / "live").mkdir(parents=True)
    assert run("module", "--config", config, "--out", "infra/modules/fp", cwd=tmp_path).returncode == 0
    readme = (tmp_path / "infra" / "modules" / "fp" / "README.md").read_text()
    assert '  source = "./infra/modules/fp" # --out, from where it was exported\n' in readme
    assert "./feature-pipelines" not in readme
    live = tmp_path / "infra" / "live"
    assert run("module", "--config", config, "--out", "../modules/fp", "--force", cwd=live).returncode == 0
    assert '  source = "../modules/fp" #' in (tmp_path / "infra" / "modules" / "fp" / "README.md").read_text()
    assert run("module", "--config", config, "--out", str(tmp_path / "elsewhere"), cwd=live).returncode == 0
    assert '  source = "../../elsewhere" #' in (tmp_path / "elsewhere" / "README.md").read_text()


def test_environment_is_required_and_checked_when_the_config_has_environments(tmp_path):
    out = tmp_path / "m"
    missing = run("module", "--config", str(EXAMPLE), "--out", str(out))
    assert missing.returncode == 2
    assert "--environment: the config has environments: choose one with --environment (dev, stg, prd)" in (
        missing.stderr
    )
    unknown = run("module", "--config", str(EXAMPLE), "--environment", "qa", "--out", str(out))
    assert unknown.returncode == 2
    assert "--environment: no such environment; use one of dev, stg, prd (got 'qa')" in unknown.stderr
    needless = run("module", "--environment", "dev", "--out", str(out))
    assert needless.returncode == 2
    assert "the config has no environments" in needless.stderr
    assert "Traceback" not in missing.stderr + unknown.stderr + needless.stderr
    assert not out.exists()


def test_a_directory_with_other_files_needs_force_and_keeps_them(tmp_path):
    (tmp_path / "caller.tf").write_text('module "x" { source = "./m" }\n')
    before = tree_digest(tmp_path)
    refused = run("module", "--out", str(tmp_path))
    assert refused.returncode == 2
    assert "add --force to write beside them (they are kept)" in refused.stderr
    assert tree_digest(tmp_path) == before
    forced = run("module", "--environment", "prd", "--config", str(EXAMPLE), "--out", str(tmp_path), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (tmp_path / "caller.tf").read_text() == 'module "x" { source = "./m" }\n'
    assert 'name = "feature-pipelines-prd"' in (tmp_path / "main.tf").read_text()


def test_help_lists_the_module_command_and_its_options():
    result = run("module", "--help")
    assert result.returncode == 0
    for option in ("--config", "--environment", "--out", "--force", "--format"):
        assert option in result.stdout
