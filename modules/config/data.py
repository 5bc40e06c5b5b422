"""`input` and `output`: each variant reads its own copy of the stream and writes its own namespace (pure).

A/B data isolation (docs/data-isolation.md): two variants consuming one SQS queue are competing
consumers (SQS hands each message to one of them, so each sees part of the stream and the A/B
readout is biased), and two variants writing one namespace overwrite each other's features. With
`input.sns`, the stack fans the pipeline's SNS topic out to one queue per variant; with
`input.kinesis`, it registers one enhanced fan-out consumer per variant on the stream (each gets every
record, with its own read throughput); with `output`, each variant writes `<prefix>/<variant>/` of a
bucket. The task role is granted exactly what that use needs, and the main container is told where
through the environment variables in `ENVIRONMENT`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field, model_validator

from .arns import REGION, check_kms_key_arn, service_host
from .autoscaling import AutoscalingConfig, MetricSource
from .errors import Problem
from .names import LIMITS, fit
from .strict import Strict

if TYPE_CHECKING:
    from .resolve import MergedVariant

_TOPIC = re.compile(rf"arn:(?:aws|aws-cn|aws-us-gov):sns:{REGION.pattern}:\d{{12}}:[A-Za-z0-9_-]{{1,256}}(?:\.fifo)?")
_STREAM = re.compile(
    rf"arn:(?:aws|aws-cn|aws-us-gov):kinesis:{REGION.pattern}:\d{{12}}:stream/(?P<stream>[A-Za-z0-9_.-]{{1,128}})"
)
_TABLE = re.compile(rf"arn:(?:aws|aws-cn|aws-us-gov):dynamodb:{REGION.pattern}:\d{{12}}:table/[A-Za-z0-9_.-]{{3,255}}")
_QUEUE = re.compile(rf"arn:(?:aws|aws-cn|aws-us-gov):sqs:{REGION.pattern}:\d{{12}}:[A-Za-z0-9_-]{{1,80}}")
_BUCKET = re.compile(r"arn:(?:aws|aws-cn|aws-us-gov):s3:::(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])")
#: An S3 key prefix the grant can name exactly: no IAM wildcard (`*`, `?`), no `$`, no empty segment.
_PREFIX = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
PREFIX_RULE = "segments of letters, digits, '_', '.' and '-' separated by single '/', no leading or trailing '/'"

#: What the stack tells the main container, by variable name: where it reads and writes.
ENVIRONMENT = {
    "FEATURE_INPUT_QUEUE_URL": "`input.sns`, `input.sqs`: the URL of the variant's own SQS queue (receive and "
    "delete here)",
    "FEATURE_INPUT_STREAM_ARN": "`input.kinesis`: the stream's ARN",
    "FEATURE_INPUT_CONSUMER_ARN": "`input.kinesis`: the ARN of the variant's own enhanced fan-out consumer "
    "(pass it to SubscribeToShard, or as the KCL's consumer ARN)",
    "FEATURE_OUTPUT_TABLE": "`output.dynamodb`: the table's name",
    "FEATURE_OUTPUT_KEY_PREFIX": "`output.dynamodb`: `<prefix>/<variant>/`, the start of every partition key value it "
    "writes",
    "FEATURE_OUTPUT_URI": "`output.s3`: `s3://<bucket>/<prefix>/<variant>/`, the variant's own namespace",
    "FEATURE_OUTPUT_BUCKET": "`output.s3`: the bucket's name",
    "FEATURE_OUTPUT_PREFIX": "`output.s3`: `<prefix>/<variant>/`, the key prefix every object it writes starts with",
}
#: Why two variants may not consume one SQS queue (the refusal's reason).
COMPETING_CONSUMERS = (
    "SQS hands each message to one consumer, so each variant would see only part of the stream and the "
    "A/B comparison is biased (competing consumers)"
)


def _topic_arn(value: str) -> str:
    if not _TOPIC.fullmatch(value):
        raise ValueError("not an SNS topic ARN; expected arn:aws:sns:<region>:<12-digit account>:<topic name>")
    if value.endswith(".fifo"):
        raise ValueError("a FIFO topic delivers only to FIFO queues; the variants' queues are standard queues")
    return value


#: The variant's own consumer lag: Kinesis publishes it per registered enhanced fan-out consumer (namespace
#: AWS/Kinesis, dimensions StreamName and ConsumerName; the Maximum over shards is the slowest shard's), while
#: GetRecords.IteratorAgeMilliseconds covers only the stream's shared-throughput readers.
#: https://docs.aws.amazon.com/streams/latest/dev/monitoring-with-cloudwatch.html ("enhanced fan-out")
CONSUMER_LAG_METRIC = ("AWS/Kinesis", "SubscribeToShardEvent.MillisBehindLatest", "Maximum")


def is_consumer_lag(signal: MetricSource) -> bool:
    """Whether `signal` is an enhanced fan-out consumer's lag (`CONSUMER_LAG_METRIC`), which only a reading
    consumer produces, like the `kinesis` source."""
    return signal.source == "cloudwatch" and (signal.namespace, signal.metric_name) == CONSUMER_LAG_METRIC[:2]


def _stream_arn(value: str) -> str:
    if not _STREAM.fullmatch(value):
        raise ValueError(
            "not a Kinesis stream ARN; expected arn:aws:kinesis:<region>:<12-digit account>:stream/<stream name>"
        )
    return value


def _queue_arn(value: str) -> str:
    if not _QUEUE.fullmatch(value):
        raise ValueError("not a standard SQS queue ARN; expected arn:aws:sqs:<region>:<12-digit account>:<queue name>")
    return value


def _bucket_arn(value: str) -> str:
    match = _BUCKET.fullmatch(value)
    if not match or ".." in value:
        raise ValueError("not an S3 bucket ARN; expected arn:aws:s3:::<bucket name> (3-63 of a-z 0-9 . -)")
    return value


def _table_arn(value: str) -> str:
    if not _TABLE.fullmatch(value):
        raise ValueError(
            "not a DynamoDB table ARN; expected arn:aws:dynamodb:<region>:<12-digit account>:table/<table name>"
        )
    return value


def _prefix(value: str) -> str:
    if not _PREFIX.fullmatch(value) or len(value) > 512:
        raise ValueError(f"not a key prefix the grant can name exactly; use {PREFIX_RULE}, at most 512 characters")
    return value


KmsKeyArn = Annotated[str, AfterValidator(check_kms_key_arn)]


class SnsInput(Strict):
    """An existing SNS topic fanned out to one SQS queue per variant, which the stack creates."""

    topic_arn: Annotated[str, AfterValidator(_topic_arn)] = Field(
        description="ARN of the existing standard SNS topic the pipeline reads (nothing is created for it)"
    )
    visibility_timeout: Annotated[int, Field(ge=0, le=43200)] = Field(
        30,
        description="seconds a received message stays hidden from the next receive: above the longest processing "
        "time of one message, else it is processed twice",
    )
    max_receive_count: Annotated[int, Field(ge=1, le=1000)] = Field(
        5, description="receives of one message before SQS moves it to the variant's dead-letter queue"
    )
    retention_days: Annotated[int, Field(ge=1, le=14)] = Field(
        4, description="days an unread message stays in the variant's queue (its dead-letter queue keeps 14)"
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="customer managed KMS key (same region) encrypting both queues; its key policy must let "
        "`sns.amazonaws.com` use it (kms:GenerateDataKey*, kms:Decrypt); the task role may kms:Decrypt with it; "
        "unset: SQS-managed encryption (SSE-SQS)",
    )


class KinesisInput(Strict):
    """An existing Kinesis data stream with one enhanced fan-out consumer per variant, which the stack registers."""

    stream_arn: Annotated[str, AfterValidator(_stream_arn)] = Field(
        description="ARN of the existing stream the pipeline reads (nothing is created for it); each variant "
        "gets its own consumer, every record and its own 2 MB/s per shard (at most 20 consumers per stream)"
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="customer managed KMS key the stream encrypts with: the task role may kms:Decrypt with it, "
        "only through Kinesis; unset: no KMS grant (unencrypted, or the AWS managed key `aws/kinesis`)",
    )


class SqsInput(Strict):
    """An existing SQS queue the variant consumes alone: set it per variant, each its own queue."""

    queue_arn: Annotated[str, AfterValidator(_queue_arn)] = Field(
        description="ARN of the variant's existing queue (nothing is created); another variant consuming it is "
        "refused (competing consumers), so set `input` on each variant, not on the pipeline"
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None, description="customer managed KMS key the queue encrypts with: the task role may kms:Decrypt with it"
    )


class InputConfig(Strict):
    """Where the pipeline's variants read: each its own complete copy of the stream (set one of the keys)."""

    sns: SnsInput | None = Field(
        None,
        description="an SNS topic fanned out to one SQS queue per variant (raw delivery, encrypted, with a "
        "dead-letter queue; only the topic may send to it)",
    )
    kinesis: KinesisInput | None = Field(
        None,
        description="a Kinesis stream with one enhanced fan-out consumer per variant "
        "(`aws_kinesis_stream_consumer`); a `kinesis` scaling signal naming no stream scales on the variant's "
        "own consumer lag",
    )
    sqs: SqsInput | None = Field(
        None,
        description="an existing queue per variant (set on each variant); an `sqs` scaling signal naming no queue "
        "scales on it",
    )

    @model_validator(mode="after")
    def _one_shape(self) -> InputConfig:
        if sum(shape is not None for shape in (self.sns, self.kinesis, self.sqs)) != 1:
            raise ValueError(
                "set one of sns (a topic fanned out to a queue per variant), kinesis (a stream) or sqs (an existing "
                "queue per variant)"
            )
        return self


