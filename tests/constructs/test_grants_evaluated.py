"""Grants by use under IAM policy evaluation with conditions (tests/constructs/iam_simulator.py): each variant's
task role reaches its own input and output namespace and nothing of the other variant's, including what only a
condition keeps apart (`dynamodb:LeadingKeys`, `kms:ViaService`). The e2e tier proves resource scoping against
moto's IAM enforcement (tests/terraform/moto_grants.py), which ignores conditions; this evaluates them."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from tests.constructs import iam_simulator
from tests.constructs.iam_simulator import Request, evaluate, role_policies
from tests.helpers import ROOT, synth
from tests.terraform.conftest import skip_or_fail

ACCOUNT = "123456789012"
REGION = "ap-northeast-1"
ALLOWED = "Allowed"
DENIED = "ImplicitlyDenied"
BUCKET = "arn:aws:s3:::ab-data-features"
OUTPUT_KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/3e4f5061-7283-4d9e-8f0a-1b2c3d4e5f60"
TABLE = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/click-features"
SECRETS_KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"
OTHER = {"control": "treatment", "treatment": "control"}


@pytest.fixture(scope="module", autouse=True)
def simulator() -> None:
    reason = iam_simulator.unavailable_reason()
    if reason:
        skip_or_fail(f"IAM policy evaluation cannot run: {reason}")


def example(name: str) -> dict[str, Any]:
    return synth(yaml.safe_load((ROOT / "examples" / name).read_text()))


@pytest.fixture(scope="module")
def ab_data() -> dict[str, Any]:
    return example("ab-data.yaml")


def task(stack: dict[str, Any], pipeline: str, variant: str) -> list[dict[str, Any]]:
    return role_policies(stack, f"{pipeline}_{variant}_task", account=ACCOUNT)


def decide(cases: list[tuple[Request, str]]) -> list[tuple[str, str, Any, str, str]]:
    """The cases whose decision is not the expected one (empty when every one is)."""
    results = evaluate([request for request, _ in cases])
    return [
        (request.action, request.resource, request.context, expected, got)
        for (request, expected), got in zip(cases, results, strict=True)
        if got != expected
    ]


def queue(variant: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:ab-data_news-encoder_{variant}"


def consumer(variant: str) -> str:
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/news-clicks/consumer/ab-data_click-ranker_{variant}:1767225600"


@pytest.mark.parametrize("variant", ["control", "treatment"])
def test_a_sqs_reader_consumes_its_own_queue_and_writes_only_its_own_prefix(ab_data, variant):
    policies = task(ab_data, "news-encoder", variant)
    other = OTHER[variant]

    def request(action: str, resource: str, **context: str) -> Request:
        return Request(policies, action, resource, ACCOUNT, context)

    assert not decide(
        [
            (request("sqs:ReceiveMessage", queue(variant)), ALLOWED),
            (request("sqs:DeleteMessage", queue(variant)), ALLOWED),
            (request("sqs:ReceiveMessage", queue(other)), DENIED),
            (request("sqs:SendMessage", queue(variant)), DENIED),
            (request("s3:PutObject", f"{BUCKET}/news-encoder/{variant}/2026/12/08/a.parquet"), ALLOWED),
            (request("s3:PutObject", f"{BUCKET}/news-encoder/{other}/2026/12/08/a.parquet"), DENIED),
            (request("s3:PutObject", f"{BUCKET}/news-encoder/{variant}-old/a.parquet"), DENIED),
            (request("s3:GetObject", f"{BUCKET}/news-encoder/{variant}/a.parquet"), DENIED),
            (request("s3:DeleteObject", f"{BUCKET}/news-encoder/{variant}/a.parquet"), DENIED),
            (request("kms:GenerateDataKey", OUTPUT_KEY, **{"kms:ViaService": f"s3.{REGION}.amazonaws.com"}), ALLOWED),
            (request("kms:Decrypt", OUTPUT_KEY, **{"kms:ViaService": f"s3.{REGION}.amazonaws.com"}), ALLOWED),
            (request("kms:Decrypt", OUTPUT_KEY), DENIED),
            (request("kms:Decrypt", OUTPUT_KEY, **{"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}), DENIED),
            (request("kms:Decrypt", OUTPUT_KEY, **{"kms:ViaService": "s3.us-east-1.amazonaws.com"}), DENIED),
        ]
    )


@pytest.mark.parametrize("variant", ["control", "treatment"])
def test_a_kinesis_reader_reads_through_its_own_consumer_and_writes_only_its_own_partition_keys(ab_data, variant):
    policies = task(ab_data, "click-ranker", variant)
    other = OTHER[variant]

    def request(action: str, resource: str, **context: str | list[str]) -> Request:
        return Request(policies, action, resource, ACCOUNT, context)

    def keys(*owners: str) -> dict[str, list[str]]:
        return {"dynamodb:LeadingKeys": [f"click-ranker/{owner}/article-{n}" for n, owner in enumerate(owners)]}

    assert not decide(
        [
            (request("kinesis:SubscribeToShard", consumer(variant)), ALLOWED),
            (request("kinesis:SubscribeToShard", consumer(other)), DENIED),
            (request("kinesis:GetRecords", f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/news-clicks"), DENIED),
            (request("dynamodb:PutItem", TABLE, **keys(variant)), ALLOWED),
            (request("dynamodb:UpdateItem", TABLE, **keys(variant)), ALLOWED),
            (request("dynamodb:BatchWriteItem", TABLE, **keys(variant, variant)), ALLOWED),
            (request("dynamodb:PutItem", TABLE, **keys(other)), DENIED),
            (request("dynamodb:BatchWriteItem", TABLE, **keys(variant, other)), DENIED),
            (request("dynamodb:PutItem", TABLE, **{"dynamodb:LeadingKeys": ["click-ranker/"]}), DENIED),
            (request("dynamodb:PutItem", TABLE, **{"dynamodb:LeadingKeys": [f"news-encoder/{variant}/a"]}), DENIED),
            (request("dynamodb:DeleteItem", TABLE, **keys(variant)), DENIED),
            (request("dynamodb:GetItem", TABLE, **keys(variant)), DENIED),
        ]
    )


def test_without_its_condition_the_same_grant_would_reach_the_other_variants_items(ab_data):
    """The evaluation is sensitive to the condition: the control grant with `dynamodb:LeadingKeys` removed lets
    control write treatment's items, which the real grant does not (previous test)."""
    policies = copy.deepcopy(task(ab_data, "click-ranker", "control"))
    (statement,) = [s for p in policies for s in p["policy"]["Statement"] if "Condition" in s]
    del statement["Condition"]
    treatment_item = {"dynamodb:LeadingKeys": ["click-ranker/treatment/article-1"]}

    assert evaluate([Request(policies, "dynamodb:PutItem", TABLE, ACCOUNT, treatment_item)]) == [ALLOWED]


def test_the_execution_role_decrypts_secrets_only_through_secrets_manager_and_ssm():
    policies = role_policies(example("all-features.yaml"), "news-encoder_control_execution", account=ACCOUNT)

    def request(**context: str) -> Request:
        return Request(policies, "kms:Decrypt", SECRETS_KEY, ACCOUNT, context)

    assert not decide(
        [
            (request(**{"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}), ALLOWED),
            (request(**{"kms:ViaService": f"ssm.{REGION}.amazonaws.com"}), ALLOWED),
            (request(), DENIED),
            (request(**{"kms:ViaService": f"s3.{REGION}.amazonaws.com"}), DENIED),
        ]
    )
