"""Publish to a topic and read every queue: `python -m tests.terraform.moto_fanout ENDPOINT < spec.json`.

Runs in the e2e virtualenv (boto3). The spec gives the region, the topic ARN, the messages to publish
and the queue URLs by name; the answer (stdout, JSON) gives, per queue, the bodies it received (each
deleted once read, as a consumer does), and the messages left in it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3

FAKE_KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def fan_out(endpoint: str, spec: dict[str, Any]) -> dict[str, Any]:
    session = boto3.Session(region_name=spec["region"], **FAKE_KEYS)
    sns, sqs = session.client("sns", endpoint_url=endpoint), session.client("sqs", endpoint_url=endpoint)
    for message in spec["messages"]:
        sns.publish(TopicArn=spec["topic_arn"], Message=message)
    received: dict[str, list[str]] = {}
    for name, url in spec["queues"].items():
        bodies = received.setdefault(name, [])
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages"):
            for message in messages:
                bodies.append(message["Body"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    left = {
        name: int(
            sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
                "ApproximateNumberOfMessages"
            ]
        )
        for name, url in spec["queues"].items()
    }
    return {"received": received, "left": left}


if __name__ == "__main__":
    print(json.dumps(fan_out(sys.argv[1], json.load(sys.stdin))))
