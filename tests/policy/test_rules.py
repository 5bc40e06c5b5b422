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
                    {"name": "API_TOKEN", "value": "arn:aws:ssm:ap-northeast-1:123456789012:parameter/prod/token"},
                    {"name": "SIGNING_KEY", "value": "/prod/feature-store/signing-key"},
                    {"name": "EMPTY_TOKEN", "value": ""},
                    {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/var/run/secrets/gcp.json"},
                ]
            },
        )
    )
    assert found(rules.no_plain_secrets, view) == []


@pytest.mark.parametrize(
    ("arn", "reason"),
    [
        ("arn:aws:iam::aws:policy/AdministratorAccess", "grants every action on every resource of the account"),
        ("arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforDataPipelineRole", "every dynamodb action"),
        ("arn:aws:iam::aws:policy/AWSLambdaExecute", "every logs action, s3:GetObject, s3:PutObject"),
        ("arn:aws:iam::123456789012:policy/AdministratorAccess", "a customer managed policy named like the AWS"),
        ("arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess", None),
        ("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", None),
        ("arn:aws:iam::123456789012:policy/feature-store-writer", None),  # the account's own: not judged
    ],
)
def test_admin_and_broad_managed_policies_on_the_task_role_with_their_reason(deployed, arn, reason):
    view = dataclasses.replace(deployed, policy_arns=(arn,))
    violations = found(rules.no_admin_policy, view)
    if reason is None:
        assert violations == []
        return
    ((key, message),) = violations
    assert key == "task_role_policy_arns"
    assert message.startswith(f"{arn.split(':policy/', 1)[1]} ")
    assert reason in message
    assert message.endswith("; attach a policy scoped to the streams, queues and buckets the pipeline uses")


@pytest.mark.parametrize("user", ["root", "ROOT", "0", "00", "-0", "+0", "000:1000", "0:0", " 0", "4294967296"])
def test_every_spelling_of_uid_0_is_root(deployed, user):
    view = broken(deployed, "containers", lambda c: c.update(user=user))
    assert found(rules.non_root_user, view) == [
        ("user", f"the container runs as root ({user!r}); use a non-root uid[:gid]")
    ]


@pytest.mark.parametrize("user", ["1000", "1000:0", "10", "app", "app:root", "nobody", "4294967294"])
def test_non_root_users_pass(deployed, user):
    assert found(rules.non_root_user, broken(deployed, "containers", lambda c: c.update(user=user))) == []


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("PGPASSWORD", "hunter2", "the name says it holds a credential"),
        ("MYSQL_PWD", "hunter2", "the name says it holds a credential"),
        ("DB_PASS", "hunter2", "the name says it holds a credential"),
        ("STRIPE_KEY", "hunter2", "the name says it holds a credential"),
        ("DB_PASSWORD", "/hunter2", "the name says it holds a credential"),
        ("DB_PASSWORD", "arn:hunter2", "the name says it holds a credential"),
        ("DB_PASSWORD", "arn:aws:s3:::bucket/password.txt", "the name says it holds a credential"),
        ("UPSTREAM", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
        ("SINK_OPTIONS", "mode=fast&token_value=Zx8Kq2LmN4pR7sT1vW3yB5dF6gH9jQ0a", "a high-entropy token"),
    ],
)
def test_plain_credentials_in_the_environment(deployed, name, value, fragment):
    view = broken(deployed, "containers", lambda c: c["environment"].append({"name": name, "value": value}))
    ((key, message),) = found(rules.no_plain_secrets, view)
    assert key == f"environment.{name}"
    assert fragment in message
    assert value not in message


@pytest.mark.parametrize(
    ("field", "args", "key", "fragment"),
    [
        ("command", ["serve", "--password=hunter2"], "command", "argument 1 gives --password a plain value"),
        ("command", ["serve", "--token", "abc123"], "command", "argument 2 gives --token a plain value"),
        ("command", ["sh", "-c", "PGPASSWORD=hunter2 psql -h db"], "command", "argument 2 gives PGPASSWORD"),
        ("command", ["sh", "-c", "exec app --api-key k3y"], "command", "argument 2 gives --api-key"),
        ("entryPoint", ["app", "AKIAIOSFODNN7EXAMPLE"], "entry_point", "argument 1 holds what looks like an AWS"),
        ("entryPoint", ["app", "--db-pass", "x"], "entry_point", "argument 2 gives --db-pass a plain value"),
    ],
)
def test_plain_credentials_in_command_and_entry_point(deployed, field, args, key, fragment):
    view = broken(deployed, "containers", lambda c: c.update({field: args}))
    ((found_key, message),) = found(rules.no_plain_secrets, view)
    assert found_key == key
    assert message.startswith(fragment)


@pytest.mark.parametrize(
    "args",
    [
        ["python", "-m", "news_encoder.stream", "--port", "8080"],
        ["app", "--password-file", "/run/secrets/db"],
        ["app", "--token", "$API_TOKEN"],
        ["sh", "-c", "exec app --password=${DB_PASSWORD} --port ${PORT:-8080}"],
        ["app", "--token-url", "https://auth.example.com/token", "--model", "sentence-transformers/all-MiniLM-L6-v2"],
        ["app", "--password", "--verbose"],
        ["app", "--secret", "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db-AbCdEf"],
    ],
)
def test_ordinary_commands_pass(deployed, args):
    assert found(rules.no_plain_secrets, broken(deployed, "containers", lambda c: c.update(command=args))) == []


