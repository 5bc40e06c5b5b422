"""ARN parsing for the references a config makes (pure functions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARTITION_DNS = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}
_REGION = r"[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d"
_ECR = re.compile(
    rf"arn:(?P<partition>aws|aws-cn|aws-us-gov):ecr:(?P<region>{_REGION}):(?P<account>\d{{12}}):"
    r"repository/(?P<name>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)"
)
_SECRET = re.compile(
    rf"(?P<arn>arn:(?:aws|aws-cn|aws-us-gov):secretsmanager:{_REGION}:\d{{12}}:secret:[A-Za-z0-9/_+=.@-]+)"
    # ECS's `:<json-key>:<version-stage>:<version-id>` suffix, each part optional.
    r"(?::[A-Za-z0-9_.+=@/-]*:[A-Za-z0-9_.-]*:[A-Za-z0-9-]*)?"
)
_SECRET_SUFFIX = re.compile(r".*-[A-Za-z0-9]{6}", re.DOTALL)
_PARAMETER = re.compile(rf"arn:(?:aws|aws-cn|aws-us-gov):ssm:{_REGION}:\d{{12}}:parameter/[A-Za-z0-9/_.-]+")
_POLICY = re.compile(r"arn:(?:aws|aws-cn|aws-us-gov):iam::(?:\d{12}|aws):policy/[\w+=,.@/-]+")
_KMS_KEY = re.compile(
    rf"arn:(?:aws|aws-cn|aws-us-gov):kms:(?P<region>{_REGION}):\d{{12}}:key/(?:mrk-)?[0-9a-f-]{{32,36}}"
)
REGION = re.compile(_REGION)

ECR_ARN_FORMAT = "arn:aws:ecr:<region>:<12-digit account>:repository/<name>"
SECRET_ARN_FORMAT = (
    "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>"  # noqa: S105
    "[:<json-key>:<stage>:<version>]) or an SSM parameter ARN "
    "(arn:aws:ssm:<region>:<account>:parameter/<name>)"
)
POLICY_ARN_FORMAT = "arn:aws:iam::<account or aws>:policy/<name>"
KMS_KEY_ARN_FORMAT = "arn:aws:kms:<region>:<12-digit account>:key/<key id> (a key ARN; CloudWatch Logs takes no alias)"


@dataclass(frozen=True)
class RepositoryRef:
    """An existing ECR repository, known only by its ARN (nothing is created)."""

    arn: str
    partition: str
    region: str
    account: str
    name: str

    @property
    def uri(self) -> str:
        """Registry URI without tag, e.g. 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/repo."""
        return f"{self.account}.dkr.ecr.{self.region}.{_PARTITION_DNS[self.partition]}/{self.name}"

    def image(self, *, tag: str | None = None, digest: str | None = None) -> str:
        """Image URI by digest when given (immutable), otherwise by tag."""
        if digest:
            return f"{self.uri}@{digest}"
        if tag:
            return f"{self.uri}:{tag}"
        raise ValueError("an image needs a tag or a digest")


def parse_repository_arn(arn: str) -> RepositoryRef:
    """Parse an ECR repository ARN; ValueError naming the expected form otherwise."""
    match = _ECR.fullmatch(arn)
    if not match:
        raise ValueError(f"not an ECR repository ARN; expected {ECR_ARN_FORMAT}")
    return RepositoryRef(arn=arn, **match.groupdict())


def secret_resource_arn(value_from: str) -> str:
    """The IAM resource ARN that grants read access to a `valueFrom` reference.

    A Secrets Manager ARN names the secret as `<name>-<6 random characters>`. ECS also takes a
    partial ARN without that suffix, but IAM compares the full ARN, so a partial one gets the
    `-??????` wildcard AWS documents for it (exactly six characters, nothing else).
    """
    match = _SECRET.fullmatch(value_from)
    if match:
        arn = match.group("arn")
        return arn if _SECRET_SUFFIX.fullmatch(arn) else f"{arn}-??????"
    if _PARAMETER.fullmatch(value_from):
        return value_from
    raise ValueError(f"not a secret reference; expected {SECRET_ARN_FORMAT}")


def secret_service(value_from: str) -> str:
    """'secretsmanager' or 'ssm', the service a valid secret reference points at."""
    return value_from.split(":")[2]


def check_repository_arn(arn: str) -> str:
    """`arn` if it is an ECR repository ARN (`parse_repository_arn`); ValueError otherwise."""
    parse_repository_arn(arn)
    return arn


def check_secret_arn(arn: str) -> str:
    """`arn` if it names a secret or parameter (`secret_resource_arn`); ValueError otherwise."""
    secret_resource_arn(arn)
    return arn


def check_policy_arn(arn: str) -> str:
    """Return `arn` when it is an IAM managed policy ARN; ValueError otherwise."""
    if not _POLICY.fullmatch(arn):
        raise ValueError(f"not an IAM managed policy ARN; expected {POLICY_ARN_FORMAT}")
    return arn


def check_kms_key_arn(arn: str) -> str:
    """Return `arn` when it is a KMS key ARN; ValueError otherwise."""
    if not _KMS_KEY.fullmatch(arn):
        raise ValueError(f"not a KMS key ARN; expected {KMS_KEY_ARN_FORMAT}")
    return arn


def service_host(service: str, arn: str) -> str:
    """`<service>.<region>.<partition DNS suffix>` of the ARN's region, e.g. ssm.ap-northeast-1.amazonaws.com."""
    partition = arn.split(":")[1]
    return f"{service}.{region_of(arn)}.{_PARTITION_DNS.get(partition, 'amazonaws.com')}"


def region_of(arn: str) -> str:
    """The region field of an ARN."""
    return arn.split(":")[3]


def check_region(value: str) -> str:
    """Return `value` when it is an AWS region name; ValueError otherwise."""
    if not REGION.fullmatch(value):
        raise ValueError("not an AWS region name such as ap-northeast-1 or us-east-1")
    return value
