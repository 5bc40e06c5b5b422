"""examples/ab-data.yaml on moto with the real Terraform and provider: apply; every message published to
the pipeline's topic reaches both variants' own queues (each a complete copy: no competing consumers),
each task definition names its own queue (or consumer, or table namespace), and each task role, called with IAM enforced
(tests/terraform/moto_grants.py), may consume its own queue and write its own namespace only; a re-plan
shows no changes; destroy leaves nothing.
Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT, to_yaml
from tests.terraform.conftest import skip_or_fail
from tests.terraform.cycles import applied, applied_containers
from tests.terraform.moto import E2E_PYTHON, MotoServer, point_at_moto, rebind, seed_spec
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

pytestmark = pytest.mark.e2e

CONFIG = ROOT / "examples" / "ab-data.yaml"
VARIANTS = ("control", "treatment")
STREAM = "arn:aws:kinesis:ap-northeast-1:123456789012:stream/news-clicks"
MESSAGES = [f"article-{index}" for index in range(5)]


@pytest.fixture(scope="module")
def proof(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the cycle saw: the queues and containers after apply, the fan-out, the re-plan, the state after destroy."""
    if not E2E_PYTHON.exists():
        skip_or_fail(f"no {E2E_PYTHON.relative_to(ROOT)} (moto): run `make e2e`")
    data = yaml.safe_load(CONFIG.read_text())
    workdir = tmp_path_factory.mktemp("e2e-data")
    server = MotoServer(workdir / "moto.log")
    try:
        (stack,) = synthesize_stacks(to_yaml(rebind(data, server.seed(seed_spec(data)))), workdir / "out").values()
        point_at_moto(stack, server.endpoint)

        def run(*args: str, expect: tuple[int, ...] = (0,)) -> Any:
            return terraform.run(stack, *args, "-input=false", "-no-color", expect=expect)

        run("init")
        run("apply", "-auto-approve")
        state = json.loads(terraform.run(stack, "show", "-json").stdout)
        queues = applied(state, "aws_sqs_queue")
        topic = data["pipelines"]["news-encoder"]["input"]["sns"]["topic_arn"]
        urls = {address.split(".")[1]: values["url"] for address, values in queues.items()}
        fanned = server.run(
            "tests.terraform.moto_fanout",
            {"region": data["region"], "topic_arn": topic, "messages": MESSAGES, "queues": urls},
        )
        roles = applied(state, "aws_iam_role")
        granted = server.run(
            "tests.terraform.moto_grants",
            {
                "region": data["region"],
                "roles": {v: roles[f"aws_iam_role.news-encoder_{v}_task"]["arn"] for v in VARIANTS},
                "queues": {v: urls[f"news-encoder_{v}_input"] for v in VARIANTS},
                "bucket": "ab-data-features",
                "prefixes": {v: f"news-encoder/{v}/" for v in VARIANTS},
            },
        )
        consumers = applied(state, "aws_kinesis_stream_consumer")
        granted_stream = server.run(
            "tests.terraform.moto_grants",
            {
                "region": data["region"],
                "roles": {v: roles[f"aws_iam_role.click-ranker_{v}_task"]["arn"] for v in VARIANTS},
                "stream_arn": STREAM,
                "consumers": {
                    v: consumers[f"aws_kinesis_stream_consumer.click-ranker_{v}_input"]["arn"] for v in VARIANTS
                },
            },
        )
        replan = run("plan", "-detailed-exitcode", expect=(0, 2))
        run("destroy", "-auto-approve")
        remaining = terraform.run(stack, "state", "list").stdout.split()
    finally:
        server.stop()
    return {
        "queues": queues,
        "containers": applied_containers(state),
        "subscriptions": applied(state, "aws_sns_topic_subscription"),
        "consumers": consumers,
        "granted_stream": granted_stream["calls"],
        "scaling": applied(state, "aws_appautoscaling_policy"),
        "role_policies": applied(state, "aws_iam_role_policy"),
        "fanned": fanned,
        "granted": granted["calls"],
        "replan": replan,
        "remaining": remaining,
    }


def test_every_message_reaches_each_variants_own_queue_whole(proof):
    received, left = proof["fanned"]["received"], proof["fanned"]["left"]
    for variant in ("control", "treatment"):
        assert sorted(received[f"news-encoder_{variant}_input"]) == MESSAGES  # raw: the body as published
        assert received[f"news-encoder_{variant}_input_dlq"] == []
    assert set(left.values()) == {0}


