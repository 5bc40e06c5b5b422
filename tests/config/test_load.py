"""Config validation and resolution: good inputs, and one clear line per bad input."""

import pytest

from modules.config import ConfigError, load_text
from tests.helpers import config_problems, default_data, load, to_yaml

TREATMENT = "pipelines.news-encoder.variants.treatment"


def test_default_config_resolves_with_inheritance_and_merges():
    deployment = load(default_data())
    control, treatment = deployment.variants
    assert (control.settings.cpu, control.settings.memory) == (1, 2)
    assert (treatment.settings.cpu, treatment.settings.memory) == (2, 8)
    assert control.settings.entry_point == treatment.settings.entry_point == ["python", "-m", "news_encoder.stream"]
    assert dict(treatment.settings.environment) == {"SOURCE_STREAM": "news-articles", "MODEL_VERSION": "v2"}
    assert dict(control.settings.environment) == {"SOURCE_STREAM": "news-articles"}
    assert treatment.image.uri.endswith("news-encoder:2026-11-20")
    assert dict(control.tags) == {"pipeline": "news-encoder", "variant": "control"}
    assert dict(deployment.resource_tags(control)) == {"team": "ml-platform", **control.tags}


def test_a_variants_own_tags_are_kept_apart_from_the_configs_and_win_over_them():
    data = default_data()
    data["tags"] = {"team": "ml-platform", "tier": "batch"}
    data["pipelines"]["news-encoder"]["tags"] = {"tier": "streaming", "team": "ml-platform"}
    data["pipelines"]["news-encoder"]["variants"]["control"]["tags"] = {"owner": "ab-test"}
    deployment = load(data)
    control = deployment.variants[0]
    own = {"tier": "streaming", "team": "ml-platform", "owner": "ab-test", "pipeline": "news-encoder"}
    assert dict(control.tags) == {**own, "variant": "control"}
    assert dict(deployment.tags) == {"team": "ml-platform", "tier": "batch"}
    assert dict(deployment.resource_tags(control)) == {"team": "ml-platform", "tier": "streaming", **control.tags}


def test_documented_defaults_apply_when_nothing_is_set():
    data = default_data()
    pipeline = data["pipelines"]["news-encoder"]
    for key in ("cpu", "memory", "architecture", "user", "entry_point", "command"):
        pipeline.pop(key)
    spec = load(data).variants[0]
    assert (spec.settings.cpu, spec.settings.memory, spec.settings.architecture) == (1.0, 2.0, "x86_64")
    assert (spec.settings.desired_count, spec.settings.fargate_weight, spec.settings.fargate_spot_weight) == (1, 1, 0)
    assert spec.settings.log_retention_days == 365
    assert spec.settings.entry_point is None and spec.settings.user is None


def test_a_setting_counts_where_it_is_written_and_null_is_not_written():
    """A variant that writes the default still overrides its pipeline; `null` inherits (as in an environment's
    override that takes a variant's own value away)."""
    data = default_data()
    pipeline = data["pipelines"]["news-encoder"]
    pipeline.update(cpu=2, memory=4, user="1000", init_process_enabled=False)
    pipeline["variants"]["control"].update(cpu=1.0, memory=2.0, init_process_enabled=True, user=None)
    pipeline["variants"]["treatment"].update(cpu=None, memory=None, environment=None)
    control, treatment = load(data).variants
    assert (
        control.settings.cpu,
        control.settings.memory,
        control.settings.init_process_enabled,
        control.settings.user,
    ) == (1.0, 2.0, True, "1000")
    assert (treatment.settings.cpu, treatment.settings.memory, treatment.settings.init_process_enabled) == (
        2.0,
        4.0,
        False,
    )
    assert dict(treatment.settings.environment) == {"SOURCE_STREAM": "news-articles"}
    assert control.source("cpu") == "pipelines.news-encoder.variants.control.cpu"
    assert treatment.source("cpu") == "pipelines.news-encoder.cpu"


def test_variant_digest_replaces_pipeline_tag():
    data = default_data()
    digest = "sha256:" + "0" * 64
    data["pipelines"]["news-encoder"]["image_tag"] = "base"
    data["pipelines"]["news-encoder"]["variants"]["treatment"] = {"image_digest": digest}
    control, treatment = load(data).variants
    assert treatment.image.uri.endswith(f"@{digest}")
    assert control.image.uri.endswith(":2026-11-01")


def test_secrets_merge_key_by_key():
    data = default_data()
    param = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/x"
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["secrets"] = {"EXTRA": param}
    treatment = load(data).variants[1]
    assert set(treatment.settings.secrets) == {"FEATURE_STORE_TOKEN", "EXTRA"}


def test_unknown_key_is_an_error_with_a_suggestion():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["desired_cont"] = 2
    (line,) = config_problems(data)
    assert line.startswith("pipelines.news-encoder.variants.control.desired_cont: unknown key")
    assert "did you mean 'desired_count'? Valid keys: architecture, autoscaling," in line


def test_unknown_key_without_a_close_one_lists_the_valid_keys_after_a_separator():
    data = default_data()
    data["cluster"] = {"zzz": 1}
    assert config_problems(data) == ["cluster.zzz: unknown key; valid keys: container_insights, exec_logging, name"]


def test_memory_that_does_not_fit_cpu_names_the_variant_path():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["memory"] = 3
    (line,) = config_problems(data)
    assert line == f"{TREATMENT}.memory: does not fit cpu 2: use 4-16 GiB in steps of 1 (got 3)"


