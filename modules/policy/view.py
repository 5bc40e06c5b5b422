"""What one variant deploys, decoded from a synthesized stack: the input of every rule.

The JSON-string attributes scanners do not read (container definitions, IAM policies) are
decoded here, so the rules see exactly what Terraform will send to AWS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..config.names import owned_by

Document = dict[str, Any]

#: Resource types holding ingress rules outside the security group itself.
INGRESS_RULE_TYPES = ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule")


@dataclass(frozen=True)
class VariantView:
    """The resources of one variant, by kind, with JSON strings decoded."""

    containers: tuple[Document, ...] = ()
    task_definitions: tuple[Document, ...] = ()
    services: tuple[Document, ...] = ()
    security_groups: tuple[Document, ...] = ()
    ingress_rules: tuple[Document, ...] = ()
    log_groups: tuple[Document, ...] = ()
    policies: tuple[Document, ...] = ()
    policy_arns: tuple[str, ...] = ()
    """Managed policies attached to the variant's roles."""


def _owned(stack: Mapping[str, Any], rtype: str, stem: str) -> list[tuple[str, Document]]:
    """(Terraform name, body) of the `rtype` resources named `stem` or `stem_*`."""
    by_name = stack.get("resource", {}).get(rtype, {})
    return [(name, body) for name, body in sorted(by_name.items()) if owned_by(name, stem)]


def _bodies(stack: Mapping[str, Any], rtype: str, stem: str) -> tuple[Document, ...]:
    return tuple(body for _, body in _owned(stack, rtype, stem))


def view_of(stack: Mapping[str, Any], stem: str) -> VariantView:
    """The view of the variant whose Terraform names are `stem` (e.g. news-encoder_control).

    Ingress rules count when they are the variant's own resources or reference one of its
    security groups from anywhere in the stack.
    """
    group_refs = {f"${{aws_security_group.{name}.id}}" for name, _ in _owned(stack, "aws_security_group", stem)}
    ingress: list[Document] = []
    for rtype in INGRESS_RULE_TYPES:
        for name, body in sorted(stack.get("resource", {}).get(rtype, {}).items()):
            if owned_by(name, stem) or body.get("security_group_id") in group_refs:
                ingress.append(body)
    task_definitions = _bodies(stack, "aws_ecs_task_definition", stem)
    policies = [
        json.loads(body["policy"])
        for rtype in ("aws_iam_role_policy", "aws_iam_policy")
        for body in _bodies(stack, rtype, stem)
    ]
    return VariantView(
        containers=tuple(c for td in task_definitions for c in json.loads(td["container_definitions"])),
        task_definitions=task_definitions,
        services=_bodies(stack, "aws_ecs_service", stem),
        security_groups=_bodies(stack, "aws_security_group", stem),
        ingress_rules=tuple(ingress),
        log_groups=_bodies(stack, "aws_cloudwatch_log_group", stem),
        policies=tuple(policies),
        policy_arns=tuple(body["policy_arn"] for body in _bodies(stack, "aws_iam_role_policy_attachment", stem)),
    )
