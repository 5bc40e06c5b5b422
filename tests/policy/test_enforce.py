"""Findings per variant with config paths, waivers, and what synth and validate do with them."""

import pytest
import yaml

from modules.cli import main
from modules.config import ConfigError
from modules.policy.enforce import check_stack, describe, enforce
from tests.helpers import ROOT, default_data, load, load_all, synth, synth_all, to_yaml

PIPELINE = "pipelines.news-encoder"
CONTROL = f"{PIPELINE}.variants.control"


def report_of(data):
    return check_stack(synth(data), load(data))


def risky():
    """Default config with a root user on control and a password in every variant's environment."""
    data = default_data()
    data["pipelines"]["news-encoder"]["environment"]["DB_PASSWORD"] = "hunter2-and-more"
    data["pipelines"]["news-encoder"]["variants"]["control"]["user"] = "root"
    return data


def test_default_config_has_no_findings_and_no_waivers():
    report = report_of(default_data())
    assert report.findings == report.applied == report.unused == ()


def test_findings_name_the_rule_the_variant_and_where_the_value_is_written():
    findings = {(f.rule, f.variant, f.path) for f in report_of(risky()).findings}
    assert findings == {
        ("ECS-NON-ROOT-USER", "news-encoder/control", f"{CONTROL}.user"),
        ("ECS-NO-PLAIN-SECRETS", "news-encoder/control", f"{PIPELINE}.environment.DB_PASSWORD"),
        ("ECS-NO-PLAIN-SECRETS", "news-encoder/treatment", f"{PIPELINE}.environment.DB_PASSWORD"),
    }


def test_enforce_reports_a_pipeline_level_finding_once():
    with pytest.raises(ConfigError) as caught:
        enforce(report_of(risky()))
    lines = [str(p) for p in caught.value.problems]
    assert lines == [
        f"{CONTROL}.user: [ECS-NON-ROOT-USER] the container runs as root ('root'); use a non-root uid[:gid]; "
        "or waive it: waivers: {ECS-NON-ROOT-USER: <reason>}",
        f"{PIPELINE}.environment.DB_PASSWORD: [ECS-NO-PLAIN-SECRETS] the name says it holds a credential, but it "
        "is a plain environment variable; move it to secrets (a Secrets Manager or SSM parameter ARN) "
        "(variants news-encoder/control, news-encoder/treatment); "
        "or waive it: waivers: {ECS-NO-PLAIN-SECRETS: <reason>}",
    ]


def test_unset_user_is_reported_at_the_pipeline_which_sets_it_for_every_variant():
    data = default_data()
    data["pipelines"]["news-encoder"].pop("user")
    paths = {f.path for f in report_of(data).findings}
    assert paths == {f"{PIPELINE}.user"}


def test_a_variant_that_sets_its_own_value_is_reported_at_the_variant():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["user"] = "0"
    paths = {f.path for f in report_of(data).findings}
    assert paths == {f"{CONTROL}.user"}


def test_one_unset_user_under_environments_is_one_line_naming_the_variants_and_stacks(tmp_path, capsys):
    data = yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text())
    data["pipelines"]["news-encoder"].pop("user")
    assert main(["validate", "--config", str(write(tmp_path, data))]) == 2
    header, line = capsys.readouterr().err.splitlines()
    assert header.endswith(": 1 problem")
    assert line.startswith(f"  {PIPELINE}.user: [ECS-NON-ROOT-USER] not set: ")
    assert "(variants news-encoder/control, news-encoder/treatment; in stacks dev, stg, prd)" in line


def test_waivers_apply_per_variant_and_pipeline_waivers_to_all_variants():
    data = risky()
    pipeline = data["pipelines"]["news-encoder"]
    pipeline["waivers"] = {"ECS-NO-PLAIN-SECRETS": "a throwaway password of the load-test database"}
    pipeline["variants"]["control"]["waivers"] = {"ECS-NON-ROOT-USER": "the legacy image binds port 80 as root"}
    pipeline["variants"]["treatment"]["waivers"] = {"NET-NO-PUBLIC-IP": "kept while migrating the network"}
    report = enforce(report_of(data))
    assert report.findings == ()
    assert describe(report) == [
        f"waived ECS-NO-PLAIN-SECRETS for news-encoder/control ({PIPELINE}.waivers.ECS-NO-PLAIN-SECRETS): "
        "a throwaway password of the load-test database",
        f"waived ECS-NON-ROOT-USER for news-encoder/control ({CONTROL}.waivers.ECS-NON-ROOT-USER): "
        "the legacy image binds port 80 as root",
        f"waived ECS-NO-PLAIN-SECRETS for news-encoder/treatment ({PIPELINE}.waivers.ECS-NO-PLAIN-SECRETS): "
        "a throwaway password of the load-test database",
        "waiver NET-NO-PUBLIC-IP for news-encoder/treatment is unused, nothing to waive "
        f"({PIPELINE}.variants.treatment.waivers.NET-NO-PUBLIC-IP)",
    ]


