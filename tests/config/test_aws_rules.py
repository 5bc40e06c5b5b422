"""AWS's own rules (config/aws_rules.py): the registry, its generated table, and for every rule a config AWS
accepts and one it refuses, reported at the dotted path where the value is written."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest

from modules.config import aws_rules
from modules.config.aws_rules import AWS_RULES, AwsRule, Source, registry_problems
from tests.helpers import config_problems, default_data, load_all

Data = dict[str, Any]
PIPELINE = "pipelines.news-encoder"
CONTROL = f"{PIPELINE}.variants.control"
TOKYO_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:alerts"
VIRGINIA_TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts"
KEY = "arn:aws:kms:{}:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def _control(data: Data) -> Data:
    return data["pipelines"]["news-encoder"]["variants"]["control"]


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A change of the default config: `value` at dotted `path` (`pipelines.news-encoder.cpu`)."""

    def change(data: Data) -> None:
        *parents, key = [part.replace("~", ".") for part in path.split(".")]
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[key] = value

    return change


def _both(*changes: Callable[[Data], None]) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        for one in changes:
            one(data)

    return change


@dataclasses.dataclass(frozen=True)
class Example:
    """A config AWS accepts (`compliant`) and one it refuses (`refused`), and the problem refused."""

    compliant: Callable[[Data], None]
    refused: Callable[[Data], None]
    path: str
    fragment: str


SIDECAR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1"


def _secrets(prefix: str, count: int) -> dict[str, str]:
    """`count` distinct Secrets Manager secrets, named <PREFIX>000...."""
    base = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:"
    return {f"{prefix.upper()}{i:03d}": f"{base}{prefix}-{i:03d}-AbCdEf" for i in range(count)}


def _scaling(**keys: Any) -> Data:
    return {"min": 1, "max": 4, **keys}


def _schedules(count: int) -> Data:
    return {f"s{i}": {"schedule": "rate(1 day)", "min": 1} for i in range(count)}


def _steps(count: int) -> Data:
    return {"source": "sqs", "queue_name": "jobs", "scale_out": [{"at_least": i + 1, "add": 1} for i in range(count)]}


def _variants(count: int) -> Callable[[Data], None]:
    """The pipeline with `count` variants (each observed, none scaling: two lines each on a graph)."""

    def change(data: Data) -> None:
        pipeline = data["pipelines"]["news-encoder"]
        pipeline["image_tag"] = "2026-11-01"
        pipeline["variants"] = {f"v{i}": {} for i in range(count)}

    return change


