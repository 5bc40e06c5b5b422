"""One variant's own data: its copy of the pipeline's input, and its grants to read it and write its output."""

from __future__ import annotations

import json

from ..runtime import cdk
from ..runtime.cdk import Construct
from . import data_documents
from .address import Address, pin
from .props import VariantDataProps, input_consumer, input_queue

#: SQS's longest retention: a dead-lettered message stays 14 days for inspection and redrive.
DEAD_LETTER_RETENTION_SECONDS = 14 * 86400


def _json(document: object) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


class VariantData(Construct):
    """The variant's input queue and output grants (docs/data-isolation.md); addresses derive from its stem.

    Behaviour, with `input.sns`:

    - `aws_sqs_queue.<stem>_input` (named `<cluster>_<pipeline>_<variant>`, fitted to SQS's 80 characters):
      the variant's own queue, encrypted (SSE-SQS, or the configured KMS key), its visibility timeout and
      retention as configured, redriving to `aws_sqs_queue.<stem>_input_dlq` (14 days' retention, the same
      encryption) after `max_receive_count` receives.
    - `aws_sqs_queue_policy.<stem>_input`: only SNS, for the one topic (`aws:SourceArn`), may send.
    - `aws_sns_topic_subscription.<stem>_input`: the topic delivers to the queue, raw (the message body
      as published, no SNS envelope), after the queue policy exists.

    With `input.kinesis`:

    - `aws_kinesis_stream_consumer.<stem>_input` (named `<cluster>_<pipeline>_<variant>`, fitted to Kinesis's
      128 characters): the variant's own enhanced fan-out consumer of the stream; every record reaches every
      consumer. Untagged: the resource takes tags only from AWS provider 6.

    With `input.sqs` nothing is created: the variant consumes its own existing queue.

    The task role gets `aws_iam_role_policy.<stem>_task_data` (`data_documents.data_task_role_policy`):
    exactly what consuming its own queue and writing its own namespace need.
    """

    def __init__(self, scope: Construct, id: str, *, props: VariantDataProps, task_role: Address) -> None:
        super().__init__(scope, id)
        stem = props.stem
        self.addresses: dict[str, Address] = {}
        input_arn = None
        if props.input is not None and props.input.sns is not None:
            input_arn = self._add_input(stem, props)
        elif props.input is not None and props.input.sqs is not None:
            input_arn = props.input.sqs.queue_arn
        elif props.input is not None and props.input.kinesis is not None:
            consumer = cdk.KinesisStreamConsumer(
                self, "input_consumer", name=props.consumer, stream_arn=props.input.kinesis.stream_arn
            )
            self.addresses["input_consumer"] = pin(consumer, input_consumer(stem).name)
            input_arn = self.addresses["input_consumer"].ref("arn")
        policy = cdk.IamRolePolicy(
            self,
            "task_data_policy",
            name="data",
            role=task_role.ref("id"),
            policy=_json(data_documents.data_task_role_policy(props, input_arn)),
        )
        self.addresses["task_data_policy"] = pin(policy, f"{stem}_task_data")

    def _add_input(self, stem: str, props: VariantDataProps) -> str:
        """The queue, its dead-letter queue, its policy and the subscription; the queue's ARN (a reference)."""
        assert props.input is not None and props.input.sns is not None
        sns, tags = props.input.sns, dict(props.tags)
        encryption = {"kms_master_key_id": sns.kms_key_arn} if sns.kms_key_arn else {"sqs_managed_sse_enabled": True}
        dead_letter = cdk.SqsQueue(
            self,
            "input_dlq",
            name=props.queues.dead_letter,
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            tags=tags,
            **encryption,
        )
        dead_letter_address = pin(dead_letter, f"{stem}_input_dlq")
        queue = cdk.SqsQueue(
            self,
            "input",
            name=props.queues.queue,
            visibility_timeout_seconds=sns.visibility_timeout,
            message_retention_seconds=sns.retention_days * 86400,
            redrive_policy=_json(data_documents.redrive_policy(dead_letter_address.ref("arn"), sns.max_receive_count)),
            tags=tags,
            **encryption,
        )
        queue_address = pin(queue, input_queue(stem).name)
        queue_policy = cdk.SqsQueuePolicy(
            self,
            "input_policy",
            queue_url=queue_address.ref("id"),
            policy=_json(data_documents.queue_policy(queue_address.ref("arn"), sns.topic_arn)),
        )
        pin(queue_policy, f"{stem}_input")
        subscription = cdk.SnsTopicSubscription(
            self,
            "input_subscription",
            topic_arn=sns.topic_arn,
            protocol="sqs",
            endpoint=queue_address.ref("arn"),
            raw_message_delivery=True,
            depends_on=[queue_policy],
        )
        pin(subscription, f"{stem}_input")
        self.addresses.update(input_queue=queue_address, input_dead_letter_queue=dead_letter_address)
        return queue_address.ref("arn")
