"""VariantData: each variant's own queue fanned out from the topic, grants by use, and where the container reads
and writes (what Terraform receives)."""

import json

import pytest

from tests.helpers import default_data, resources_of, synth

TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:news-articles"
BUCKET = "arn:aws:s3:::features"
KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
CONSUME = [
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
]


def isolated(input_=None, output=None):
    data = default_data()
    pipeline = data["pipelines"]["news-encoder"]
    pipeline["input"] = {"sns": {"topic_arn": TOPIC, **(input_ or {})}}
    pipeline["output"] = {"s3": {"bucket_arn": BUCKET, **(output or {})}}
    return data


@pytest.fixture(scope="module")
def stack():
    return synth(isolated())


def grants(stack, variant):
    return json.loads(stack["resource"]["aws_iam_role_policy"][f"news-encoder_{variant}_task_data"]["policy"])


def environment(stack, variant):
    (main,) = json.loads(
        stack["resource"]["aws_ecs_task_definition"][f"news-encoder_{variant}"]["container_definitions"]
    )
    return {item["name"]: item["value"] for item in main["environment"]}


def test_each_variant_gets_its_own_encrypted_queue_with_a_dead_letter_queue(stack):
    queues = stack["resource"]["aws_sqs_queue"]
    assert sorted(queues) == [
        f"news-encoder_{variant}_input{suffix}" for variant in ("control", "treatment") for suffix in ("", "_dlq")
    ]
    queue, dead_letter = queues["news-encoder_control_input"], queues["news-encoder_control_input_dlq"]
    assert queue["name"] == "feature-pipelines_news-encoder_control"
    assert dead_letter["name"] == "feature-pipelines_news-encoder_control_dlq"
    assert queue["sqs_managed_sse_enabled"] is True and dead_letter["sqs_managed_sse_enabled"] is True
    assert json.loads(queue["redrive_policy"]) == {
        "deadLetterTargetArn": "${aws_sqs_queue.news-encoder_control_input_dlq.arn}",
        "maxReceiveCount": 5,
    }
    assert (queue["visibility_timeout_seconds"], queue["message_retention_seconds"]) == (30, 4 * 86400)
    assert dead_letter["message_retention_seconds"] == 14 * 86400


def test_only_the_topic_may_send_and_it_delivers_raw(stack):
    policy = json.loads(stack["resource"]["aws_sqs_queue_policy"]["news-encoder_treatment_input"]["policy"])
    assert policy["Statement"] == [
        {
            "Sid": "TopicOnly",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": "${aws_sqs_queue.news-encoder_treatment_input.arn}",
            "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}},
        }
    ]
    subscription = stack["resource"]["aws_sns_topic_subscription"]["news-encoder_treatment_input"]
    assert subscription["topic_arn"] == TOPIC and subscription["protocol"] == "sqs"
    assert subscription["endpoint"] == "${aws_sqs_queue.news-encoder_treatment_input.arn}"
    assert subscription["raw_message_delivery"] is True
    assert subscription["depends_on"] == ["aws_sqs_queue_policy.news-encoder_treatment_input"]


def test_the_task_role_may_consume_its_own_queue_and_write_its_own_namespace_only(stack):
    for variant in ("control", "treatment"):
        assert grants(stack, variant)["Statement"] == [
            {
                "Sid": "InputConsume",
                "Effect": "Allow",
                "Action": CONSUME,
                "Resource": f"${{aws_sqs_queue.news-encoder_{variant}_input.arn}}",
            },
            {
                "Sid": "OutputWrite",
                "Effect": "Allow",
                "Action": ["s3:AbortMultipartUpload", "s3:PutObject"],
                "Resource": f"{BUCKET}/news-encoder/{variant}/*",
            },
        ]
    role_policy = stack["resource"]["aws_iam_role_policy"]["news-encoder_control_task_data"]
    assert role_policy["role"] == "${aws_iam_role.news-encoder_control_task.id}"


