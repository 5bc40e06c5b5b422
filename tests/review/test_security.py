"""The `security` danger: new or widened grants, on real synth outputs of pairs of configs and on
small hand-written stacks (container user, IAM statements, Terraform expressions)."""

import json

import pytest

from modules.review import report
from modules.review.changes import infer
from modules.review.dangers import find
from modules.review.outputs import parse_stack, read_output
from modules.review.review import review
from modules.review.security import image_source, is_root
from tests.review.synthesized import output, variant

TREATMENT = "news-encoder_treatment"
S3_READ = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def compare(synth_outputs, mutation, base_mutation=None):
    base = read_output(output(synth_outputs, *([base_mutation] if base_mutation else [])), "--base")
    return review(base, read_output(output(synth_outputs, mutation), "--head"))


def security(result):
    return [(d.address, d.detail) for d in result.dangers if d.kind == "security"]


def set_treatment(**settings):
    return lambda data: variant(data, "treatment").update(settings)


def test_a_managed_policy_attached_to_a_task_role(synth_outputs):
    result = compare(synth_outputs, set_treatment(task_role_policy_arns=[S3_READ]))
    ((address, detail),) = security(result)
    assert address.startswith(f"aws_iam_role_policy_attachment.{TREATMENT}_task_")
    assert (
        detail
        == f'managed policy "{S3_READ}" attached to aws_iam_role.{TREATMENT}_task: its tasks gain its permissions'
    )
    assert security(compare(synth_outputs, lambda data: None, set_treatment(task_role_policy_arns=[S3_READ]))) == [], (
        "a policy detached is no grant"
    )


@pytest.mark.parametrize(
    ("egress", "widened"),
    [
        ([{"port": 443}, {"port": 9098, "cidr_blocks": ["10.0.0.0/16"]}], "tcp port 9098-9098 to 10.0.0.0/16"),
        ([{"port": 443, "protocol": "udp"}], "udp port 443-443 to 0.0.0.0/0"),
    ],
)
def test_egress_widened_by_a_new_port_or_protocol(synth_outputs, egress, widened):
    result = compare(synth_outputs, set_treatment(egress=egress))
    assert security(result) == [(f"aws_security_group.{TREATMENT}", f"egress widened: {widened}")]


def test_egress_widened_to_a_broader_cidr_but_not_narrowed(synth_outputs):
    narrow = set_treatment(egress=[{"port": 443, "cidr_blocks": ["10.0.0.0/16"]}])
    broader = set_treatment(egress=[{"port": 443, "cidr_blocks": ["10.0.0.0/8"]}])
    assert security(compare(synth_outputs, broader, narrow)) == [
        (f"aws_security_group.{TREATMENT}", "egress widened: tcp port 443-443 to 10.0.0.0/8")
    ]
    assert security(compare(synth_outputs, narrow)) == [], "0.0.0.0/0 -> 10.0.0.0/16 narrows"


def test_a_waiver_added_or_removed(synth_outputs):
    waived = set_treatment(waivers={"ECS-READONLY-ROOT": "the model cache writes to /opt"})
    added = security(compare(synth_outputs, waived))
    assert added == [
        (
            f"//.variants.{TREATMENT}.waivers",
            "news-encoder/treatment: policy waiver ECS-READONLY-ROOT added: the rule no longer stops this variant",
        )
    ]
    removed = security(compare(synth_outputs, lambda data: None, waived))
    assert removed == [
        (
            f"//.variants.{TREATMENT}.waivers",
            "news-encoder/treatment: policy waiver ECS-READONLY-ROOT removed: the rule applies again",
        )
    ]


def test_an_image_from_another_repository_or_registry(synth_outputs):
    other_repo = set_treatment(repository_arn="arn:aws:ecr:ap-northeast-1:123456789012:repository/other")
    other_account = set_treatment(repository_arn="arn:aws:ecr:ap-northeast-1:210987654321:repository/news-encoder")
    path = "container_definitions[news-encoder].image"
    assert (
        f"aws_ecs_task_definition.{TREATMENT}",
        f"{path}: from another repository (news-encoder -> other)",
    ) in security(compare(synth_outputs, other_repo))
    assert (
        f"aws_ecs_task_definition.{TREATMENT}",
        f"{path}: from another registry (123456789012.dkr.ecr.ap-northeast-1.amazonaws.com -> "
        "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com)",
    ) in security(compare(synth_outputs, other_account))


