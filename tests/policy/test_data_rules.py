"""DATA-OWN-NAMESPACE: two variants may not write one S3 or DynamoDB namespace unless waived; the data grants pass
every rule."""

from modules.cli import main
from modules.policy import rules
from modules.policy.enforce import check_stack
from modules.policy.view import views_of
from tests.helpers import default_data, load, synth, to_yaml

BUCKET = "arn:aws:s3:::features"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:news-articles"
TABLE = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/features"
REPOSITORY = "arn:aws:ecr:ap-northeast-1:123456789012:repository/clicks"


def two_pipelines(prefix: str | None = "features", other_prefix: str | None = "features", sink: str = "s3"):
    """news-encoder and clicks, both with a control variant, writing `<prefix>/control/` of one bucket (or table)."""
    data = default_data()
    data["pipelines"]["clicks"] = {
        "repository_arn": REPOSITORY,
        "user": "1000",
        "variants": {"control": {"image_tag": "1"}},
    }
    for name, value in (("news-encoder", prefix), ("clicks", other_prefix)):
        where = {"s3": {"bucket_arn": BUCKET}, "dynamodb": {"table_arn": TABLE}}[sink]
        data["pipelines"][name]["output"] = {sink: {**where, **({"prefix": value} if value else {})}}
    return data


def findings(data):
    return {(f.rule, f.variant, f.path): f.message for f in check_stack(synth(data), load(data)).findings}


def test_isolated_variants_of_a_config_are_compliant_with_every_rule():
    data = default_data()
    data["pipelines"]["news-encoder"].update(input={"sns": {"topic_arn": TOPIC}}, output={"s3": {"bucket_arn": BUCKET}})
    views = views_of(synth(data), ["news-encoder_control", "news-encoder_treatment"])
    assert views["news-encoder_control"].writes == (f"{BUCKET}/news-encoder/control/*",)
    assert views["news-encoder_control"].other_writes == {
        "news-encoder_treatment": (f"{BUCKET}/news-encoder/treatment/*",)
    }
    for view in views.values():
        for rule_id, rule in rules.CHECKS.items():
            assert list(rule(view)) == [], rule_id


def test_two_pipelines_writing_one_prefix_are_both_findings_at_their_output():
    found = findings(two_pipelines())
    assert set(found) == {
        ("DATA-OWN-NAMESPACE", "news-encoder/control", "pipelines.news-encoder.output"),
        ("DATA-OWN-NAMESPACE", "clicks/control", "pipelines.clicks.output"),
    }
    assert found[("DATA-OWN-NAMESPACE", "clicks/control", "pipelines.clicks.output")] == (
        f"writes {BUCKET}/features/control/*, which news-encoder/control also writes ({BUCKET}/features/control/*): "
        "the variants overwrite each other's features and the A/B comparison reads mixed data; give each its own "
        "namespace (`output.s3.prefix`, `output.dynamodb.prefix`), or waive DATA-OWN-NAMESPACE with the reason"
    )


def test_a_nested_namespace_is_shared_too_and_the_default_prefixes_are_apart():
    assert len(findings(two_pipelines("features/news", "features"))) == 0  # features/news/control/ vs features/control/
    nested = findings(two_pipelines("features/control", "features"))  # clicks/control writes all of features/control/
    assert {variant for _, variant, _ in nested} == {"news-encoder/control", "news-encoder/treatment", "clicks/control"}
    assert findings(two_pipelines(None, None)) == {}  # news-encoder/control/ and clicks/control/


def test_waived_with_a_reason_on_both_sides_the_shared_namespace_passes():
    data = two_pipelines()
    data["pipelines"]["news-encoder"]["waivers"] = {
        "DATA-OWN-NAMESPACE": "a shared replay sink, keys carry the pipeline"
    }
    assert set(findings(data)) == {("DATA-OWN-NAMESPACE", "clicks/control", "pipelines.clicks.output")}
    data["pipelines"]["clicks"]["waivers"] = {"DATA-OWN-NAMESPACE": "a shared replay sink, keys carry the pipeline"}
    assert findings(data) == {}


def test_validate_refuses_a_shared_namespace_with_exit_2(tmp_path, capsys):
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(two_pipelines()))
    assert main(["validate", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "pipelines.clicks.output: [DATA-OWN-NAMESPACE] writes" in err
    assert "or waive it: waivers: {DATA-OWN-NAMESPACE: <reason>}" in err


def test_dynamodb_namespaces_are_the_table_and_its_leading_keys():
    views = views_of(synth(two_pipelines(None, None, "dynamodb")), ["news-encoder_control", "clicks_control"])
    assert views["news-encoder_control"].writes == (f"{TABLE}/news-encoder/control/*",)
    assert views["news-encoder_control"].other_writes["clicks_control"] == (f"{TABLE}/clicks/control/*",)
    assert findings(two_pipelines(None, None, "dynamodb")) == {}
    shared = findings(two_pipelines(sink="dynamodb"))
    assert set(shared) == {
        ("DATA-OWN-NAMESPACE", "news-encoder/control", "pipelines.news-encoder.output"),
        ("DATA-OWN-NAMESPACE", "clicks/control", "pipelines.clicks.output"),
    }


def two_environments(**prd_output: str) -> dict:
    """dev and prd (two accounts) of news-encoder, writing the features bucket; prd's output overridden by
    `prd_output` (e.g. prefix)."""
    data = default_data()
    data["pipelines"]["news-encoder"]["output"] = {"s3": {"bucket_arn": BUCKET}}
    data["environments"] = {
        "dev": {"assume_role_arn": "arn:aws:iam::111111111111:role/deploy"},
        "prd": {
            "assume_role_arn": "arn:aws:iam::333333333333:role/deploy",
            "pipelines": {"news-encoder": {"output": {"s3": prd_output}}} if prd_output else {},
        },
    }
    return data


def test_environments_writing_one_namespace_are_refused_in_each_stack(tmp_path, capsys):
    """A bucket's name is global: dev's control would overwrite prd's features (and each dev variant prd's)."""
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(two_environments()))
    assert main(["validate", "--config", str(config)]) == 2
    lines = [line.strip() for line in capsys.readouterr().err.splitlines() if "DATA-OWN-NAMESPACE" in line]
    assert len(lines) == 4  # control and treatment, in each stack
    assert (
        f"pipelines.news-encoder.output: [DATA-OWN-NAMESPACE] writes {BUCKET}/news-encoder/control/*, which "
        f"news-encoder/control of stack 'prd' also writes ({BUCKET}/news-encoder/control/*): the environments "
        "overwrite each other's features; give each environment its own namespace "
        "(`environments.<name>.pipelines.<pipeline>.output.s3.prefix` or `.dynamodb.prefix`) (in stack dev); "
        "or waive it: waivers: {DATA-OWN-NAMESPACE: <reason>}"
    ) in lines
    assert not any("of stack 'dev'" in line and "(in stack dev)" in line for line in lines)


def test_an_environment_with_its_own_prefix_writes_its_own_namespace(tmp_path):
    config = tmp_path / "pipelines.yaml"
    config.write_text(to_yaml(two_environments(prefix="prd/news-encoder")))
    assert main(["validate", "--config", str(config)]) == 0