def test_customer_keys_encrypt_the_queues_and_are_granted_by_use():
    stack = synth(isolated({"kms_key_arn": KEY}, {"kms_key_arn": KEY, "prefix": "features/v1"}))
    queue = stack["resource"]["aws_sqs_queue"]["news-encoder_control_input_dlq"]
    assert queue["kms_master_key_id"] == KEY and "sqs_managed_sse_enabled" not in queue
    statements = {s["Sid"]: s for s in grants(stack, "control")["Statement"]}
    assert statements["InputKms"] == {"Sid": "InputKms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY}
    assert statements["OutputKms"]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert statements["OutputKms"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.ap-northeast-1.amazonaws.com"}
    }
    assert statements["OutputWrite"]["Resource"] == f"{BUCKET}/features/v1/control/*"


def test_the_main_container_is_told_where_it_reads_and_writes(stack):
    assert environment(stack, "treatment") == {
        "FEATURE_INPUT_QUEUE_URL": "${aws_sqs_queue.news-encoder_treatment_input.url}",
        "FEATURE_OUTPUT_BUCKET": "features",
        "FEATURE_OUTPUT_PREFIX": "news-encoder/treatment/",
        "FEATURE_OUTPUT_URI": "s3://features/news-encoder/treatment/",
        "MODEL_VERSION": "v2",
        "SOURCE_STREAM": "news-articles",
    }


def test_output_alone_creates_no_queue_and_grants_no_input():
    data = default_data()
    data["pipelines"]["news-encoder"]["output"] = {"s3": {"bucket_arn": BUCKET}}
    stack = synth(data)
    assert "aws_sqs_queue" not in stack["resource"]
    assert [s["Sid"] for s in grants(stack, "control")["Statement"]] == ["OutputWrite"]
    assert "FEATURE_INPUT_QUEUE_URL" not in environment(stack, "control")


def test_null_inherits_and_a_config_without_input_or_output_has_no_data_resources():
    data = isolated()
    data["pipelines"]["news-encoder"]["variants"]["treatment"].update(input=None, output=None)
    # `null` inherits: the treatment keeps its pipeline's blocks
    assert "news-encoder_treatment_input" in synth(data)["resource"]["aws_sqs_queue"]
    stack = synth(default_data())
    assert not {"aws_sqs_queue", "aws_sqs_queue_policy", "aws_sns_topic_subscription"} & set(stack["resource"])
    assert "news-encoder_control_task_data" not in stack["resource"]["aws_iam_role_policy"]


@pytest.mark.parametrize(
    "treatment",
    [
        {"input": {"sns": {"topic_arn": TOPIC, "visibility_timeout": 300, "max_receive_count": 3}}},
        {"output": {"s3": {"bucket_arn": BUCKET, "prefix": "other"}}},
        {"input": {"sns": {"topic_arn": TOPIC + "-v2", "kms_key_arn": KEY}}},
    ],
    ids=["queue-settings", "output-prefix", "topic-and-key"],
)
def test_changing_one_variants_data_leaves_the_other_byte_identical(stack, treatment):
    data = isolated()
    data["pipelines"]["news-encoder"]["variants"]["treatment"].update(treatment)
    before = json.dumps(resources_of(stack, "news-encoder_control"), sort_keys=True)
    assert json.dumps(resources_of(synth(data), "news-encoder_control"), sort_keys=True) == before


def test_sidecars_are_not_told():
    data = isolated()
    data["pipelines"]["news-encoder"]["sidecars"] = {
        "otel": {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}
    }
    definitions = json.loads(
        synth(data)["resource"]["aws_ecs_task_definition"]["news-encoder_control"]["container_definitions"]
    )
    assert all(not item["name"].startswith("FEATURE_") for item in definitions[1]["environment"])


STREAM = "arn:aws:kinesis:ap-northeast-1:123456789012:stream/news-clicks"


def test_a_kinesis_input_registers_one_consumer_per_variant_granted_through_it_only():
    data = default_data()
    data["pipelines"]["news-encoder"]["input"] = {"kinesis": {"stream_arn": STREAM, "kms_key_arn": KEY}}
    stack = synth(data)
    consumers = stack["resource"]["aws_kinesis_stream_consumer"]
    assert consumers == {
        f"news-encoder_{variant}_input": {"name": f"feature-pipelines_news-encoder_{variant}", "stream_arn": STREAM}
        for variant in ("control", "treatment")
    }
    assert "aws_sqs_queue" not in stack["resource"]
    consumer = "${aws_kinesis_stream_consumer.news-encoder_treatment_input.arn}"
    assert grants(stack, "treatment")["Statement"] == [
        {
            "Sid": "InputStream",
            "Effect": "Allow",
            "Action": ["kinesis:DescribeStreamSummary", "kinesis:ListShards"],
            "Resource": STREAM,
        },
        {
            "Sid": "InputConsumer",
            "Effect": "Allow",
            "Action": ["kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard"],
            "Resource": consumer,
        },
        {
            "Sid": "InputKms",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": KEY,
            "Condition": {"StringEquals": {"kms:ViaService": "kinesis.ap-northeast-1.amazonaws.com"}},
        },
    ]
    told = environment(stack, "treatment")
    assert (told["FEATURE_INPUT_STREAM_ARN"], told["FEATURE_INPUT_CONSUMER_ARN"]) == (STREAM, consumer)
    assert "FEATURE_INPUT_QUEUE_URL" not in told


def test_a_dynamodb_output_grants_writes_of_the_variants_own_partition_keys_only():
    data = default_data()
    table = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/features"
    data["pipelines"]["news-encoder"]["output"] = {"dynamodb": {"table_arn": table, "prefix": "v1"}}
    stack = synth(data)
    assert grants(stack, "control")["Statement"] == [
        {
            "Sid": "OutputWrite",
            "Effect": "Allow",
            "Action": ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            "Resource": table,
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["v1/control/*"]}},
        }
    ]
    told = environment(stack, "treatment")
    assert (told["FEATURE_OUTPUT_TABLE"], told["FEATURE_OUTPUT_KEY_PREFIX"]) == ("features", "v1/treatment/")
    assert "FEATURE_OUTPUT_URI" not in told


def test_an_existing_queue_per_variant_is_consumed_and_named_but_not_created():
    data = default_data()
    queue = "arn:aws:sqs:ap-northeast-1:123456789012:clicks-treatment"
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["input"] = {"sqs": {"queue_arn": queue}}
    stack = synth(data)
    assert "aws_sqs_queue" not in stack["resource"]
    assert grants(stack, "treatment")["Statement"] == [
        {"Sid": "InputConsume", "Effect": "Allow", "Action": CONSUME, "Resource": queue}
    ]
    told = environment(stack, "treatment")
    assert told["FEATURE_INPUT_QUEUE_URL"] == "https://sqs.ap-northeast-1.amazonaws.com/123456789012/clicks-treatment"
    assert "news-encoder_control_task_data" not in stack["resource"]["aws_iam_role_policy"]