def test_a_waiver_on_one_variant_leaves_the_other_variant_checked():
    data = risky()
    data["pipelines"]["news-encoder"]["variants"]["control"]["waivers"] = {
        "ECS-NO-PLAIN-SECRETS": "a throwaway password of the load-test database",
        "ECS-NON-ROOT-USER": "the legacy image binds port 80 as root",
    }
    (finding,) = report_of(data).findings
    assert (finding.rule, finding.variant) == ("ECS-NO-PLAIN-SECRETS", "news-encoder/treatment")


@pytest.mark.parametrize(
    ("waivers", "line"),
    [
        ({"NO-SUCH-RULE": "a reason long enough"}, f"{CONTROL}.waivers.NO-SUCH-RULE: unknown rule; rules: "),
        ({"ECS-NON-ROOT-USER": ""}, f"{CONTROL}.waivers.ECS-NON-ROOT-USER: String should have at least 10"),
        ({"ECS-NON-ROOT-USER": "   because  "}, f"{CONTROL}.waivers.ECS-NON-ROOT-USER: String should have at least"),
        ({"ECS-NON-ROOT-USER": None}, f"{CONTROL}.waivers.ECS-NON-ROOT-USER: Input should be a valid string"),
    ],
)
def test_bad_waivers_are_config_problems(waivers, line):
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["waivers"] = waivers
    with pytest.raises(ConfigError) as caught:
        load(data)
    (problem,) = caught.value.problems
    assert str(problem).startswith(line)


def write(tmp_path, data):
    path = tmp_path / "pipelines.yaml"
    path.write_text(to_yaml(data))
    return path


