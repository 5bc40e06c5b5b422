"""Create in moto what a config refers to: `python -m tests.terraform.moto_seed ENDPOINT < spec.json`.

Runs in the e2e virtualenv (boto3). The spec (see `tests.terraform.moto.seed_spec`) names VPCs with
their subnet count and the role whose account holds them, KMS keys, secrets, SSM parameters, S3
buckets, SNS topics and Kinesis streams (in moto's default account, so their ARNs stay as written); the answer
(stdout, JSON) gives each one's id or ARN under the same key.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3

FAKE_KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


def _session(endpoint: str, region: str, role_arn: str | None) -> boto3.Session:
    """Default account, or the account of `role_arn` (moto keeps one backend per account)."""
    if role_arn is None:
        return boto3.Session(region_name=region, **FAKE_KEYS)
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=region, **FAKE_KEYS)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="seed")["Credentials"]
    return boto3.Session(
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def seed(endpoint: str, spec: dict[str, Any]) -> dict[str, Any]:
    region = spec["region"]
    default = _session(endpoint, region, None)
    answer: dict[str, Any] = {"vpcs": {}, "kms_keys": {}, "secrets": {}, "parameters": {}}
    for key, vpc in spec.get("vpcs", {}).items():
        ec2 = _session(endpoint, region, vpc.get("role_arn")).client("ec2", endpoint_url=endpoint)
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        zones = [zone["ZoneName"] for zone in ec2.describe_availability_zones()["AvailabilityZones"]]
        subnet_ids = [
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{index}.0/24", AvailabilityZone=zones[index % len(zones)])[
                "Subnet"
            ]["SubnetId"]
            for index in range(vpc["subnets"])
        ]
        answer["vpcs"][key] = {"vpc_id": vpc_id, "subnet_ids": subnet_ids}
    kms = default.client("kms", endpoint_url=endpoint)
    for key in spec.get("kms_keys", []):
        answer["kms_keys"][key] = kms.create_key(Description=key)["KeyMetadata"]["Arn"]
    secrets = default.client("secretsmanager", endpoint_url=endpoint)
    for name in spec.get("secrets", []):
        answer["secrets"][name] = secrets.create_secret(Name=name, SecretString="e2e")["ARN"]
    ssm = default.client("ssm", endpoint_url=endpoint)
    for name in spec.get("parameters", []):
        ssm.put_parameter(Name=name, Value="e2e", Type="SecureString")
        answer["parameters"][name] = ssm.get_parameter(Name=name)["Parameter"]["ARN"]
    s3 = default.client("s3", endpoint_url=endpoint)
    for bucket in spec.get("buckets", []):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    sns = default.client("sns", endpoint_url=endpoint)
    for topic in spec.get("topics", []):
        sns.create_topic(Name=topic)
    kinesis = default.client("kinesis", endpoint_url=endpoint)
    for stream in spec.get("streams", []):
        kinesis.create_stream(StreamName=stream, ShardCount=1)
    return answer


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1], json.load(sys.stdin))))
