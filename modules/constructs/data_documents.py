"""Pure builders of a variant's data policies: who may send to its queue, what its task role may do with
its input and output (grants by use, as AWS CDK's `grantConsumeMessages`, `StreamConsumer.grantRead` and
`grantPut`).

Free of cdktf, so the policy rules and the tests read exactly what is deployed; values may hold
Terraform references to the variant's own resources.
"""

from __future__ import annotations

from ..config.arns import service_host
from ..config.data import DynamoDbOutput, S3Output
from .documents import Document
from .props import VariantDataProps

#: What consuming a queue needs (AWS CDK's `grantConsumeMessages`), nothing more.
CONSUME_ACTIONS = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
    "sqs:ReceiveMessage",
)
#: What an enhanced fan-out reader needs of the stream: find its shards (KCL and SDK readers list them).
STREAM_READ_ACTIONS = ("kinesis:DescribeStreamSummary", "kinesis:ListShards")
#: What it needs of its own consumer: check it is active, and subscribe to each shard through it.
CONSUMER_READ_ACTIONS = ("kinesis:DescribeStreamConsumer", "kinesis:SubscribeToShard")
#: What writing objects needs: put them, and abort a multipart upload left unfinished.
WRITE_ACTIONS = ("s3:AbortMultipartUpload", "s3:PutObject")
#: What writing items needs (AWS CDK's `grantWriteData` without DeleteItem and DescribeTable).
WRITE_ITEM_ACTIONS = ("dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
#: SSE-KMS: a put needs a data key, completing a multipart upload decrypts it.
WRITE_KMS_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


def queue_policy(queue_arn: str, topic_arn: str) -> Document:
    """Only the pipeline's topic may send to the variant's queue (SNS, with `aws:SourceArn` the topic)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TopicOnly",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }
        ],
    }


def redrive_policy(dead_letter_arn: str, max_receive_count: int) -> Document:
    """After `max_receive_count` receives, SQS moves a message to the dead-letter queue."""
    return {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": max_receive_count}


def output_resource(props: VariantDataProps) -> str:
    """The objects the variant may write: `<bucket ARN>/<prefix>/<variant>/*`."""
    assert isinstance(props.output, S3Output)
    return f"{props.output.bucket_arn}/{props.output_prefix}*"


def _table_write(props: VariantDataProps) -> Document:
    """Write items of the table whose partition keys all start with `<prefix>/<variant>/` (`dynamodb:LeadingKeys`;
    every write request names its items' keys, so the condition always has values to judge)."""
    assert isinstance(props.output, DynamoDbOutput)
    return {
        "Sid": "OutputWrite",
        "Effect": "Allow",
        "Action": list(WRITE_ITEM_ACTIONS),
        "Resource": props.output.table_arn,
        "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"{props.output_prefix}*"]}},
    }


def _input_statements(props: VariantDataProps, input_arn: str) -> list[Document]:
    assert props.input is not None
    if (queue := props.input.sns or props.input.sqs) is not None:
        statements: list[Document] = [
            {"Sid": "InputConsume", "Effect": "Allow", "Action": list(CONSUME_ACTIONS), "Resource": input_arn}
        ]
        if key := queue.kms_key_arn:
            statements.append({"Sid": "InputKms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})
        return statements
    assert props.input.kinesis is not None
    stream = props.input.kinesis.stream_arn
    statements = [
        {"Sid": "InputStream", "Effect": "Allow", "Action": list(STREAM_READ_ACTIONS), "Resource": stream},
        {"Sid": "InputConsumer", "Effect": "Allow", "Action": list(CONSUMER_READ_ACTIONS), "Resource": input_arn},
    ]
    if key := props.input.kinesis.kms_key_arn:
        statements.append(
            {
                "Sid": "InputKms",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key,
                "Condition": {"StringEquals": {"kms:ViaService": service_host("kinesis", key)}},
            }
        )
    return statements


def data_task_role_policy(props: VariantDataProps, input_arn: str | None) -> Document:
    """The task role's grants by use: consume its own queue or read the stream through its own consumer
    (`input_arn`, with `input`) and decrypt with the input's key; put objects under its own namespace (with
    `output`) and use the bucket's key only through S3."""
    statements: list[Document] = []
    if props.input is not None and input_arn is not None:
        statements += _input_statements(props, input_arn)
    if isinstance(props.output, DynamoDbOutput):
        statements.append(_table_write(props))
    if isinstance(props.output, S3Output):
        statements.append(
            {"Sid": "OutputWrite", "Effect": "Allow", "Action": list(WRITE_ACTIONS), "Resource": output_resource(props)}
        )
        if key := props.output.kms_key_arn:
            statements.append(
                {
                    "Sid": "OutputKms",
                    "Effect": "Allow",
                    "Action": list(WRITE_KMS_ACTIONS),
                    "Resource": key,
                    "Condition": {"StringEquals": {"kms:ViaService": service_host("s3", key)}},
                }
            )
    return {"Version": "2012-10-17", "Statement": statements}