ARM = _set(f"{CONTROL}.architecture", "arm64")
#: Per rule id: the compliant and non-compliant configs (changes of the default config).
EXAMPLES: dict[str, Example] = {
    "fargate-spot-x86-only": Example(
        _both(_set(f"{CONTROL}.fargate_spot_weight", 1)),
        _both(ARM, _set(f"{CONTROL}.fargate_spot_weight", 1)),
        f"{CONTROL}.fargate_spot_weight",
        "Fargate Spot runs only x86_64 tasks and this variant is arm64",
    ),
    "alarm-topic-same-region": Example(
        _set("observability.alarm_topic_arns", [TOKYO_TOPIC]),
        _set("observability.alarm_topic_arns", [TOKYO_TOPIC, VIRGINIA_TOPIC]),
        "observability.alarm_topic_arns[1]",
        "a topic of region us-east-1: CloudWatch alarms and EventBridge rules notify only topics of their own "
        "region; use a topic in the stack's region ap-northeast-1",
    ),
    "log-kms-key-same-region": Example(
        _set(f"{PIPELINE}.log_kms_key_arn", KEY.format("ap-northeast-1")),
        _set(f"{PIPELINE}.log_kms_key_arn", KEY.format("us-east-1")),
        f"{PIPELINE}.log_kms_key_arn",
        "the key must be in the stack's region ap-northeast-1",
    ),
    "arns-in-stack-partition": Example(
        _set(f"{PIPELINE}.task_role_policy_arns", ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]),
        _set(f"{PIPELINE}.task_role_policy_arns", ["arn:aws-cn:iam::aws:policy/AmazonSQSReadOnlyAccess"]),
        f"{PIPELINE}.task_role_policy_arns[0]",
        "in another partition than the stack's aws (region ap-northeast-1): use an ARN of aws",
    ),
    "fargate-task-size": Example(
        _both(_set(f"{CONTROL}.cpu", 2), _set(f"{CONTROL}.memory", 16)),
        _both(_set(f"{CONTROL}.cpu", 2), _set(f"{CONTROL}.memory", 17)),
        f"{CONTROL}.memory",
        "does not fit cpu 2: use 4-16 GiB in steps of 1",
    ),
    "fargate-ephemeral-storage": Example(
        _set(f"{CONTROL}.ephemeral_storage", 200),
        _set(f"{CONTROL}.ephemeral_storage", 201),
        f"{CONTROL}.ephemeral_storage",
        "less than or equal to 200",
    ),
    "fargate-stop-timeout": Example(
        _set(f"{CONTROL}.stop_timeout", 120),
        _set(f"{CONTROL}.stop_timeout", 121),
        f"{CONTROL}.stop_timeout",
        "less than or equal to 120",
    ),
    "tag-reserved-prefix": Example(
        _set("tags.awsome", "aws-team"),
        _set("tags.owner", "AWS:team"),
        "tags.owner",
        "the aws: prefix is reserved for AWS's own tags",
    ),
    "tags-per-resource": Example(
        _both(  # 40 + 8 + the pipeline and variant tags: 50
            _set("tags", {f"t{i}": "x" for i in range(40)}),
            _set(f"{CONTROL}.tags", {f"v{i}": "x" for i in range(8)}),
        ),
        _both(
            _set("tags", {f"t{i}": "x" for i in range(40)}),
            _set(f"{CONTROL}.tags", {f"v{i}": "x" for i in range(9)}),
        ),
        f"{CONTROL}.tags",
        "over 50 tags on a resource",
    ),
    "subnets-at-most-16": Example(
        _set("network.subnet_ids", [f"subnet-0a1b2c3d4e5f600{i:02d}" for i in range(16)]),
        _set("network.subnet_ids", [f"subnet-0a1b2c3d4e5f600{i:02d}" for i in range(17)]),
        "network.subnet_ids",
        "at most 16 items",
    ),
    "execution-role-policy-size": Example(
        _set(f"{CONTROL}.secrets", _secrets("a", 99)),
        _both(
            _set(f"{CONTROL}.secrets", _secrets("a", 99)),
            _set(f"{CONTROL}.sidecars", {"agent": {"image": SIDECAR_IMAGE, "secrets": _secrets("b", 60)}}),
        ),
        f"{CONTROL}.secrets",
        "over IAM's 10,240 per role",
    ),
    "task-definition-size": Example(
        _set(f"{CONTROL}.environment", {"BIG1": "x" * 32_000, "BIG2": "x" * 32_000}),
        _set(f"{CONTROL}.environment", {"BIG1": "x" * 32_000, "BIG2": "x" * 32_000, "BIG3": "x" * 2_000}),
        f"{CONTROL}.environment",
        "over ECS's 65,536",
    ),
    "dashboard-graph-lines-at-most-100": Example(
        _variants(50),
        _variants(51),
        f"{PIPELINE}.variants",
        "a graph of the pipeline's dashboard would have 102 lines (every variant's), over CloudWatch's 100",
    ),
    "containers-per-task-at-most-10": Example(
        _set(f"{CONTROL}.sidecars", {f"s{i}": {"image": SIDECAR_IMAGE} for i in range(9)}),
        _set(f"{CONTROL}.sidecars", {f"s{i}": {"image": SIDECAR_IMAGE} for i in range(10)}),
        f"{CONTROL}.sidecars",
        "at most 9 items",
    ),
    "log-retention-values": Example(
        _set(f"{CONTROL}.log_retention_days", 400),
        _set(f"{CONTROL}.log_retention_days", 401),
        f"{CONTROL}.log_retention_days",
        "CloudWatch accepts 1, 3, 5",
    ),
    "health-check-ranges": Example(
        _set(f"{CONTROL}.health_check", {"command": ["CMD-SHELL", "true"], "interval": 300}),
        _set(f"{CONTROL}.health_check", {"command": ["CMD-SHELL", "true"], "interval": 301}),
        f"{CONTROL}.health_check.interval",
        "less than or equal to 300",
    ),
    "ulimit-names": Example(
        _set(f"{CONTROL}.ulimits", {"nofile": {"soft": 4096, "hard": 4096}}),
        _set(f"{CONTROL}.ulimits", {"files": {"soft": 4096, "hard": 4096}}),
        f"{CONTROL}.ulimits.files",
        "Input should be 'core'",
    ),
    "capacity-weight-above-zero": Example(
        _both(_set(f"{CONTROL}.fargate_weight", 0), _set(f"{CONTROL}.fargate_spot_weight", 1)),
        _both(_set(f"{CONTROL}.fargate_weight", 0), _set(f"{CONTROL}.fargate_spot_weight", 0)),
        f"{CONTROL}.fargate_spot_weight",
        "fargate_weight and fargate_spot_weight are both 0",
    ),
    "deployment-can-progress": Example(
        _set(f"{CONTROL}.deployment", {"minimum_healthy_percent": 0, "maximum_percent": 100}),
        _set(f"{CONTROL}.deployment", {"minimum_healthy_percent": 100, "maximum_percent": 100}),
        f"{CONTROL}.deployment.maximum_percent",
        "ECS can neither start nor stop a task at 1 desired task(s)",
    ),
    "alarm-actions-at-most-5": Example(
        _set("observability.alarm_topic_arns", [f"{TOKYO_TOPIC}{i}" for i in range(5)]),
        _set("observability.alarm_topic_arns", [f"{TOKYO_TOPIC}{i}" for i in range(6)]),
        "observability.alarm_topic_arns",
        "at most 5 items",
    ),
    "alarm-evaluation-within-a-day": Example(
        _set("observability.saturation_minutes", 1440),
        _set("observability.saturation_minutes", 1441),
        "observability.saturation_minutes",
        "less than or equal to 1440",
    ),
    "scheduled-actions-at-most-200": Example(
        _set(f"{CONTROL}.autoscaling", _scaling(schedules=_schedules(200))),
        _set(f"{CONTROL}.autoscaling", _scaling(schedules=_schedules(201))),
        f"{CONTROL}.autoscaling.schedules",
        "at most 200 items",
    ),
    "step-adjustments-at-most-20": Example(
        _set(f"{CONTROL}.autoscaling", _scaling(steps=_steps(20))),
        _set(f"{CONTROL}.autoscaling", _scaling(steps=_steps(21))),
        f"{CONTROL}.autoscaling.steps.scale_out",
        "at most 20 items",
    ),
    "alarm-name-characters": Example(
        _set(f"{CONTROL}.deployment", {"extra_alarm_names": ["payments / p99 latency"]}),
        _set(f"{CONTROL}.deployment", {"extra_alarm_names": ["payments\tlatency"]}),
        f"{CONTROL}.deployment.extra_alarm_names[0]",
        "does not match",
    ),
    "security-group-rule-description": Example(
        _set("network.egress", [{"port": 443, "description": "HTTPS (AWS APIs) #1"}]),
        _set("network.egress", [{"port": 443, "description": "HTTPS <AWS APIs>"}]),
        "network.egress[0].description",
        "what EC2 accepts",
    ),
    "iam-tag-characters": Example(
        _set("tags.owner", "ml platform / feature-team@example.com"),
        _set("tags.owner", "ml platform | feature team"),
        "tags.owner",
        "not allowed in a tag",
    ),
}