def test_synth_refuses_to_write_on_a_finding_and_validate_lists_it(tmp_path, capsys):
    config, out = write(tmp_path, risky()), tmp_path / "out"
    assert main(["synth", "--config", str(config), "--out", str(out)]) == 2
    assert not out.exists()
    assert not list(tmp_path.glob(".out.*")), "no staging directory left behind"
    synth_err = capsys.readouterr().err
    assert synth_err.startswith(f"error: {config}: 2 problems; nothing was written\n")
    assert main(["validate", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert captured.err == synth_err.replace("; nothing was written", "", 1)  # validate never writes
    assert captured.out == ""


def test_a_finding_leaves_the_last_good_output_byte_identical(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["synth", "--config", str(write(tmp_path, default_data())), "--out", str(out)]) == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert main(["synth", "--config", str(write(tmp_path, risky())), "--out", str(out)]) == 2
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "pipelines.yaml"], "no staging left behind"
    capsys.readouterr()


def test_synth_with_waivers_writes_and_prints_them(tmp_path, capsys):
    data = risky()
    data["pipelines"]["news-encoder"]["waivers"] = {
        "ECS-NO-PLAIN-SECRETS": "a throwaway password of the load-test database",
        "ECS-NON-ROOT-USER": "the legacy image binds port 80 as root",
    }
    config, out = write(tmp_path, data), tmp_path / "out"
    assert main(["synth", "--config", str(config), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert (out / "stacks" / "feature-pipelines" / "cdk.tf.json").is_file()
    assert "  waived ECS-NON-ROOT-USER for news-encoder/control" in stdout
    assert "unused, nothing to waive" in stdout  # treatment runs as 1000:1000
    assert main(["validate", "--config", str(config)]) == 0
    assert "  waived ECS-NO-PLAIN-SECRETS for news-encoder/treatment" in capsys.readouterr().out


def test_module_export_refuses_on_a_finding_and_writes_nothing(tmp_path, capsys):
    config, out = write(tmp_path, risky()), tmp_path / "module"
    assert main(["module", "--config", str(config), "--out", str(out)]) == 2
    assert not out.exists() or not any(out.iterdir())
    assert "[ECS-NON-ROOT-USER]" in capsys.readouterr().err


def test_with_environments_each_stack_is_checked_and_named_where_the_environment_writes_it(tmp_path, capsys):
    data = yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text())
    data["environments"]["dev"]["pipelines"]["news-encoder"]["user"] = "root"
    config = write(tmp_path, data)
    assert main(["validate", "--config", str(config)]) == 2
    (line,) = capsys.readouterr().err.splitlines()[1:]
    assert line.startswith(f"  environments.dev.{PIPELINE}.user: [ECS-NON-ROOT-USER] the container runs as root")
    assert "in stack dev)" in line
    data["environments"]["dev"]["pipelines"]["news-encoder"]["waivers"] = {
        "ECS-NON-ROOT-USER": "dev only: debugging tools in the image need root"
    }
    assert main(["validate", "--config", str(write(tmp_path, data))]) == 0
    waived = f"environments.dev.{PIPELINE}.waivers.ECS-NON-ROOT-USER"
    assert f"  waived ECS-NON-ROOT-USER for dev:news-encoder/control ({waived}): dev only" in capsys.readouterr().out


def test_waivers_an_environment_adds_are_reported_where_the_environment_writes_them():
    data = yaml.safe_load((ROOT / "examples" / "environments.yaml").read_text())
    overrides = data["environments"]["dev"]["pipelines"]["news-encoder"]
    overrides.setdefault("variants", {}).setdefault("control", {})["waivers"] = {
        "NET-NO-PUBLIC-IP": "kept while migrating the network"
    }
    data["pipelines"]["news-encoder"]["waivers"] = {"LOG-RETENTION": "a waiver written in the shared config"}
    deployments = load_all(data)
    report = check_stack(synth_all(data)["dev"], next(d for d in deployments if d.stack == "dev"))
    unused = {(w.rule, w.variant, w.path) for w in report.unused}
    assert (
        "NET-NO-PUBLIC-IP",
        "news-encoder/control",
        f"environments.dev.{CONTROL}.waivers.NET-NO-PUBLIC-IP",
    ) in unused
    assert ("LOG-RETENTION", "news-encoder/control", f"{PIPELINE}.waivers.LOG-RETENTION") in unused
    other = next(d for d in deployments if d.stack != "dev")
    paths = {w.path for w in check_stack(synth_all(data)[other.stack], other).unused}
    assert paths == {f"{PIPELINE}.waivers.LOG-RETENTION"}


def test_an_admin_policy_on_the_task_role_is_a_finding_where_the_arns_are_written():
    data = default_data()
    data["pipelines"]["news-encoder"]["task_role_policy_arns"] = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    with pytest.raises(ConfigError) as caught:
        enforce(report_of(data))
    (line,) = {str(problem) for problem in caught.value.problems}
    assert line.startswith(
        f"{PIPELINE}.task_role_policy_arns: [IAM-NO-ADMIN-POLICY] AdministratorAccess grants every action on every "
        "resource of the account; attach a policy scoped to"
    )


def test_a_sidecars_finding_is_reported_in_the_sidecars_block_where_it_is_written():
    data = default_data()
    data["pipelines"]["news-encoder"]["sidecars"] = {
        "otel": {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1"}
    }
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["sidecars"] = {
        "agent": {"image": "public.ecr.aws/datadog/agent:7", "user": "0", "environment": {"DD_API_KEY": "x" * 32}}
    }
    findings = {(f.rule, f.variant, f.path) for f in report_of(data).findings}
    assert findings == {
        ("ECS-NON-ROOT-USER", "news-encoder/control", f"{PIPELINE}.sidecars.otel.user"),
        ("ECS-NON-ROOT-USER", "news-encoder/treatment", f"{PIPELINE}.sidecars.otel.user"),
        ("ECS-NON-ROOT-USER", "news-encoder/treatment", f"{PIPELINE}.variants.treatment.sidecars.agent.user"),
        (
            "ECS-NO-PLAIN-SECRETS",
            "news-encoder/treatment",
            f"{PIPELINE}.variants.treatment.sidecars.agent.environment.DD_API_KEY",
        ),
    }


def test_the_main_containers_latest_tag_is_reported_where_the_tag_is_written():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["image_tag"] = "latest"
    findings = {(f.rule, f.path) for f in report_of(data).findings}
    assert findings == {("ECS-IMAGE-PINNED", f"{CONTROL}.image_tag")}


def test_a_credential_in_a_health_check_is_reported_where_the_health_check_is_written():
    data = default_data()
    probe = {"command": ["CMD-SHELL", "curl -fsS -u admin:S3cret localhost:8080/healthz"]}
    data["pipelines"]["news-encoder"]["variants"]["control"]["health_check"] = probe
    data["pipelines"]["news-encoder"]["sidecars"] = {
        "otel": {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}
    }
    data["pipelines"]["news-encoder"]["sidecars"]["otel"]["health_check"] = {
        "command": ["CMD", "/healthcheck", "--password=S3cret"]
    }
    findings = {(f.rule, f.variant, f.path) for f in report_of(data).findings}
    assert findings == {
        ("ECS-NO-PLAIN-SECRETS", "news-encoder/control", f"{CONTROL}.health_check.command"),
        ("ECS-NO-PLAIN-SECRETS", "news-encoder/control", f"{PIPELINE}.sidecars.otel.health_check.command"),
        ("ECS-NO-PLAIN-SECRETS", "news-encoder/treatment", f"{PIPELINE}.sidecars.otel.health_check.command"),
    }