class S3Output(Strict):
    """An existing S3 bucket; each variant writes under its own prefix."""

    bucket_arn: Annotated[str, AfterValidator(_bucket_arn)] = Field(
        description="ARN of the existing bucket (`arn:aws:s3:::<name>`; nothing is created)"
    )
    prefix: Annotated[str, AfterValidator(_prefix)] | None = Field(
        None,
        description=f"key prefix; each variant writes under `<prefix>/<variant>/` ({PREFIX_RULE}); unset: the "
        "pipeline's name",
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="customer managed KMS key the bucket encrypts with (SSE-KMS): the task role may "
        "kms:GenerateDataKey and kms:Decrypt (multipart uploads) with it, only through S3; unset: no KMS grant",
    )


class DynamoDbOutput(Strict):
    """An existing DynamoDB table; each variant writes only items whose partition key starts with its namespace."""

    table_arn: Annotated[str, AfterValidator(_table_arn)] = Field(
        description="ARN of the existing table (nothing is created); its partition key is a string"
    )
    prefix: Annotated[str, AfterValidator(_prefix)] | None = Field(
        None,
        description=f"partition key prefix; each variant writes only items whose partition key starts with "
        f"`<prefix>/<variant>/` (`dynamodb:LeadingKeys`; {PREFIX_RULE}); unset: the pipeline's name",
    )


