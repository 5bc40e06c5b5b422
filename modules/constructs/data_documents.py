"""Pure builders of a variant's data policies: who may send to its queue, what its task role may do with
its input and output (grants by use, as AWS CDK's `grantConsumeMessages` and `grantPut`).

Free of cdktf, so the policy rules and the tests read exactly what is deployed; values may hold
Terraform references to the variant's own resources.
"""

from __future__ import annotations

from ..config.arns import service_host
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
#: What writing objects needs: put them, and abort a multipart upload left unfinished.
WRITE_ACTIONS = ("s3:AbortMultipartUpload", "s3:PutObject")
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
    assert props.output is not None
    return f"{props.output.bucket_arn}/{props.output_prefix}*"


def data_task_role_policy(props: VariantDataProps, queue_arn: str | None) -> Document:
    """The task role's grants by use: consume its own queue (`queue_arn`, with `input`) and decrypt with the
    queues' key; put objects under its own namespace (with `output`) and use the bucket's key only through S3."""
    statements: list[Document] = []
    if props.input is not None and queue_arn is not None:
        statements.append(
            {"Sid": "InputConsume", "Effect": "Allow", "Action": list(CONSUME_ACTIONS), "Resource": queue_arn}
        )
        if key := props.input.sns.kms_key_arn:
            statements.append({"Sid": "InputKms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})
    if props.output is not None:
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