def test_pipeline_level_size_problem_is_reported_once_at_the_pipeline():
    data = default_data()
    data["pipelines"]["news-encoder"]["cpu"] = 3
    data["pipelines"]["news-encoder"]["variants"]["treatment"].pop("cpu")
    data["pipelines"]["news-encoder"]["variants"]["treatment"].pop("memory")
    assert config_problems(data) == [
        "pipelines.news-encoder.cpu: not a Fargate task size; valid vCPU: 0.25, 0.5, 1, 2, 4, 8, 16 (got 3)"
    ]


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [
        (lambda d: d.pop("region"), "region", "required key is missing"),
        (lambda d: d.update(region="tokyo"), "region", "not an AWS region name"),
        (lambda d: d["network"].update(subnet_ids=[]), "network.subnet_ids", "at least 1 item"),
        (lambda d: d["network"].update(vpc_id="vpc-xyz"), "network.vpc_id", "does not match"),
        (
            lambda d: d["pipelines"]["news-encoder"].update(repository_arn="arn:aws:s3:::b"),
            "pipelines.news-encoder.repository_arn",
            "not an ECR repository ARN",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["secrets"].update(TOKEN="plain-text"),
            "pipelines.news-encoder.secrets.TOKEN",
            "not a secret reference",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["environment"].update({"1X": "y"}),
            "pipelines.news-encoder.environment.1X",
            "invalid variable name",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["variants"].update({"Bad_Name": {"image_tag": "x"}}),
            "pipelines.news-encoder.variants.Bad_Name",
            "invalid name",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["variants"]["control"].update(desired_count=-1),
            "pipelines.news-encoder.variants.control.desired_count",
            "greater than or equal to 0",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"].update(architecture="sparc"),
            "pipelines.news-encoder.architecture",
            "'x86_64' or 'arm64'",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"].update(ephemeral_storage=20),
            "pipelines.news-encoder.ephemeral_storage",
            "greater than or equal to 21",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"].update(ephemeral_storage=201),
            "pipelines.news-encoder.ephemeral_storage",
            "less than or equal to 200",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"].update(log_retention_days=10),
            "pipelines.news-encoder.log_retention_days",
            "CloudWatch accepts 1, 3, 5",
        ),
        (lambda d: d.update(pipelines={}), "pipelines", "at least 1 item"),
        (
            lambda d: d["pipelines"]["news-encoder"].update(variants={}),
            "pipelines.news-encoder.variants",
            "at least 1 item",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["variants"]["control"].pop("image_tag"),
            "pipelines.news-encoder.variants.control.image_tag",
            "no image: set image_tag or image_digest",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["variants"]["control"].update(image_digest="sha256:" + "a" * 64),
            "pipelines.news-encoder.variants.control.image_digest",
            "not both",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["variants"]["control"].update(fargate_weight=0),
            "pipelines.news-encoder.variants.control.fargate_spot_weight",
            "both 0",
        ),
        (
            lambda d: d["pipelines"]["news-encoder"]["environment"].update(FEATURE_STORE_TOKEN="x"),
            "pipelines.news-encoder.secrets",
            "both as environment and as secrets",
        ),
    ],
)
def test_each_bad_input_gives_one_line_with_its_path(mutate, path, fragment):
    data = default_data()
    mutate(data)
    lines = config_problems(data)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: "), lines
    assert fragment in lines[0]


def test_several_problems_are_all_reported():
    data = default_data()
    data["region"] = "nowhere"
    data["pipelines"]["news-encoder"]["variants"]["control"]["desired_cont"] = 1
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["cpux"] = 1
    assert len(config_problems(data)) == 3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("region: [unclosed", "YAML syntax error at <config>:1"),
        ("a: 1\na: 2\n", "a: duplicate key, written at lines 1 and 2"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("", "must be a YAML mapping"),
    ],
)
def test_yaml_level_problems(text, fragment):
    with pytest.raises(ConfigError) as caught:
        load_text(text)
    assert fragment in str(caught.value)


def test_config_round_trips_through_yaml_text():
    assert load_text(to_yaml(default_data())) == [load(default_data())]


def test_secrets_kms_keys_without_secrets_are_refused_at_the_level_that_sets_them():
    data = default_data()
    data["pipelines"]["news-encoder"]["secrets"] = {}
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["secrets_kms_key_arns"] = [
        "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    ]
    assert config_problems(data) == [
        f"{TREATMENT}.secrets_kms_key_arns: no secrets to decrypt: the variant has no secrets; remove it "
        "(least privilege)"
    ]
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["secrets_kms_key_arns"] = ["alias/secrets"]
    (line,) = config_problems(data)
    assert line.startswith(f"{TREATMENT}.secrets_kms_key_arns[0]: not a KMS key ARN")


@pytest.mark.parametrize("path", ["pipelines.yaml", "examples/environments.yaml"])
def test_libyaml_and_the_pure_python_parser_read_the_same_data(path):
    """Configs parse on libyaml for speed; errors are reported by the pure-Python parser."""
    import yaml

    from modules.config import load as loading
    from tests.helpers import ROOT

    assert yaml.__with_libyaml__ and issubclass(loading._FastUniqueKeyLoader, yaml.CSafeLoader)
    text = (ROOT / path).read_text()
    assert yaml.load(text, Loader=loading._FastUniqueKeyLoader) == yaml.load(text, Loader=loading._UniqueKeyLoader)