def test_an_image_bump_is_no_grant(synth_outputs):
    assert security(compare(synth_outputs, set_treatment(image_tag="2026-12-01"))) == []


def test_security_dangers_are_listed_in_markdown(synth_outputs):
    text = report.markdown(compare(synth_outputs, set_treatment(task_role_policy_arns=[S3_READ])))
    assert "**1 danger** (security 1)" in text.splitlines()[2]
    assert f"| security | `aws_iam_role_policy_attachment.{TREATMENT}_task_" in text


@pytest.mark.parametrize("user", ["0", "00", "-0", "root", "0:0", "000:1000", "root:root", " 0"])
def test_root_in_any_representation(user):
    assert is_root(user)


@pytest.mark.parametrize("user", ["1000", "1000:0", "10", "rooter", "app", ""])
def test_not_root(user):
    assert not is_root(user)


@pytest.mark.parametrize(
    ("image", "source"),
    [
        (
            "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/a/b:1",
            ("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com", "a/b"),
        ),
        ("nginx:1.27", ("docker.io", "nginx")),
        ("library/nginx@sha256:abc", ("docker.io", "library/nginx")),
        ("localhost:5000/app:2", ("localhost:5000", "app")),
        ("ghcr.io/org/app", ("ghcr.io", "org/app")),
    ],
)
def test_image_source(image, source):
    assert image_source(image) == source


# Hand-written stacks: one task definition, one inline policy.

TAGS = {"pipeline": "p", "variant": "v"}


def stack(container=None, policy=None):
    settings = {"name": "app", "image": "1.dkr.ecr.us-east-1.amazonaws.com/app:1", "user": "1000", **(container or {})}
    container = {key: value for key, value in settings.items() if value is not None}
    resources = {
        "aws_ecs_task_definition": {"p_v": {"container_definitions": json.dumps([container]), "tags": TAGS}},
        "aws_iam_role": {"p_v_task": {"name": "r", "tags": TAGS}},
    }
    if policy is not None:
        document = {"Version": "2012-10-17", "Statement": policy}
        resources["aws_iam_role_policy"] = {
            "p_v_task": {"policy": json.dumps(document), "role": "${aws_iam_role.p_v_task.id}", "tags": TAGS}
        }
    return parse_stack("s", {"provider": {"aws": [{"region": "us-east-1"}]}, "resource": resources})


def details(base, head):
    return [(d.address, d.detail) for d in find(infer(base, head), base, head, inferred=True) if d.kind == "security"]


@pytest.mark.parametrize("user", ["0", "00", "root", "0:0"])
def test_a_user_change_to_root_says_so(user):
    ((_, detail),) = details(stack(), stack({"user": user}))
    assert detail == f'container_definitions[app].user changes from "1000" to "{user}" (to root: uid 0)'


def test_any_user_change_is_flagged():
    assert details(stack(), stack({"user": "1001"})) == [
        ("aws_ecs_task_definition.p_v", 'container_definitions[app].user changes from "1000" to "1001"')
    ]
    assert details(stack(), stack({"user": None})) == [
        (
            "aws_ecs_task_definition.p_v",
            'container_definitions[app].user changes from "1000" to unset (the image\'s USER, often root)',
        )
    ]


def test_a_container_added_to_a_task_definition():
    base = stack()
    two = json.loads(base.resources["aws_ecs_task_definition.p_v"]["container_definitions"])
    two.append({"name": "sidecar", "image": "evil.example.com/x:1", "user": "0"})
    head = stack()
    head.resources["aws_ecs_task_definition.p_v"] = {"container_definitions": json.dumps(two), "tags": TAGS}
    assert (
        "aws_ecs_task_definition.p_v",
        'container_definitions[sidecar]: a container is added (image "evil.example.com/x:1", user "0"): '
        "it runs with the task role",
    ) in details(base, head)


