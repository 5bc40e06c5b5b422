"""One pure function per rule: VariantView -> the violations it finds.

A violation names the config key responsible (`user`, `environment.DB_PASSWORD`; empty when
no config key controls it) so that findings point at the line to change. Rule ids and titles:
`catalog.RULES`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..config import images
from ..lib.iam_patterns import namespaces_overlap
from . import credentials, managed_policies
from .catalog import RULES
from .view import VariantView

OPEN_CIDRS = ("0.0.0.0/0", "::/0")
#: A numeric uid as a container runtime may read it (sign and leading zeros included).
NUMERIC_UID = re.compile(r"\s*[+-]?[0-9]+\s*")
#: Actions that only accept Resource "*", each set granted in a statement of its own: ECR's token,
#: and the SSM session channels ECS Exec opens (IAM defines no resource type for these ssmmessages
#: actions: Service Authorization Reference, "Actions defined by Amazon Session Manager Message
#: Gateway Service"). A statement mixing them with anything else, or naming `ssmmessages:*`, is refused.
WILDCARD_ACTIONS = (
    ("ecr:GetAuthorizationToken",),
    (
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ),
)
#: Every argument list of a container definition (a command run in the container) -> its config key.
ARGUMENT_LISTS = (
    (("entryPoint",), "entry_point"),
    (("command",), "command"),
    (("healthCheck", "command"), "health_check.command"),
)


@dataclass(frozen=True)
class Violation:
    """What a rule found: the config key responsible and why it is a problem.

    `container` names the container it was found in (empty: not about one container); the key is
    relative to it, so `user` of a sidecar is fixed at that sidecar's `user`.
    """

    key: str
    message: str
    container: str = ""


Rule = Callable[[VariantView], Iterator[Violation]]


def _name(container: dict) -> str:
    return str(container.get("name", ""))


def readonly_root(view: VariantView) -> Iterator[Violation]:
    for container in view.containers:
        if container.get("readonlyRootFilesystem") is not True:
            yield Violation("", f"container {container.get('name')!r} has a writable root filesystem", _name(container))


def non_root_user(view: VariantView) -> Iterator[Violation]:
    for container in view.containers:
        user = container.get("user")
        if not user:
            yield Violation(
                "user",
                "not set: the container runs as the image's USER, which is root unless the image says "
                "otherwise; set user to a non-root uid[:gid]",
                _name(container),
            )
        elif is_root(str(user)):
            yield Violation(
                "user",
                f"the container runs as root ({user!r}); use a non-root uid[:gid]",
                _name(container),
            )


def is_root(user: str) -> bool:
    """True when `user` (`uid[:gid]` or `name[:group]`) runs as root: the name root, or any spelling of uid 0.

    A numeric uid counts modulo 2**32 (`00`, `-0`, `+0` and `4294967296` are all uid 0 to a runtime
    that wraps it); a name is compared case-insensitively.
    """
    uid = user.split(":", 1)[0]
    if NUMERIC_UID.fullmatch(uid):
        return int(uid) % 2**32 == 0
    return uid.strip().lower() == "root"


def not_privileged(view: VariantView) -> Iterator[Violation]:
    for container in view.containers:
        if container.get("privileged") is True:
            yield Violation("", f"container {container.get('name')!r} is privileged", _name(container))


def no_plain_secrets(view: VariantView) -> Iterator[Violation]:
    for container in view.containers:
        for variable in container.get("environment") or []:
            name, value = variable.get("name", ""), str(variable.get("value", ""))
            why = credentials.plain_credential(name, value)
            if why:
                yield Violation(
                    f"environment.{name}",
                    f"{why}, but it is a plain environment variable; "
                    "move it to secrets (a Secrets Manager or SSM parameter ARN)",
                    _name(container),
                )
        for path, key in ARGUMENT_LISTS:
            for index, how in credentials.credential_arguments(_at(container, path)).items():
                yield Violation(
                    key,
                    f"argument {index} {how}; pass it through secrets (an environment variable from a "
                    "Secrets Manager or SSM parameter ARN) and read it from there",
                    _name(container),
                )


def _at(document: dict, path: tuple[str, ...]) -> list[str]:
    for step in path:
        document = document.get(step) or {}
    return [str(item) for item in document] if isinstance(document, list) else []


def awslogs(view: VariantView) -> Iterator[Violation]:
    required = ("awslogs-group", "awslogs-region", "awslogs-stream-prefix")
    for container in view.containers:
        logging = container.get("logConfiguration") or {}
        options = logging.get("options") or {}
        missing = [option for option in required if not options.get(option)]
        if logging.get("logDriver") != "awslogs":
            yield Violation(
                "", f"container {container.get('name')!r} does not use the awslogs log driver", _name(container)
            )
        elif missing:
            yield Violation("", f"awslogs options missing: {', '.join(missing)}", _name(container))


def image_pinned(view: VariantView) -> Iterator[Violation]:
    for container in view.containers:
        image = str(container.get("image", ""))
        if "${" in image:
            continue  # a reference (the exported module's image variable) is only known at plan time
        try:
            reference = images.parse(image)
        except ValueError:
            yield Violation(
                "image", f"container {container.get('name')!r}: {image!r} is not an image reference", _name(container)
            )
            continue
        if reference.digest:
            continue
        if reference.tag is None:
            yield Violation(
                "image",
                f"container {container.get('name')!r}: image {image!r} has no tag or digest, so it is `latest`; "
                "pin a release tag or a digest",
                _name(container),
            )
        elif reference.tag == "latest":
            yield Violation(
                "image",
                f"container {container.get('name')!r}: image {image!r} is `latest`, which moves: each task may "
                "pull another image; pin a release tag or a digest",
                _name(container),
            )


def distinct_roles(view: VariantView) -> Iterator[Violation]:
    for task in view.task_definitions:
        execution, role = task.get("execution_role_arn"), task.get("task_role_arn")
        if not execution or not role:
            yield Violation("", "the task definition needs both an execution role and a task role")
        elif execution == role:
            yield Violation("", "the execution role is also the task role; the container would get ECS's permissions")


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def no_wildcard_resource(view: VariantView) -> Iterator[Violation]:
    for policy in view.policies:
        for statement in _as_list(policy.get("Statement")):
            if statement.get("Effect") != "Allow":
                continue
            if "NotResource" in statement or "NotAction" in statement:
                yield Violation("", f"statement {statement.get('Sid', '')!r} uses NotResource/NotAction")
                continue
            actions = _as_list(statement.get("Action"))
            if "*" not in _as_list(statement.get("Resource")):
                continue
            allowed = next((group for group in WILDCARD_ACTIONS if set(actions) <= set(group)), ())
            if not allowed:
                exempt = {action for group in WILDCARD_ACTIONS for action in group}
                listed = ", ".join(a for a in actions if a not in exempt) or ", ".join(actions)
                yield Violation("", f"statement {statement.get('Sid', '')!r} allows {listed} on Resource '*'")


def no_admin_policy(view: VariantView) -> Iterator[Violation]:
    for arn in view.policy_arns:
        reason = managed_policies.denied(arn)
        if reason:
            yield Violation(
                "task_role_policy_arns",
                f"{arn.split(':policy/', 1)[-1]} {reason}; "
                "attach a policy scoped to the streams, queues and buckets the pipeline uses",
            )


def no_exec(view: VariantView) -> Iterator[Violation]:
    for service in view.services:
        if service.get("enable_execute_command") is True:
            yield Violation(
                "exec",
                f"service {service.get('name')!r} allows ECS Exec: whoever may call ecs:ExecuteCommand gets a shell "
                "with the task role's permissions; waive ECS-NO-EXEC with who needs it and why",
            )


def no_public_ip(view: VariantView) -> Iterator[Violation]:
    for service in view.services:
        if (service.get("network_configuration") or {}).get("assign_public_ip") is True:
            yield Violation("", f"service {service.get('name')!r} assigns a public IP")


def no_open_ingress(view: VariantView) -> Iterator[Violation]:
    rules = [rule for group in view.security_groups for rule in group.get("ingress") or []]
    rules += [rule for rule in view.ingress_rules if rule.get("type", "ingress") == "ingress"]
    for rule in rules:
        cidrs = [*_as_list(rule.get("cidr_blocks")), *_as_list(rule.get("ipv6_cidr_blocks"))]
        cidrs += [rule[key] for key in ("cidr_ipv4", "cidr_ipv6") if rule.get(key)]
        for cidr in cidrs:
            if cidr in OPEN_CIDRS:
                yield Violation("", f"ingress from {cidr} (port {rule.get('from_port')})")


def log_retention(view: VariantView) -> Iterator[Violation]:
    for group in view.log_groups:
        if not group.get("retention_in_days"):
            yield Violation("log_retention_days", f"log group {group.get('name')!r} keeps logs forever")


def own_namespace(view: VariantView) -> Iterator[Violation]:
    for resource in view.writes:
        for other, theirs in sorted(view.other_writes.items()):
            shared = next((pattern for pattern in theirs if namespaces_overlap(resource, pattern)), None)
            if shared is None:
                continue
            stack, _, stem = other.rpartition(":")
            if stack:
                yield Violation(
                    "output",
                    f"writes {resource}, which {stem.replace('_', '/')} of stack {stack!r} also writes ({shared}): "
                    "the environments overwrite each other's features; give each environment its own namespace "
                    "(`environments.<name>.pipelines.<pipeline>.output.s3.prefix` or `.dynamodb.prefix`)",
                )
                continue
            yield Violation(
                "output",
                f"writes {resource}, which {stem.replace('_', '/')} also writes ({shared}): the variants "
                "overwrite each other's features and the A/B comparison reads mixed data; give each its own "
                "namespace (`output.s3.prefix`, `output.dynamodb.prefix`), or waive DATA-OWN-NAMESPACE with the "
                "reason",
            )


#: Rule id -> rule, in catalog order.
CHECKS: dict[str, Rule] = {
    "ECS-READONLY-ROOT": readonly_root,
    "ECS-NON-ROOT-USER": non_root_user,
    "ECS-NOT-PRIVILEGED": not_privileged,
    "ECS-NO-PLAIN-SECRETS": no_plain_secrets,
    "ECS-AWSLOGS": awslogs,
    "ECS-IMAGE-PINNED": image_pinned,
    "IAM-DISTINCT-ROLES": distinct_roles,
    "IAM-NO-WILDCARD-RESOURCE": no_wildcard_resource,
    "IAM-NO-ADMIN-POLICY": no_admin_policy,
    "ECS-NO-EXEC": no_exec,
    "NET-NO-PUBLIC-IP": no_public_ip,
    "NET-NO-OPEN-INGRESS": no_open_ingress,
    "LOG-RETENTION": log_retention,
    "DATA-OWN-NAMESPACE": own_namespace,
}
assert list(CHECKS) == list(RULES), "every catalogued rule has exactly one check"
