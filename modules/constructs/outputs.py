"""The outputs the stack and the exported module both declare, under the same names (pure, no cdktf).

Names are stable: `cluster_name`, `cluster_arn`, and per variant `<pipeline>_<variant>_<what>`,
like the resource addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config.resolve import Deployment


@dataclass(frozen=True)
class Output:
    """One module output: `attribute` of the variant at `variant` (an address), or of the module."""

    name: str
    description: str
    attribute: str
    variant: str | None = None


#: Per variant outputs: name suffix, what it is, and the attribute the construct exposes.
VARIANT_OUTPUTS = (
    ("service_name", "ECS service name", "service.name"),
    ("service_arn", "ECS service ARN", "service.id"),  # its id is the ARN; `arn` exists in 6.x only
    ("task_definition_family", "task definition family", "task_definition.family"),
    ("task_definition_arn", "task definition ARN (with revision)", "task_definition.arn"),
    ("log_group_name", "CloudWatch log group name", "log_group.name"),
    ("task_role_arn", "task role ARN (the container's own AWS permissions)", "task_role.arn"),
    ("execution_role_arn", "execution role ARN (image pull, logs, secrets)", "execution_role.arn"),
    ("security_group_id", "security group ID of the tasks (to allow in a data store's ingress)", "security_group.id"),
)


def outputs(deployment: Deployment) -> tuple[Output, ...]:
    """Every output, in the order the module declares them."""
    found = [
        Output("cluster_name", "ECS cluster name", "cluster.name"),
        Output("cluster_arn", "ECS cluster ARN", "cluster.arn"),
    ]
    for spec in deployment.variants:
        for suffix, what, attribute in VARIANT_OUTPUTS:
            found.append(
                Output(f"{spec.address}_{suffix}", f"{what} of {spec.pipeline}/{spec.variant}", attribute, spec.address)
            )
    return tuple(found)