READ = {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        ([READ], []),
        ([{**READ, "Resource": "arn:aws:s3:::bucket/models/*"}], []),
        ([{**READ, "Action": "S3:getobject"}], []),
        (
            [{**READ, "Action": ["s3:GetObject", "s3:PutObject"]}],
            ["policy statement Read grants more: actions s3:PutObject"],
        ),
        ([{**READ, "Resource": "*"}], ["policy statement Read grants more: resources *"]),
        ([{**READ, "Action": "s3:*"}], ["policy statement Read grants more: actions s3:*"]),
        (
            [READ, {"Sid": "Kms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}],
            ["policy statement Kms grants more: actions kms:Decrypt; resources *"],
        ),
    ],
)
def test_iam_statements_added_or_widened(statements, expected):
    found = details(stack(policy=[READ]), stack(policy=statements))
    assert [detail for _, detail in found] == expected


def test_a_removed_deny_widens_and_a_new_inline_policy_on_an_existing_role_grants():
    deny = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
    assert [d for _, d in details(stack(policy=[READ, deny]), stack(policy=[READ]))] == [
        "policy statement denying s3:DeleteObject is removed"
    ]
    assert details(stack(), stack(policy=[READ])) == [
        (
            "aws_iam_role_policy.p_v_task",
            "policy statement Read grants more: actions s3:GetObject; resources arn:aws:s3:::bucket/*",
        )
    ]


def test_a_terraform_expression_in_a_changed_value_is_shown_and_flagged():
    hidden = "${substr(jsonencode({a=1}),1,1)}"
    head = stack({"environment": [{"name": "MODEL", "value": f"v2{hidden}"}]})
    base = stack({"environment": [{"name": "MODEL", "value": "v1"}]})
    (change,) = infer(base, head)
    (attribute,) = change.attributes
    assert attribute.path == "container_definitions[app].environment[MODEL]"
    assert (attribute.old, str(attribute.new), type(attribute.new).__name__) == ("v1", f"v2{hidden}", "Evaluated")
    assert details(base, head) == [
        (
            "aws_ecs_task_definition.p_v",
            "a Terraform expression in container_definitions[app].environment[MODEL]: Terraform evaluates it at "
            f'plan time ("{hidden}")',
        )
    ]
    result = review({"s": base}, {"s": head})
    assert f"Terraform expression `v2{hidden}`" in report.markdown(result)
    document = json.loads(report.as_json(result))
    assert document["changes"][0]["attributes"][0]["new"] == {"terraform_expression": f"v2{hidden}"}


def test_escaped_text_is_shown_as_aws_receives_it_and_is_no_danger():
    head = stack(
        {
            "command": ["sh", "-c", "exec app --port $${PORT:-8080} %%{x}"],
            "environment": [{"name": "A", "value": "$$${a}"}],
        }
    )
    base = stack({"command": ["sh", "-c", "exec app"], "environment": [{"name": "A", "value": "b"}]})
    (change,) = infer(base, head)
    assert {a.path: a.new for a in change.attributes} == {
        "container_definitions[app].command": ["sh", "-c", "exec app --port ${PORT:-8080} %{x}"],
        "container_definitions[app].environment[A]": "$${a}",
    }
    assert details(base, head) == []


def test_a_reference_is_no_expression_danger():
    head = stack({"environment": [{"name": "GROUP", "value": "${aws_cloudwatch_log_group.p_v.name}"}]})
    assert details(stack(), head) == []


def test_a_sidecar_added_to_a_variant_is_a_security_danger(synth_outputs):
    sidecar = {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}
    result = compare(synth_outputs, set_treatment(sidecars={"otel-collector": sidecar}))
    added = [(a, d) for a, d in security(result) if "a container is added" in d]
    assert added == [
        (
            f"aws_ecs_task_definition.{TREATMENT}",
            "container_definitions[otel-collector]: a container is added (image "
            '"public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", user "10001"): it runs with the task role',
        )
    ]