def test_the_registry_is_well_formed():
    assert registry_problems() == []


def test_the_registry_check_finds_what_is_missing():
    source = Source("https://example.com", "it says so")
    good = AwsRule("a-rule", "A rule", ("cpu",), (source,), enforced_by="model")
    assert registry_problems([good]) == []
    assert registry_problems([good, good]) == ["a-rule: registered twice"]
    bad = [
        dataclasses.replace(good, id="Bad_Id"),
        dataclasses.replace(good, id="no-keys", keys=()),
        dataclasses.replace(good, id="no-quote", sources=(Source("https://example.com", ""),)),
        dataclasses.replace(good, id="plain-http", sources=(Source("http://example.com", "q"),)),
        dataclasses.replace(good, id="nowhere", enforced_by=""),
        dataclasses.replace(good, id="twice", check=lambda subject: []),
    ]
    assert [problem.split(":")[0] for problem in registry_problems(bad)] == [
        "Bad_Id",
        "no-keys",
        "no-quote",
        "plain-http",
        "nowhere",
        "twice",
    ]


def _table_ids() -> list[str]:
    generated = aws_rules.generated_part(aws_rules.DOCUMENT.read_text())
    return re.findall(r"^\| `([a-z0-9-]+)` \|", generated, flags=re.MULTILINE)


