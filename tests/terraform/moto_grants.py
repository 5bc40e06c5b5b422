"""Call as each variant's task role, with IAM enforced: `python -m tests.terraform.moto_grants ENDPOINT < spec.json`.

Runs in the e2e virtualenv (boto3). Assumes each role in the spec (`roles`: variant -> role ARN), then
turns on moto's IAM enforcement (`POST /moto-api/reset-auth` with 0: every later request is signed,
its caller's policies collected and the action judged on the resource, moto.iam.access_control) and,
as every role, receives from every variant's queue (`queues`: variant -> URL), puts an object under
every variant's namespace of the bucket (`bucket`, `prefixes`: variant -> key prefix), and tries what
no variant is granted: send to its own queue, read its own objects, put outside every namespace. With
`stream_arn` and `consumers` (variant -> consumer ARN) instead of `queues`, it lists the stream's shards,
describes every variant's consumer and tries to read the stream without a consumer (GetShardIterator).
Enforcement is turned off again before the answer, so Terraform's later calls run as before.

The answer (stdout, JSON): `calls`, by acting variant, by call, its outcome: "allowed", "AccessDenied"
(IAM refused it) or any other error's code and message. moto judges identity policies by action and resource
(SQS: the queue's ARN; S3: `arn:aws:s3:::<bucket>/<key>`; Kinesis: the consumer's or stream's ARN, through
`moto_standins.kinesis_resource`) and ignores their conditions.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

FAKE_KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def _enforce(endpoint: str, initial_free_requests: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=initial_free_requests.encode(),
        headers={"Content-Type": "text/plain"},  # not a form: moto reads the raw body
        method="POST",
    )
    urllib.request.urlopen(request).read()


def _outcome(call: Callable[..., object], **parameters: object) -> str:
    try:
        call(**parameters)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"].get("Message", "")
        # moto answers an IAM refusal of a JSON-protocol call (SQS) with a Query-style XML body, which
        # botocore reports as code "403" with that body as the message.
        if code == "AccessDenied" or (code == "403" and "<Code>AccessDenied</Code>" in message):
            return "AccessDenied"
        return f"{code}: {message}"
    return "allowed"


def _kinesis_calls_as(actor: str, session: boto3.Session, endpoint: str, spec: dict[str, Any]) -> dict[str, str]:
    """As `actor`'s task role: find the stream's shards, describe every variant's consumer (the consumer-scoped
    action moto serves; SubscribeToShard is an HTTP/2 event stream it does not), read the stream directly."""
    kinesis = session.client("kinesis", endpoint_url=endpoint)
    stream, consumers = spec["stream_arn"], spec["consumers"]
    done = {"kinesis:ListShards": _outcome(kinesis.list_shards, StreamARN=stream)}
    for target, consumer in consumers.items():
        done[f"kinesis:DescribeStreamConsumer {target}"] = _outcome(
            kinesis.describe_stream_consumer, ConsumerARN=consumer
        )
    done["kinesis:GetShardIterator"] = _outcome(
        kinesis.get_shard_iterator, StreamARN=stream, ShardId="shardId-000000000000", ShardIteratorType="LATEST"
    )
    return done


def _calls_as(actor: str, session: boto3.Session, endpoint: str, spec: dict[str, Any]) -> dict[str, str]:
    """Each call's outcome as `actor`'s task role."""
    bucket, queues, prefixes = spec["bucket"], spec["queues"], spec["prefixes"]
    sqs, s3 = session.client("sqs", endpoint_url=endpoint), session.client("s3", endpoint_url=endpoint)
    done: dict[str, str] = {}
    for target in spec["roles"]:
        done[f"sqs:ReceiveMessage {target}"] = _outcome(sqs.receive_message, QueueUrl=queues[target])
        key = f"{prefixes[target]}{actor}"
        done[f"s3:PutObject {target}"] = _outcome(s3.put_object, Bucket=bucket, Key=key, Body=b"features")
    own = f"{prefixes[actor]}{actor}"
    done["sqs:SendMessage own"] = _outcome(sqs.send_message, QueueUrl=queues[actor], MessageBody="x")
    done["s3:GetObject own"] = _outcome(s3.get_object, Bucket=bucket, Key=own)
    done["s3:PutObject outside"] = _outcome(s3.put_object, Bucket=bucket, Key=actor, Body=b"features")
    return done


def probe(endpoint: str, spec: dict[str, Any]) -> dict[str, Any]:
    region = spec["region"]
    default = boto3.Session(region_name=region, **FAKE_KEYS)
    sts = default.client("sts", endpoint_url=endpoint)
    sessions = {}
    for variant, role_arn in spec["roles"].items():
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=f"{variant}-task")["Credentials"]
        sessions[variant] = boto3.Session(
            region_name=region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
    calls: dict[str, dict[str, str]] = {}
    _enforce(endpoint, "0")
    try:
        for actor, session in sessions.items():
            calls[actor] = _calls_as(actor, session, endpoint, spec) if "queues" in spec else {}
            if "consumers" in spec:
                calls[actor].update(_kinesis_calls_as(actor, session, endpoint, spec))
    finally:
        _enforce(endpoint, "inf")
    return {"calls": calls}


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], json.load(sys.stdin))))