class OutputConfig(Strict):
    """Where the pipeline's variants write: each its own namespace (set one of the keys)."""

    s3: S3Output | None = Field(
        None, description="a bucket; each variant may only put objects under `<prefix>/<variant>/`"
    )
    dynamodb: DynamoDbOutput | None = Field(
        None,
        description="a table; each variant may only write items whose partition key starts with "
        "`<prefix>/<variant>/` (grant conditioned on `dynamodb:LeadingKeys`)",
    )

    @model_validator(mode="after")
    def _one_sink(self) -> OutputConfig:
        if (self.s3 is None) == (self.dynamodb is None):
            raise ValueError("set one of s3 (a bucket) or dynamodb (a table)")
        return self


@dataclass(frozen=True)
class InputQueues:
    """The AWS names of one variant's input queue and its dead-letter queue (SQS: at most 80 characters)."""

    queue: str
    dead_letter: str

    @classmethod
    def of(cls, cluster: str, pipeline: str, variant: str) -> InputQueues:
        scoped = f"{cluster}_{pipeline}_{variant}"
        return cls(queue=fit(scoped, LIMITS["sqs_queue"]), dead_letter=fit(f"{scoped}_dlq", LIMITS["sqs_queue"]))


def queue_name(queue_arn: str) -> str:
    """The queue's name, from its ARN."""
    return queue_arn.rsplit(":", 1)[1]


def queue_url(queue_arn: str) -> str:
    """The queue's URL, from its ARN: `https://sqs.<region>.<partition DNS suffix>/<account>/<name>`."""
    return f"https://{service_host('sqs', queue_arn)}/{queue_arn.split(':')[4]}/{queue_name(queue_arn)}"


def own_queue(own: InputConfig, cluster: str, pipeline: str, variant: str) -> str | None:
    """The name of the SQS queue the variant consumes: the one the stack creates (`sns`) or its own (`sqs`)."""
    if own.sns is not None:
        return InputQueues.of(cluster, pipeline, variant).queue
    return queue_name(own.sqs.queue_arn) if own.sqs is not None else None


def consumer_name(cluster: str, pipeline: str, variant: str) -> str:
    """The AWS name of the variant's enhanced fan-out consumer (Kinesis: at most 128 characters)."""
    return fit(f"{cluster}_{pipeline}_{variant}", LIMITS["kinesis_consumer"])


def stream_name(stream_arn: str) -> str:
    """The stream's name, from its ARN."""
    return stream_arn.rsplit("/", 1)[1]


def bucket_name(bucket_arn: str) -> str:
    """The bucket's name, from its ARN."""
    return bucket_arn.rsplit(":", 1)[1]


def table_name(table_arn: str) -> str:
    """The table's name, from its ARN."""
    return table_arn.rsplit("/", 1)[1]


def namespace(output: S3Output | DynamoDbOutput, pipeline: str, variant: str) -> str:
    """`<prefix>/<variant>/`: the key prefix (object key or partition key) the variant writes under."""
    return f"{output.prefix or pipeline}/{variant}/"


