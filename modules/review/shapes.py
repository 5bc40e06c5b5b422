"""The shapes `review` reads, checked before use: a synthesized stack (cdk.tf.json) and a plan
(`terraform show -json PLANFILE`). Anything else is refused with the path of the first bad field,
so malformed but JSON-valid input is one line and exit 2, never a traceback (pure)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..config.errors import join_path
from ..config.pricing import PricingConfig

MAX_DEPTH = 64
"""Deepest nesting accepted, counting JSON documents held in strings (container definitions,
policies); ours are under 10 deep. Bounds every recursive walk of the review."""

Count = Annotated[int, Field(ge=0, le=1_000_000)]
Units = Count | Annotated[str, StringConstraints(pattern=r"^[0-9]{1,7}$")]
"""Task CPU units / memory MiB: Terraform takes a number or a string of digits."""


class _Open(BaseModel):
    """A block whose other keys the review does not read."""

    model_config = ConfigDict(extra="allow")


class _Lifecycle(_Open):
    ignore_changes: Literal["all"] | list[str] | None = None


class Body(_Open):
    """Any resource body: what the review reads of every type."""

    tags: dict[str, str] | None = None
    lifecycle: _Lifecycle | None = None


class _Strategy(_Open):
    capacity_provider: str
    weight: Count = 0


class Service(Body):
    desired_count: Count | None = None
    capacity_provider_strategy: list[_Strategy] | None = None
    task_definition: str | None = None


class _Platform(_Open):
    cpu_architecture: str | None = None


class _Storage(_Open):
    size_in_gib: Count | None = None


class TaskDefinition(Body):
    cpu: Units | None = None
    memory: Units | None = None
    runtime_platform: _Platform | list[_Platform] | None = None
    ephemeral_storage: _Storage | list[_Storage] | None = None
    container_definitions: str | None = None


class ScalableTarget(Body):
    min_capacity: Count | None = None
    max_capacity: Count | None = None


class _Egress(_Open):
    from_port: int | None = None
    to_port: int | None = None
    protocol: str | None = None
    cidr_blocks: list[str] | None = None
    ipv6_cidr_blocks: list[str] | None = None
    prefix_list_ids: list[str] | None = None
    security_groups: list[str] | None = None


class SecurityGroup(Body):
    egress: list[_Egress] | None = None


class PolicyAttachment(Body):
    policy_arn: str | None = None
    role: str | None = None


class RolePolicy(Body):
    policy: str | None = None
    role: str | None = None


#: Resource type -> the shape its body must have (Body for the others).
BODIES: dict[str, type[Body]] = {
    "aws_ecs_service": Service,
    "aws_ecs_task_definition": TaskDefinition,
    "aws_appautoscaling_target": ScalableTarget,
    "aws_security_group": SecurityGroup,
    "aws_iam_role_policy_attachment": PolicyAttachment,
    "aws_iam_role_policy": RolePolicy,
    "aws_iam_policy": RolePolicy,
}


class VariantRecord(_Open):
    """What a stack records per variant under `//.variants` (config.fingerprint)."""

    pipeline: str | None = None
    variant: str | None = None
    own_config: str | None = None
    pipeline_config: str | None = None
    waivers: list[str] | None = None


class _Comments(_Open):
    variants: dict[str, VariantRecord] = {}
    pricing: PricingConfig = PricingConfig()


class _AwsProvider(_Open):
    region: str | None = None


class _Provider(_Open):
    aws: _AwsProvider | list[_AwsProvider] | None = None


class _Terraform(_Open):
    backend: dict[str, dict[str, Any]] = {}


class StackDocument(_Open):
    """A cdk.tf.json as the review reads it."""

    terraform: _Terraform = _Terraform()
    provider: _Provider = _Provider()
    resource: dict[str, dict[str, dict[str, Any]]] = {}
    comments: _Comments = Field(default=_Comments(), alias="//")


class _Change(_Open):
    actions: list[str]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    replace_paths: list[list[str | int]] | None = None
    importing: dict[str, Any] | None = None


class _ResourceChange(_Open):
    address: Annotated[str, StringConstraints(pattern=r"^[^.]+\..+$")]
    change: _Change


class PlanDocument(_Open):
    """`terraform show -json PLANFILE` as the review reads it (a state's JSON lacks `planned_values`)."""

    format_version: str
    planned_values: dict[str, Any]
    resource_changes: list[_ResourceChange] = []
    resource_drift: list[_ResourceChange] = []
    """What the refresh found changed outside Terraform (all a refresh-only plan holds)."""


def _nested_json(value: str) -> Any:
    """A JSON object or array held in a string, else None (as `diff` decodes them)."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return None


def too_deep(data: Any) -> str | None:
    """The path of the first value nested deeper than MAX_DEPTH (JSON in strings counts), else None."""
    pending: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while pending:
        value, path = pending.pop()
        if len(path) > MAX_DEPTH:
            return join_path(path[:MAX_DEPTH]) + "..."
        if isinstance(value, dict):
            pending += [(item, (*path, key)) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(item, (*path, i)) for i, item in enumerate(value)]
        elif isinstance(value, str) and (inner := _nested_json(value)) is not None:
            pending.append((inner, path))
    return None


def _first_error(error: ValidationError, prefix: tuple[Any, ...] = ()) -> str:
    item = error.errors(include_url=False)[0]
    loc = [part for part in (*prefix, *item["loc"]) if part != "[key]"]
    if item["type"] in ("model_type", "dict_type"):
        message = "expected a JSON object"
    else:
        message = item["msg"].removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
    got = "" if item["type"] == "missing" else f" (got {json.dumps(item.get('input'), default=str)[:60]})"
    return f"{join_path(loc) or '<top level>'}: {message}{got}"


def stack_problem(data: Any) -> str | None:
    """Why `data` is not a stack the review can read (the bad field's path first), else None."""
    deep = too_deep(data)
    if deep:
        return f"{deep}: nested deeper than {MAX_DEPTH} levels"
    try:
        document = StackDocument.model_validate(data)
    except ValidationError as error:
        return _first_error(error)
    for rtype, by_name in document.resource.items():
        model = BODIES.get(rtype, Body)
        for name, body in by_name.items():
            try:
                model.model_validate(body)
            except ValidationError as error:
                return _first_error(error, ("resource", rtype, name))
    return None


def plan_problem(data: Any) -> str | None:
    """Why `data` is not a plan the review can read, else None."""
    deep = too_deep(data)
    if deep:
        return f"{deep}: nested deeper than {MAX_DEPTH} levels"
    try:
        PlanDocument.model_validate(data)
    except ValidationError as error:
        return _first_error(error)
    return None
