"""AWS managed policies no task role should hold: admin, or broad secret, KMS or IAM power.

Names and paths come from the AWS Managed Policy Reference
(https://docs.aws.amazon.com/aws-managed-policy/latest/reference/policy-list.html) and the IAM
User Guide's "AWS managed policies for job functions"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html).
Every entry and pattern carries the reason shown in the finding. Matching is on the policy's
path and name (what follows `policy/` in an AWS managed policy ARN), case-insensitively: a
listed name matches whatever path it is written with (AWS managed policy names are unique), and
the patterns catch the families (`*FullAccess*`, `*PowerUser*`, `*Admin*`). A customer managed
policy (the account's own, `arn:aws:iam::<account>:policy/...`) is never matched: its content
decides, and the IAM rules do not read it.
"""

from __future__ import annotations

import re

#: AWS managed policy (path/name as AWS publishes it) -> why a task role must not hold it.
DENIED: dict[str, str] = {
    "AdministratorAccess": "grants every action on every resource of the account",
    "AdministratorAccess-Amplify": "creates IAM roles and CloudFormation stacks: admin of the account in all but name",
    "AdministratorAccess-AWSElasticBeanstalk": "passes and creates IAM roles and manages EC2, S3 and CloudFormation",
    "PowerUserAccess": "grants every action except IAM user and group management",
    "ReadOnlyAccess": "reads every resource of the account: S3 objects, DynamoDB items, SSM parameters",
    "job-function/SystemAdministrator": "manages EC2, networking, IAM role passing and most operational services",
    "job-function/NetworkAdministrator": "rewires the VPCs, route tables, gateways and security groups",
    "job-function/DatabaseAdministrator": "manages every database, its snapshots and IAM role passing",
    "job-function/DataScientist": "runs jobs with any role it passes and reads the data of many services",
    "SecretsManagerReadWrite": "reads and changes every secret of the account",
    "AWSKeyManagementServicePowerUser": "creates KMS keys and manages aliases and grants of the account's keys",
    "IAMFullAccess": "grants every IAM action: any principal can be made an administrator",
    "AmazonSSMReadOnlyAccess": "reads every SSM parameter, SecureString parameters under the default key included",
    "AmazonSSMManagedInstanceCore": "reads every SSM parameter of the account (meant for EC2 instances)",
    "AmazonEC2RoleforSSM": "reads every SSM parameter and reads and writes every S3 bucket (deprecated)",
    "AmazonEC2ContainerRegistryPowerUser": "pushes images to every ECR repository of the account",
}

#: Families of AWS managed policies, matched on the name anywhere in the path -> reason.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"admin", re.IGNORECASE), "administers the account or a whole service"),
    (re.compile(r"poweruser", re.IGNORECASE), "grants write access to a whole service (power user)"),
    (re.compile(r"fullaccess", re.IGNORECASE), "grants every action on every resource of a service"),
)

_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(?P<path_name>.+)$", re.IGNORECASE)
_BY_NAME = {name.rsplit("/", 1)[-1].lower(): reason for name, reason in DENIED.items()}


def denied(arn: str) -> str | None:
    """Why the AWS managed policy `arn` is too broad for a task role, or None (also for other ARNs)."""
    match = _AWS_MANAGED.match(arn)
    if not match:
        return None
    path_name = match.group("path_name")
    reason = _BY_NAME.get(path_name.rsplit("/", 1)[-1].lower())
    return reason or next((why for pattern, why in PATTERNS if pattern.search(path_name)), None)
