"""Each rule: compliant on what the default config deploys, non-compliant on a broken copy."""

import copy
import dataclasses

import pytest

from modules.policy import rules
from modules.policy.view import VariantView, view_of
from tests.helpers import default_data, synth


@pytest.fixture(scope="module")
def deployed() -> VariantView:
    return view_of(synth(default_data()), "news-encoder_control")


def broken(view: VariantView, field: str, change) -> VariantView:
    """A copy of `view` whose first `field` item is changed in place by `change`."""
    items = copy.deepcopy(list(getattr(view, field)))
    change(items[0])
    return dataclasses.replace(view, **{field: tuple(items)})


def found(rule, view) -> list[tuple[str, str]]:
    return [(v.key, v.message) for v in rule(view)]


def test_the_default_deployment_is_compliant_with_every_rule(deployed):
    assert deployed.containers and deployed.services and deployed.log_groups and deployed.policies
    for rule_id, rule in rules.CHECKS.items():
        assert found(rule, deployed) == [], rule_id


@pytest.mark.parametrize(
    ("rule", "field", "change", "key", "fragment"),
    [
        (rules.readonly_root, "containers", lambda c: c.update(readonlyRootFilesystem=False), "", "writable root"),
        (rules.readonly_root, "containers", lambda c: c.pop("readonlyRootFilesystem"), "", "writable root"),
        (rules.non_root_user, "containers", lambda c: c.pop("user"), "user", "not set"),
        (rules.non_root_user, "containers", lambda c: c.update(user="root"), "user", "runs as root"),
        (rules.non_root_user, "containers", lambda c: c.update(user="0:1000"), "user", "runs as root"),
        (rules.not_privileged, "containers", lambda c: c.update(privileged=True), "", "is privileged"),
        (
            rules.no_plain_secrets,
            "containers",
            lambda c: c["environment"].append({"name": "API_KEY", "value": "abc123"}),
            "environment.API_KEY",
            "the name says it holds a credential",
        ),
        (
            rules.no_plain_secrets,
            "containers",
            lambda c: c["environment"].append({"name": "SINK", "value": "AKIAABCDEFGHIJKLMNOP"}),
            "environment.SINK",
            "an AWS access key id",
        ),
        (rules.awslogs, "containers", lambda c: c.pop("logConfiguration"), "", "does not use the awslogs"),
        (
            rules.awslogs,
            "containers",
            lambda c: c["logConfiguration"]["options"].pop("awslogs-group"),
            "",
            "missing: awslogs-group",
        ),
        (
            rules.distinct_roles,
            "task_definitions",
            lambda t: t.update(task_role_arn=t["execution_role_arn"]),
            "",
            "also the task role",
        ),
        (rules.distinct_roles, "task_definitions", lambda t: t.pop("task_role_arn"), "", "needs both"),
        (
            rules.no_wildcard_resource,
            "policies",
            lambda p: p["Statement"].append({"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
            "",
            "allows s3:* on Resource '*'",
        ),
        (
            rules.no_wildcard_resource,
            "policies",
            lambda p: p["Statement"][0].update(Action=["ecr:GetAuthorizationToken", "ecr:DescribeImages"]),
            "",
            "allows ecr:DescribeImages on Resource '*'",
        ),
        (
            rules.no_wildcard_resource,
            "policies",
            lambda p: p["Statement"].append({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "x"}),
            "",
            "NotResource",
        ),
        (
            rules.no_public_ip,
            "services",
            lambda s: s["network_configuration"].update(assign_public_ip=True),
            "",
            "assigns a public IP",
        ),
        (
            rules.no_open_ingress,
            "security_groups",
            lambda g: g.update(ingress=[{"from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]),
            "",
            "ingress from 0.0.0.0/0 (port 22)",
        ),
        (
            rules.no_open_ingress,
            "security_groups",
            lambda g: g.update(ingress=[{"from_port": 443, "ipv6_cidr_blocks": ["::/0"]}]),
            "",
            "ingress from ::/0",
        ),
        (rules.log_retention, "log_groups", lambda g: g.pop("retention_in_days"), "log_retention_days", "forever"),
        (rules.log_retention, "log_groups", lambda g: g.update(retention_in_days=0), "log_retention_days", "forever"),
    ],
)
def test_rule_finds_the_broken_setting(deployed, rule, field, change, key, fragment):
    (violation,) = found(rule, broken(deployed, field, change))
    assert violation[0] == key
    assert fragment in violation[1]


def test_open_ingress_in_a_separate_rule_resource():
    view = VariantView(
        ingress_rules=(
            {"type": "ingress", "cidr_blocks": ["10.0.0.0/8"], "from_port": 443},
            {"type": "egress", "cidr_blocks": ["0.0.0.0/0"], "from_port": 443},
            {"cidr_ipv4": "0.0.0.0/0", "from_port": 8080},
        )
    )
    assert found(rules.no_open_ingress, view) == [("", "ingress from 0.0.0.0/0 (port 8080)")]


def test_egress_to_anywhere_and_scoped_wildcards_are_fine():
    view = VariantView(
        security_groups=({"egress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 443}], "ingress": []},),
        policies=(
            {
                "Statement": [
                    {"Effect": "Deny", "Action": "*", "Resource": "*"},
                    {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:r:1:log-group:g:*"},
                ]
            },
        ),
    )
    assert found(rules.no_open_ingress, view) == []
    assert found(rules.no_wildcard_resource, view) == []


def test_credential_names_referencing_a_secret_by_arn_or_path_are_fine():
    view = VariantView(
        containers=(
            {
                "environment": [
                    {"name": "DB_PASSWORD", "value": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db"},
                    {"name": "EMPTY_TOKEN", "value": ""},
                    {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/var/run/secrets/gcp.json"},
                ]
            },
        )
    )
    assert found(rules.no_plain_secrets, view) == []


@pytest.mark.parametrize(
    ("arn", "broad"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", True),
        ("arn:aws:iam::aws:policy/PowerUserAccess", True),
        ("arn:aws:iam::aws:policy/AmazonS3FullAccess", True),
        ("arn:aws:iam::aws:policy/AmazonSQSFullAccess", True),
        ("arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess", False),
        ("arn:aws:iam::123456789012:policy/AmazonS3FullAccess", False),  # the account's own: its content decides
        ("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", False),
    ],
)
def test_admin_and_full_access_managed_policies_on_the_task_role(deployed, arn, broad):
    view = dataclasses.replace(deployed, policy_arns=(arn,))
    violations = found(rules.no_admin_policy, view)
    assert bool(violations) == broad
    if broad:
        ((key, message),) = violations
        assert key == "task_role_policy_arns"
        assert arn.rsplit("/", 1)[-1] in message


def test_attached_policies_are_read_from_the_variant_s_own_attachments():
    data = default_data()
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["task_role_policy_arns"] = [admin]
    stack = synth(data)
    assert view_of(stack, "news-encoder_treatment").policy_arns == (admin,)
    assert view_of(stack, "news-encoder_control").policy_arns == ()
