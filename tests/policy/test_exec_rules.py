"""ECS Exec and the policy rules: the channel grant on "*" is accepted exactly as granted, nothing wider,
and ECS-NO-EXEC flags a service that allows Exec (waivable, with the reason)."""

from __future__ import annotations

import pytest

from modules.constructs.documents import EXEC_CHANNEL_ACTIONS, exec_task_role_policy
from modules.policy import rules
from modules.policy.enforce import check_stack
from modules.policy.view import VariantView, view_of
from tests.helpers import default_data, load, synth

GROUP = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/ecs/c/exec"


def wildcard_findings(statement: dict) -> list[str]:
    view = VariantView(policies=({"Statement": [statement]},))
    return [v.message for v in rules.no_wildcard_resource(view)]


def test_the_exec_policy_we_grant_is_compliant():
    view = VariantView(policies=(exec_task_role_policy(GROUP, None),))
    assert list(rules.no_wildcard_resource(view)) == []


@pytest.mark.parametrize(
    ("actions", "listed"),
    [
        (["ssmmessages:*"], "ssmmessages:*"),
        ([*EXEC_CHANNEL_ACTIONS, "ssm:StartSession"], "ssm:StartSession"),
        (["ssmmessages:OpenDataChannel", "ecr:GetAuthorizationToken"], "ssmmessages:OpenDataChannel, ecr:Get"),
        (["logs:PutLogEvents"], "logs:PutLogEvents"),
    ],
    ids=["service-wildcard", "extra-action", "mixed-exempt-groups", "logs"],
)
def test_anything_wider_than_the_channel_statement_on_star_is_refused(actions, listed):
    (message,) = wildcard_findings({"Sid": "X", "Effect": "Allow", "Action": actions, "Resource": "*"})
    assert message.startswith(f"statement 'X' allows {listed}")


def test_a_service_allowing_exec_violates_ecs_no_exec_and_one_without_does_not():
    on = VariantView(services=({"name": "s", "enable_execute_command": True},))
    off = VariantView(services=({"name": "s", "enable_execute_command": False},))
    assert [v.key for v in rules.no_exec(on)] == ["exec"]
    assert list(rules.no_exec(off)) == []


def test_exec_without_a_waiver_is_a_finding_at_the_exec_key_and_with_one_is_waived():
    data = default_data()
    control = data["pipelines"]["news-encoder"]["variants"]["control"]
    control["exec"] = {"enabled": True}
    (finding,) = check_stack(synth(data), load(data)).findings
    assert (finding.rule, finding.variant, finding.path) == (
        "ECS-NO-EXEC",
        "news-encoder/control",
        "pipelines.news-encoder.variants.control.exec",
    )
    control["waivers"] = {"ECS-NO-EXEC": "on-call debugs stuck consumers in staging"}
    report = check_stack(synth(data), load(data))
    assert report.findings == () and [w.rule for w in report.applied] == ["ECS-NO-EXEC"]


def test_exec_with_a_waiver_passes_every_other_rule():
    data = default_data()
    control = data["pipelines"]["news-encoder"]["variants"]["control"]
    control["exec"] = {"enabled": True}
    control["waivers"] = {"ECS-NO-EXEC": "on-call debugs stuck consumers in staging"}
    view = view_of(synth(data), "news-encoder_control")
    for rule_id, rule in rules.CHECKS.items():
        expected = ["exec"] if rule_id == "ECS-NO-EXEC" else []
        assert [v.key for v in rule(view)] == expected, rule_id
