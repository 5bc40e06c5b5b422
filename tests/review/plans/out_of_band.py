"""Change in moto, with boto3, what an operator changes by hand outside Terraform (a one-off, for the
drift fixture: `drift.py` runs it): `python -m tests.review.plans.out_of_band ENDPOINT < spec.json`.

Runs in the e2e virtualenv (boto3). The spec names the region, the cluster, the services, the security
group, the alarm and the log group; the answer (stdout, JSON) says what was changed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3

FAKE_KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def change(endpoint: str, spec: dict[str, Any]) -> dict[str, Any]:
    session = boto3.Session(region_name=spec["region"], **FAKE_KEYS)
    ecs, ec2, cloudwatch, logs = (
        session.client(name, endpoint_url=endpoint) for name in ("ecs", "ec2", "cloudwatch", "logs")
    )
    scaled = ecs.update_service(cluster=spec["cluster"], service=spec["scaled_service"], desiredCount=3)
    ecs.tag_resource(
        resourceArn=scaled["service"]["serviceArn"],
        tags=[{"key": "team", "value": "search"}, {"key": "contact", "value": "@acme/ml-oncall"}],
    )
    ec2.authorize_security_group_ingress(
        GroupId=spec["security_group"],
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    cloudwatch.delete_alarms(AlarmNames=[spec["alarm"]])
    logs.put_retention_policy(logGroupName=spec["log_group"], retentionInDays=1)
    return {"changed": sorted(spec)}


if __name__ == "__main__":
    print(json.dumps(change(sys.argv[1], json.load(sys.stdin))))
