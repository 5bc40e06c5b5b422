"""Create in moto what a `cdk deploy` of the source memo's design leaves running:
`python -m tests.terraform.moto_cdk ENDPOINT < spec.json`.

The memo's stack (TypeScript CDK): one `ecs.Cluster`, and per variant an `ecs.FargateTaskDefinition`
(execution role with its default inline policy, task role), one container logging to its own log group
(`ecs.LogDrivers.awsLogs`), and an `ecs.FargateService` (launch type FARGATE, its own security group
allowing all outbound traffic). Names are CloudFormation's: `<stack>-<logical id><hash>-<random>`.
Runs in the e2e virtualenv (boto3). The spec gives region, stack name, VPC, subnets and variants; the
answer (stdout, JSON) each variant's AWS identifiers, in the shape of an `adopt:` variant entry.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3

FAKE_KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
ECS_TASKS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _logical(stack: str, logical_id: str, suffix: str, limit: int = 255) -> str:
    """CloudFormation's physical name of a resource without an explicit name: stack name, logical id (with
    the CDK's hash) cut to fit `limit` (the resource type's name limit), a random part."""
    random = f"-{suffix[8:].upper()}"
    return f"{stack}-{logical_id}{suffix[:8].upper()}"[: limit - len(random)] + random


def deploy(endpoint: str, spec: dict[str, Any]) -> dict[str, Any]:
    session = boto3.Session(region_name=spec["region"], **FAKE_KEYS)
    ecs, iam, logs, ec2 = (session.client(name, endpoint_url=endpoint) for name in ("ecs", "iam", "logs", "ec2"))
    stack = spec["stack"]
    cluster = _logical(stack, "Cluster", "eb0386a7ab12cd34ef56")
    ecs.create_cluster(clusterName=cluster)
    answer: dict[str, Any] = {"cluster": cluster, "variants": {}}
    for index, variant in enumerate(spec["variants"]):
        title = variant.capitalize()
        suffix = f"{index:02d}c0ffee{index:02d}abcdefgh"
        execution = _logical(stack, f"{title}TaskDefExecutionRole", suffix, limit=64)
        task = _logical(stack, f"{title}TaskDefTaskRole", suffix, limit=64)
        for role in (execution, task):
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(ECS_TASKS))
        log_group = _logical(stack, f"{title}LogGroup", suffix)
        logs.create_log_group(logGroupName=log_group)
        logs.put_retention_policy(logGroupName=log_group, retentionInDays=731)
        iam.put_role_policy(
            RoleName=execution,
            PolicyName=f"{title}TaskDefExecutionRoleDefaultPolicy{suffix[:8].upper()}",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}
                    ],
                }
            ),
        )
        group = ec2.create_security_group(
            GroupName=_logical(stack, f"{title}ServiceSecurityGroup", suffix),
            Description=f"{stack}/{title}Service/SecurityGroup",
            VpcId=spec["vpc_id"],
        )["GroupId"]
        family = f"{stack}{title}TaskDef{suffix[:8].upper()}"
        account = session.client("sts", endpoint_url=endpoint).get_caller_identity()["Account"]
        revision = ecs.register_task_definition(
            family=family,
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            executionRoleArn=f"arn:aws:iam::{account}:role/{execution}",
            taskRoleArn=f"arn:aws:iam::{account}:role/{task}",
            containerDefinitions=[
                {
                    "name": "web",
                    "image": spec["image"],
                    "essential": True,
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": log_group,
                            "awslogs-stream-prefix": variant,
                            "awslogs-region": spec["region"],
                        },
                    },
                }
            ],
        )["taskDefinition"]["taskDefinitionArn"]
        service = _logical(stack, f"{title}Service", suffix)
        created = ecs.create_service(
            cluster=cluster,
            serviceName=service,
            taskDefinition=revision,
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {
                    "subnets": spec["subnet_ids"],
                    "securityGroups": [group],
                    "assignPublicIp": "DISABLED",
                }
            },
            deploymentConfiguration={"maximumPercent": 200, "minimumHealthyPercent": 50},
        )["service"]
        answer["variants"][variant] = {
            "adopt": {
                "service": f"{cluster}/{service}",
                "family": family,
                "execution_role": execution,
                "task_role": task,
                "log_group": log_group,
                "security_group": group,
            },
            "service_arn": created["serviceArn"],
        }
    return answer


if __name__ == "__main__":
    print(json.dumps(deploy(sys.argv[1], json.load(sys.stdin))))
