"""The inputs of the exported Terraform module: its variables (pure, no cdktf).

Its outputs are the stack's (`constructs.outputs`).

Names are stable: fixed ones (`vpc_id`, `subnet_ids`, `tags`, `cluster_name`, `cluster_arn`)
and per variant `<pipeline>_<variant>_<what>`, like the resource addresses. Pipeline and
variant names cannot contain `_`, so no two names collide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config.images import DIGEST, TAG
from ..config.resolve import Deployment, VariantSpec

_IMAGE_REFERENCE = f"^({DIGEST}|{TAG})$"


@dataclass(frozen=True)
class Variable:
    """One module input: its type, description, default (the config's value) and a check."""

    name: str
    type: str
    description: str
    default: Any
    condition: str | None = None
    error_message: str | None = None


def image_tag_variable(spec: VariantSpec) -> str:
    return f"{spec.address}_image_tag"


def desired_count_variable(spec: VariantSpec) -> str:
    return f"{spec.address}_desired_count"


#: Switches every observability resource of the module (`count` 1 or 0).
OBSERVABILITY_ENABLED = "observability_enabled"


def alarms_enabled_variable(spec: VariantSpec) -> str:
    return f"{spec.address}_alarms_enabled"


def variables(deployment: Deployment) -> tuple[Variable, ...]:
    """Every input, in the order the module declares them."""
    found = [
        Variable(
            "vpc_id",
            "string",
            "VPC of the variants' security groups (it must hold `subnet_ids`)",
            deployment.vpc_id,
            'can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_id))',
            "vpc_id must look like vpc-0123456789abcdef0.",
        ),
        Variable(
            "subnet_ids",
            "list(string)",
            "Subnets the tasks run in (private subnets: tasks never get a public IP)",
            list(deployment.subnet_ids),
            "length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16",
            "subnet_ids needs 1 to 16 subnet IDs.",
        ),
        Variable(
            "tags",
            "map(string)",
            "Tags on every resource; each resource adds its own pipeline and variant tags",
            dict(deployment.tags),
            "length(var.tags) <= 40",
            "tags holds at most 40 tags (AWS allows 50 per resource, including the module's own).",
        ),
    ]
    if any(spec.observability is not None for spec in deployment.variants):
        found.append(
            Variable(
                OBSERVABILITY_ENABLED,
                "bool",
                "Create the dashboards, alarms, error metric filters and deployment-event rules; false removes "
                "them all (the services are untouched)",
                True,
            )
        )
    for spec in deployment.variants:
        found.append(
            Variable(
                image_tag_variable(spec),
                "string",
                f"Image tag, or sha256: digest, of {spec.pipeline}/{spec.variant} in {spec.repository.uri}",
                spec.image.reference,
                f'can(regex("{_IMAGE_REFERENCE}", var.{image_tag_variable(spec)}))',
                "Use an image tag (letters, digits, '_', '.', '-', at most 128) or sha256:<64 hex digits>.",
            )
        )
        if spec.settings.autoscaling is None:
            found.append(
                Variable(
                    desired_count_variable(spec),
                    "number",
                    f"Tasks the {spec.pipeline}/{spec.variant} service keeps running",
                    spec.settings.desired_count,
                    f"var.{desired_count_variable(spec)} >= 0 && var.{desired_count_variable(spec)} <= 1000 && "
                    f"floor(var.{desired_count_variable(spec)}) == var.{desired_count_variable(spec)}",
                    "Use a whole number of tasks from 0 to 1000.",
                )
            )
        if spec.observability is not None:
            found.append(
                Variable(
                    alarms_enabled_variable(spec),
                    "bool",
                    f"Create the alarms and deployment-event rule of {spec.pipeline}/{spec.variant} (with "
                    f"`{OBSERVABILITY_ENABLED}`); false removes them, its error metric filter stays for the dashboard",
                    True,
                )
            )
    return tuple(found)
