"""What one variant deploys, decoded from a synthesized stack: the input of every rule.

The JSON-string attributes scanners do not read (container definitions, IAM policies) are
decoded here as Terraform evaluates them (`terraform_literal.evaluate_json`: escapes resolved),
so the rules see exactly what Terraform will send to AWS. One that holds a Terraform expression
(other than a plain reference) cannot be judged before plan time: it is listed in `expressions`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ..config.names import variant_stem
from ..lib.iam_patterns import write_namespaces
from ..lib.terraform_literal import NotLiteralError, evaluate_json

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
    expressions: tuple[str, ...] = ()
    """JSON attributes whose value only Terraform can tell (`<type>.<attribute>: why`)."""
    writes: tuple[str, ...] = ()
    """What its inline policies allow writing, as resource patterns: S3 object ARNs it may s3:PutObject, and
    `<table ARN>/<leading key pattern>` for the DynamoDB items it may dynamodb:PutItem (`<table ARN>/*` without
    a `dynamodb:LeadingKeys` condition): the namespaces it writes."""
    other_writes: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """The `writes` of every other variant, by address stem (`<stack>:<stem>` for a variant of another stack of
    the same config: `across_stacks`)."""


def views_of(stack: Mapping[str, Any], stems: Iterable[str]) -> dict[str, VariantView]:
    """The view of each variant whose Terraform names are one of `stems`, in one pass over the stack.

    A resource belongs to the variant its name starts with (`owned_by`). Ingress rules count
    when they are the variant's own resources or reference one of its security groups from
    anywhere in the stack.
    """
    resources = stack.get("resource", {})
    owned: dict[str, dict[str, list[Document]]] = {stem: defaultdict(list) for stem in stems}
    for rtype, by_name in resources.items():
        for name, body in sorted(by_name.items()):
            if (stem := variant_stem(name)) in owned:
                owned[stem][rtype].append(body)
    group_owner = {
        f"${{aws_security_group.{name}.id}}": variant_stem(name) for name in resources.get("aws_security_group", {})
    }
    ingress: dict[str, list[Document]] = defaultdict(list)
    for rtype in INGRESS_RULE_TYPES:
        for name, body in sorted(resources.get(rtype, {}).items()):
            for stem in {variant_stem(name), group_owner.get(body.get("security_group_id"))} & owned.keys():
                ingress[stem].append(body)
    views = {stem: _view(by_type, tuple(ingress[stem])) for stem, by_type in owned.items()}
    writes = {stem: view.writes for stem, view in views.items() if view.writes}
    return {
        stem: replace(view, other_writes=MappingProxyType({o: w for o, w in writes.items() if o != stem}))
        for stem, view in views.items()
    }


def across_stacks(views: Mapping[str, Mapping[str, VariantView]]) -> dict[str, dict[str, VariantView]]:
    """`views_of` of several stacks (by stack name), each variant's `other_writes` extended with the writes of
    every variant of the other stacks, as `<stack>:<stem>`: environments that write one bucket or table (a
    bucket's name is global; a table's ARN names its account) overwrite each other as variants would."""
    writes = {
        f"{stack}:{stem}": (stack, view.writes)
        for stack, by_stem in views.items()
        for stem, view in by_stem.items()
        if view.writes
    }
    return {
        stack: {
            stem: replace(
                view,
                other_writes=MappingProxyType(
                    {**view.other_writes, **{key: w for key, (other, w) in writes.items() if other != stack}}
                ),
            )
            for stem, view in by_stem.items()
        }
        for stack, by_stem in views.items()
    }


def view_of(stack: Mapping[str, Any], stem: str) -> VariantView:
    """The view of the variant whose Terraform names are `stem` (e.g. news-encoder_control)."""
    return views_of(stack, [stem])[stem]


def _view(by_type: Mapping[str, list[Document]], ingress_rules: tuple[Document, ...]) -> VariantView:
    def bodies(rtype: str) -> tuple[Document, ...]:
        return tuple(by_type.get(rtype, ()))

    task_definitions = bodies("aws_ecs_task_definition")
    expressions: list[str] = []

    def decoded(rtype: str, attribute: str) -> list[Any]:
        found = []
        for body in bodies(rtype):
            try:
                found.append(evaluate_json(body[attribute]))
            except NotLiteralError as err:
                expressions.append(f"{rtype}.{attribute}: {err}")
        return found

    containers = [c for definitions in decoded("aws_ecs_task_definition", "container_definitions") for c in definitions]
    policies = [*decoded("aws_iam_role_policy", "policy"), *decoded("aws_iam_policy", "policy")]
    return VariantView(
        containers=tuple(containers),
        task_definitions=task_definitions,
        services=bodies("aws_ecs_service"),
        security_groups=bodies("aws_security_group"),
        ingress_rules=ingress_rules,
        log_groups=bodies("aws_cloudwatch_log_group"),
        policies=tuple(policies),
        policy_arns=tuple(body["policy_arn"] for body in bodies("aws_iam_role_policy_attachment")),
        expressions=tuple(expressions),
        writes=tuple(
            dict.fromkeys(
                namespace
                for policy in policies
                for statement in _as_list(policy.get("Statement"))
                for namespace in write_namespaces(statement)
            )
        ),
    )


def _as_list(value: object) -> list:
    return list(value) if isinstance(value, list | tuple) else [] if value is None else [value]