def test_attached_policies_are_read_from_the_variant_s_own_attachments():
    data = default_data()
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["task_role_policy_arns"] = [admin]
    stack = synth(data)
    assert view_of(stack, "news-encoder_treatment").policy_arns == (admin,)
    assert view_of(stack, "news-encoder_control").policy_arns == ()


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        ("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/news-encoder", "has no tag or digest"),
        ("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/news-encoder:latest", "is `latest`"),
        ("localhost:5000/agent", "has no tag or digest"),
        ("registry.example.com:443/agent@sha256:abc", "is not an image reference"),
        ("registry.example.com/agent:1\n", "is not an image reference"),
    ],
)
def test_an_unpinned_image_is_a_finding(deployed, image, fragment):
    view = broken(deployed, "containers", lambda c: c.update(image=image))
    ((key, message),) = found(rules.image_pinned, view)
    assert key == "image" and fragment in message


@pytest.mark.parametrize(
    "image",
    [
        "localhost:5000/agent:1",
        f"public.ecr.aws/datadog/agent:latest@sha256:{'a' * 64}",
        "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/news-encoder:${var.tag}",
    ],
)
def test_a_tag_a_digest_or_a_module_variable_is_pinned(deployed, image):
    assert found(rules.image_pinned, broken(deployed, "containers", lambda c: c.update(image=image))) == []


SIDECAR = {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}


@pytest.fixture(scope="module")
def with_sidecar() -> VariantView:
    data = default_data()
    data["pipelines"]["news-encoder"]["sidecars"] = {"otel": SIDECAR}
    return view_of(synth(data), "news-encoder_control")


def sidecar_broken(view: VariantView, change) -> VariantView:
    """`view` with its sidecar (the second container) changed by `change`."""
    items = copy.deepcopy(list(view.containers))
    change(items[1])
    return dataclasses.replace(view, containers=tuple(items))


def test_a_synthesized_sidecar_is_compliant_with_every_rule(with_sidecar):
    assert [c["name"] for c in with_sidecar.containers] == ["news-encoder", "otel"]
    for rule_id, rule in rules.CHECKS.items():
        assert found(rule, with_sidecar) == [], rule_id


@pytest.mark.parametrize(
    ("rule", "change", "key"),
    [
        (rules.readonly_root, lambda c: c.update(readonlyRootFilesystem=False), ""),
        (rules.non_root_user, lambda c: c.pop("user"), "user"),
        (rules.non_root_user, lambda c: c.update(user="0"), "user"),
        (rules.not_privileged, lambda c: c.update(privileged=True), ""),
        (
            rules.no_plain_secrets,
            lambda c: c["environment"].append({"name": "DD_API_KEY", "value": "x" * 32}),
            "environment.DD_API_KEY",
        ),
        (rules.awslogs, lambda c: c.pop("logConfiguration"), ""),
        (rules.image_pinned, lambda c: c.update(image="public.ecr.aws/aws-observability/aws-otel-collector"), "image"),
    ],
)
def test_every_container_rule_judges_the_sidecar_and_names_it(with_sidecar, rule, change, key):
    violations = list(rule(sidecar_broken(with_sidecar, change)))
    assert [(v.key, v.container) for v in violations] == [(key, "otel")]


HEALTH_CHECK = {
    "command": ["CMD-SHELL", "curl -fsS localhost:8080/healthz"],
    "interval": 30,
    "timeout": 5,
    "retries": 3,
}


@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        (["CMD-SHELL", "curl -fsS -u admin:S3cret localhost:8080/healthz"], "argument 1 gives -u a plain value"),
        (["CMD-SHELL", "PGPASSWORD=S3cret pg_isready -h localhost"], "argument 1 gives PGPASSWORD a plain value"),
        (["CMD", "/bin/probe", "--token", "abc123"], "argument 3 gives --token a plain value"),
        (["CMD", "mysqladmin", "-pS3cret", "ping"], "argument 2 gives -p a plain value"),
        (["CMD", "/bin/probe", "AKIAIOSFODNN7EXAMPLE"], "argument 2 holds what looks like an AWS access key id"),
    ],
)
def test_plain_credentials_in_health_checks_of_every_container(with_sidecar, command, fragment):
    for position in (0, 1):  # the main container, then the sidecar
        items = copy.deepcopy(list(with_sidecar.containers))
        items[position]["healthCheck"] = {**HEALTH_CHECK, "command": command}
        violations = list(rules.no_plain_secrets(dataclasses.replace(with_sidecar, containers=tuple(items))))
        assert [(v.key, v.container) for v in violations] == [("health_check.command", items[position]["name"])]
        assert violations[0].message.startswith(fragment)
        assert "S3cret" not in violations[0].message


@pytest.mark.parametrize("field", ["command", "entryPoint"])
def test_plain_credentials_in_a_sidecar_s_command_and_entry_point(with_sidecar, field):
    view = sidecar_broken(with_sidecar, lambda c: c.update({field: ["sh", "-c", "redis-cli -a S3cret ping"]}))
    violations = list(rules.no_plain_secrets(view))
    key = {"command": "command", "entryPoint": "entry_point"}[field]
    assert [(v.key, v.container) for v in violations] == [(key, "otel")]


def test_an_ordinary_health_check_passes(with_sidecar):
    items = copy.deepcopy(list(with_sidecar.containers))
    for item in items:
        item["healthCheck"] = HEALTH_CHECK
    assert found(rules.no_plain_secrets, dataclasses.replace(with_sidecar, containers=tuple(items))) == []