def test_the_docs_table_is_what_the_registry_generates():
    fix = "docs/aws-rules.md is out of date: run `python -m modules.config.reference --write`"
    assert aws_rules.generated_part(aws_rules.DOCUMENT.read_text()) == aws_rules.render(), fix


def test_every_rule_is_in_the_table_and_every_row_has_examples():
    assert _table_ids() == [rule.id for rule in AWS_RULES]
    assert sorted(EXAMPLES) == sorted(_table_ids())


@pytest.mark.parametrize("rule_id", [rule.id for rule in AWS_RULES])
def test_every_rule_accepts_a_compliant_config_and_refuses_a_non_compliant_one(rule_id):
    example = EXAMPLES[rule_id]
    compliant, refused = default_data(), default_data()
    example.compliant(compliant)
    example.refused(refused)
    assert load_all(compliant)
    problems = config_problems(refused)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{example.path}: "), problems
    assert example.fragment in problems[0]


def test_an_arm_variant_inheriting_the_pipelines_spot_weight_is_refused_at_the_variant():
    data = default_data()
    data["pipelines"]["news-encoder"]["fargate_spot_weight"] = 2
    _control(data)["architecture"] = "arm64"
    assert config_problems(data) == [
        f"{CONTROL}.fargate_spot_weight: Fargate Spot runs only x86_64 tasks and this variant is arm64: set "
        "fargate_spot_weight to 0 here (with fargate_weight above 0), or architecture to x86_64 (got 2)"
    ]


def test_a_pipeline_on_arm_with_spot_is_refused_once_at_the_pipeline():
    data = default_data()
    data["pipelines"]["news-encoder"].update(architecture="arm64", fargate_spot_weight=1)
    (problem,) = config_problems(data)
    assert problem.startswith(f"{PIPELINE}.fargate_spot_weight: ")


def test_an_on_demand_floor_does_not_make_spot_possible_on_arm():
    """`fargate_base` places the first tasks on FARGATE, but the rest still go to FARGATE_SPOT by weight."""
    data = default_data()
    _control(data).update(architecture="arm64", fargate_spot_weight=1, fargate_base=1, desired_count=1)
    (problem,) = config_problems(data)
    assert problem.startswith(f"{CONTROL}.fargate_spot_weight: ")
    _control(data)["fargate_spot_weight"] = 0
    assert load_all(data)


def test_an_environment_that_moves_a_variant_to_arm_is_refused_in_that_environment():
    """Reported at the variant's weight (the environment wrote the architecture), naming the environment."""
    data = default_data()
    data["pipelines"]["news-encoder"]["fargate_spot_weight"] = 1
    data["environments"] = {
        "dev": None,
        "prd": {"pipelines": {"news-encoder": {"variants": {"control": {"architecture": "arm64"}}}}},
    }
    assert config_problems(data) == [
        f"{CONTROL}.fargate_spot_weight: Fargate Spot runs only x86_64 tasks and this variant is arm64: set "
        "fargate_spot_weight to 0 here (with fargate_weight above 0), or architecture to x86_64 (in environment "
        "prd) (got 1)"
    ]
    data["environments"]["prd"]["pipelines"]["news-encoder"]["variants"]["control"]["fargate_spot_weight"] = 3
    (problem,) = config_problems(data)
    assert problem.startswith(f"environments.prd.{CONTROL}.fargate_spot_weight: ")


def test_each_environment_checks_topics_against_its_own_region():
    data = default_data()
    data["observability"] = {"alarm_topic_arns": [TOKYO_TOPIC]}
    data["environments"] = {"tokyo": None, "virginia": {"region": "us-east-1"}}
    (problem,) = config_problems(data)
    assert problem.startswith("observability.alarm_topic_arns[0]: a topic of region ap-northeast-1")
    assert problem.endswith("(in environment virginia) (got 'arn:aws:sns:ap-northeast-1:123456789012:alerts')")
    data["environments"]["virginia"]["observability"] = {"alarm_topic_arns": [VIRGINIA_TOPIC]}
    assert [d.region for d in load_all(data)] == ["ap-northeast-1", "us-east-1"]