def _own_queue(signal: MetricSource | None, queue: str) -> MetricSource | None:
    if signal is None or signal.source != "sqs" or signal.queue_name is not None:
        return signal
    return signal.model_copy(update={"queue_name": queue})


def with_own_queue(scaling: AutoscalingConfig | None, queue: str) -> AutoscalingConfig | None:
    """`scaling` with an `sqs` backlog or step signal that names no queue on the variant's own input queue."""
    if scaling is None:
        return None
    backlog, steps = _own_queue(scaling.backlog, queue), _own_queue(scaling.steps, queue)
    if backlog is scaling.backlog and steps is scaling.steps:
        return scaling
    return scaling.model_copy(update={"backlog": backlog, "steps": steps})


def _own_consumer(signal: MetricSource | None, stream: str, consumer: str) -> MetricSource | None:
    if signal is None or signal.source != "kinesis" or signal.stream_name is not None:
        return signal
    namespace, metric, statistic = CONSUMER_LAG_METRIC
    return signal.model_copy(
        update={
            "source": "cloudwatch",
            "namespace": namespace,
            "metric_name": metric,
            "dimensions": {"StreamName": stream, "ConsumerName": consumer},
            "statistic": statistic,
        }
    )


def with_own_input(
    scaling: AutoscalingConfig | None, own: InputConfig, cluster: str, pipeline: str, variant: str
) -> AutoscalingConfig | None:
    """`scaling` with a signal of the variant's input source naming no queue or stream on the variant's own input:
    `sqs` on its queue (`input.sns`), `kinesis` on its consumer's lag (`input.kinesis`, `CONSUMER_LAG_METRIC`)."""
    if (queue := own_queue(own, cluster, pipeline, variant)) is not None:
        return with_own_queue(scaling, queue)
    if scaling is None or own.kinesis is None:
        return scaling
    stream, consumer = stream_name(own.kinesis.stream_arn), consumer_name(cluster, pipeline, variant)
    backlog, steps = _own_consumer(scaling.backlog, stream, consumer), _own_consumer(scaling.steps, stream, consumer)
    if backlog is scaling.backlog and steps is scaling.steps:
        return scaling
    return scaling.model_copy(update={"backlog": backlog, "steps": steps})


@dataclass(frozen=True)
class QueueUse:
    """One SQS queue a variant consumes or scales on, and where the config says so."""

    queue: str
    variant: str
    """`<pipeline>/<variant>`."""
    path: str
    isolated: bool
    """The variant's pipeline has an `input` (it opted into A/B data isolation)."""


def shared_queue_problems(uses: Sequence[QueueUse]) -> list[Problem]:
    """A queue consumed or scaled on by two variants, where one of them has an `input` (each its own queue).

    Refused at the path of every use but the first (configs without `input` are judged as before).
    """
    first: dict[str, QueueUse] = {}
    problems: list[Problem] = []
    for use in uses:
        other = first.setdefault(use.queue, use)
        if other is use or other.variant == use.variant or not (use.isolated or other.isolated):
            continue
        problems.append(
            Problem(
                use.path,
                f"the SQS queue is also {other.variant}'s ({other.path}): {COMPETING_CONSUMERS}; give each variant "
                "its own queue (`input.sns`, or `input.sqs` set on each variant, and leave `queue_name` unset to "
                "scale on the variant's own)",
                use.queue,
            )
        )
    return problems


def environment_not_set_twice(merged: MergedVariant) -> list[Problem]:
    """The main container's `environment` and `secrets` leave the names the stack sets (`ENVIRONMENT`) to it."""
    values = merged.values
    if values.input is None and values.output is None:
        return []
    return [
        Problem(
            merged.path(f"{key}.{name}"),
            f"set by the stack ({ENVIRONMENT[name]}); use another name",
            name,
        )
        for key in ("environment", "secrets")
        for name in getattr(values, key)
        if name in ENVIRONMENT
    ]


def queue_uses(
    variant: str, scaling: AutoscalingConfig | None, own_queue: str | None, source: Callable[[str], str]
) -> list[QueueUse]:
    """The SQS queues one variant consumes (`own_queue`, its input) or scales on (its own input's once);
    `source(key)`: where `key` is set."""
    uses = [QueueUse(own_queue, variant, source("input"), True)] if own_queue else []
    for key in ("backlog", "steps"):
        signal = getattr(scaling, key) if scaling else None
        if signal is not None and signal.source == "sqs" and signal.queue_name and signal.queue_name != own_queue:
            uses.append(
                QueueUse(signal.queue_name, variant, f"{source('autoscaling')}.{key}.queue_name", own_queue is not None)
            )
    return uses