def test_each_task_definition_names_its_own_queue(proof):
    for variant in ("control", "treatment"):
        (main,) = proof["containers"][f"aws_ecs_task_definition.news-encoder_{variant}"]
        environment = {item["name"]: item["value"] for item in main["environment"]}
        queue = proof["queues"][f"aws_sqs_queue.news-encoder_{variant}_input"]
        assert environment["FEATURE_INPUT_QUEUE_URL"] == queue["url"]
        assert environment["FEATURE_OUTPUT_URI"] == f"s3://ab-data-features/news-encoder/{variant}/"
        assert queue["sqs_managed_sse_enabled"] is True
        assert json.loads(queue["redrive_policy"])["maxReceiveCount"] == 5
    subscriptions = proof["subscriptions"].values()
    assert {s["raw_message_delivery"] for s in subscriptions} == {True} and len(subscriptions) == 2


def test_each_task_role_reads_its_own_queue_and_writes_its_own_namespace_only(proof):
    """As each task role (assumed-role credentials), with moto's IAM enforcement on: its own queue and
    namespace are allowed, the other variant's are refused, and so is what no use needs."""
    for actor in VARIANTS:
        (other,) = set(VARIANTS) - {actor}
        assert proof["granted"][actor] == {
            f"sqs:ReceiveMessage {actor}": "allowed",
            f"s3:PutObject {actor}": "allowed",
            f"sqs:ReceiveMessage {other}": "AccessDenied",
            f"s3:PutObject {other}": "AccessDenied",
            "sqs:SendMessage own": "AccessDenied",
            "s3:GetObject own": "AccessDenied",
            "s3:PutObject outside": "AccessDenied",
        }


def test_each_kinesis_reader_has_its_own_consumer_and_scales_on_its_lag(proof):
    """click-ranker: one enhanced fan-out consumer per variant, registered on the stream, named in the
    variant's task definition and in its scaling policy's metric (the variant's own lag)."""
    arns = set()
    for variant in VARIANTS:
        consumer = proof["consumers"][f"aws_kinesis_stream_consumer.click-ranker_{variant}_input"]
        assert consumer["stream_arn"] == STREAM and consumer["name"] == f"ab-data_click-ranker_{variant}"
        arns.add(consumer["arn"])
        (main,) = proof["containers"][f"aws_ecs_task_definition.click-ranker_{variant}"]
        environment = {item["name"]: item["value"] for item in main["environment"]}
        assert (environment["FEATURE_INPUT_STREAM_ARN"], environment["FEATURE_INPUT_CONSUMER_ARN"]) == (
            STREAM,
            consumer["arn"],
        )
        assert "FEATURE_INPUT_QUEUE_URL" not in environment
        assert (environment["FEATURE_OUTPUT_TABLE"], environment["FEATURE_OUTPUT_KEY_PREFIX"]) == (
            "click-features",
            f"click-ranker/{variant}/",
        )
        (policy,) = [
            values
            for address, values in proof["scaling"].items()
            if address.startswith(f"aws_appautoscaling_policy.click-ranker_{variant}")
        ]
        (tracking,) = policy["target_tracking_scaling_policy_configuration"]
        (metric,) = tracking["customized_metric_specification"]
        assert metric["metric_name"] == "SubscribeToShardEvent.MillisBehindLatest"
        assert {d["name"]: d["value"] for d in metric["dimensions"]} == {
            "StreamName": "news-clicks",
            "ConsumerName": consumer["name"],
        }
    assert len(arns) == 2


def test_each_table_writer_may_write_only_its_own_partition_keys_as_applied(proof):
    """click-ranker's data policy as IAM returned it after apply: writes of the table conditioned on the
    variant's own leading keys (moto applies but does not evaluate conditions: docs/data-isolation.md)."""
    for variant in VARIANTS:
        policy = json.loads(proof["role_policies"][f"aws_iam_role_policy.click-ranker_{variant}_task_data"]["policy"])
        (write,) = [s for s in policy["Statement"] if s["Sid"] == "OutputWrite"]
        assert write["Resource"] == "arn:aws:dynamodb:ap-northeast-1:123456789012:table/click-features"
        assert write["Condition"] == {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"click-ranker/{variant}/*"]}
        }


def test_each_kinesis_readers_role_reads_through_its_own_consumer_only(proof):
    """As each click-ranker task role, IAM enforced (Kinesis calls judged on the consumer's or stream's ARN,
    moto_standins.kinesis_resource): its own consumer yes, the other's no, the stream without a consumer no."""
    for actor in VARIANTS:
        (other,) = set(VARIANTS) - {actor}
        assert proof["granted_stream"][actor] == {
            "kinesis:ListShards": "allowed",
            f"kinesis:DescribeStreamConsumer {actor}": "allowed",
            f"kinesis:DescribeStreamConsumer {other}": "AccessDenied",
            "kinesis:GetShardIterator": "AccessDenied",
        }


def test_the_plan_after_apply_shows_no_changes_and_destroy_leaves_nothing(proof):
    assert proof["replan"].returncode == 0, proof["replan"].stdout[-8000:]
    assert proof["remaining"] == []