def test_a_variants_own_topic_is_reported_where_it_is_written():
    data = default_data()
    _control(data)["observability"] = {"alarm_topic_arns": [VIRGINIA_TOPIC]}
    (problem,) = config_problems(data)
    assert problem.startswith(f"{CONTROL}.observability.alarm_topic_arns[0]: a topic of region us-east-1")


def test_no_alarms_no_topic_rule():
    data = default_data()
    data["observability"] = {"alarm_topic_arns": [VIRGINIA_TOPIC], "enabled": False}
    assert load_all(data)


def test_a_topic_of_another_partition_is_reported_once_as_such():
    data = default_data()
    data["observability"] = {"alarm_topic_arns": ["arn:aws-cn:sns:cn-north-1:123456789012:alerts"]}
    (problem,) = config_problems(data)
    assert "the topic must be in the stack's partition aws" in problem


def test_with_a_schema_error_elsewhere_topics_are_still_checked_against_the_real_region():
    data = default_data()
    data["region"] = "cn-north-1"
    data["pipelines"]["news-encoder"]["repository_arn"] = "arn:aws-cn:ecr:cn-north-1:123456789012:repository/r"
    data["pipelines"]["news-encoder"]["observability"] = {
        "alarm_topic_arns": ["arn:aws-cn:sns:cn-north-1:123456789012:alerts"]
    }
    data["pipelines"]["news-encoder"]["secrets"] = {}
    _control(data)["typo"] = 1
    problems = config_problems(data)
    assert [problem.split(":")[0] for problem in problems] == [f"{CONTROL}.typo"], problems


def test_with_an_invalid_region_no_rule_compares_with_it():
    data = default_data()
    data["region"] = "nowhere"
    data["pipelines"]["news-encoder"]["log_kms_key_arn"] = KEY.format("us-east-1")
    assert [problem.split(":")[0] for problem in config_problems(data)] == ["region"]


def test_the_exec_audit_logs_key_is_checked_once_a_variant_uses_exec():
    data = default_data()
    data["cluster"] = {"exec_logging": {"log_kms_key_arn": KEY.format("us-east-1")}}
    assert load_all(data)  # no variant uses ECS Exec: the exec log group is not created
    _control(data)["exec"] = {"enabled": True}
    assert config_problems(data) == [
        "cluster.exec_logging.log_kms_key_arn: the key must be in the stack's region ap-northeast-1 "
        f"(got '{KEY.format('us-east-1')}')"
    ]


def test_a_top_level_topic_shared_by_two_pipelines_is_reported_once():
    data = default_data()
    data["pipelines"]["other"] = data["pipelines"]["news-encoder"]
    data["observability"] = {"alarm_topic_arns": [VIRGINIA_TOPIC]}
    assert [problem.split(":")[0] for problem in config_problems(data)] == ["observability.alarm_topic_arns[0]"]


def test_keys_of_one_json_secret_share_one_grant_in_the_size_check():
    """Many keys of one JSON secret are one resource ARN: 200 references of two secrets fit the policy."""
    data = default_data()
    secret = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:features-AbCdEf"
    _control(data)["secrets"] = {f"K{i:03d}": f"{secret}:key{i}::" for i in range(99)}
    _control(data)["sidecars"] = {
        "agent": {"image": SIDECAR_IMAGE, "secrets": {f"S{i:03d}": f"{secret}:s{i}::" for i in range(99)}}
    }
    assert load_all(data)


def test_every_arn_outside_the_stacks_partition_is_reported_where_it_is_written():
    data = default_data()
    china = "arn:aws-cn:{}:cn-north-1:123456789012:{}"
    pipeline = data["pipelines"]["news-encoder"]
    pipeline["repository_arn"] = china.format("ecr", "repository/news-encoder")
    pipeline["log_kms_key_arn"] = china.format("kms", "key/0a1b2c3d-4e5f-6789-abcd-ef0123456789")
    _control(data)["secrets"] = {"TOKEN": china.format("secretsmanager", "secret:token-AbCdEf")}
    _control(data)["sidecars"] = {
        "agent": {"repository_arn": china.format("ecr", "repository/agent"), "image_tag": "v1"}
    }
    assert [problem.split(":")[0] for problem in config_problems(data)] == [
        f"{PIPELINE}.repository_arn",
        f"{CONTROL}.secrets.TOKEN",
        f"{PIPELINE}.log_kms_key_arn",
        f"{CONTROL}.sidecars.agent.repository_arn",
    ], "each once: a key in another partition is not also reported as in another region"
