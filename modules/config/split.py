"""Moving a single stack's state to the `stacks: per_pipeline` layout with nothing replaced or destroyed (pure).

The shared stack keeps the single stack's name, backend and state, and with them the cluster. Every resource a
pipeline's own stack declares (the same address: addresses are the public contract) has a `removed` block in the
shared stack (`lifecycle.destroy = false`, `kept`): always, so that no synth of the split layout, whichever
tool runs it (`cdktf deploy`, CI), can destroy what moved; where the resource is not in the shared state it does
nothing. It arrives in the pipeline's state through an `import` block (`migration`, `synth --split-from`), by the
import id the AWS provider documents for its type, read from the resource's attributes in the old state
(`terraform show -json`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Values = Mapping[str, Any]


def _cluster_and_name(values: Values) -> str:
    return f"{values['cluster'].rsplit('/', 1)[-1]}/{values['name']}"


def _scalable_target(values: Values) -> str:
    return f"{values['service_namespace']}/{values['resource_id']}/{values['scalable_dimension']}"


#: Import ids that are not the resource's `id`, from the AWS provider's import docs (website/docs/r/<type>).
IMPORT_IDS: dict[str, Callable[[Values], str]] = {
    "aws_ecs_service": _cluster_and_name,  # <cluster name>/<service name>
    "aws_ecs_task_definition": lambda values: values["arn"],  # the ARN with its revision
    "aws_appautoscaling_target": _scalable_target,  # <namespace>/<resource id>/<dimension>
    "aws_appautoscaling_policy": lambda values: f"{_scalable_target(values)}/{values['name']}",
    "aws_cloudwatch_log_metric_filter": lambda values: f"{values['log_group_name']}:{values['name']}",
    "aws_cloudwatch_event_target": lambda values: f"{values['event_bus_name']}/{values['rule']}/{values['target_id']}",
    "aws_iam_role_policy_attachment": lambda values: f"{values['role']}/{values['policy_arn']}",
}
#: Types whose `id` is their import id (name, ARN, URL or AWS id).
BY_ID = frozenset(
    {
        "aws_cloudwatch_dashboard",
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_metric_alarm",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_kinesis_stream_consumer",  # its ARN
        "aws_security_group",
        "aws_sns_topic_subscription",
        "aws_sqs_queue",
        "aws_sqs_queue_policy",
    }
)
#: Types the provider cannot import: created again in the pipeline's stack. Application Auto Scaling's
#: PutScheduledAction creates or updates the action of that name, so the running action is updated in place.
RECREATED = frozenset({"aws_appautoscaling_scheduled_action"})


def import_id(resource_type: str, values: Values) -> str | None:
    """The id `import` takes for a resource with these attributes; None for a type in `RECREATED`."""
    if resource_type in RECREATED:
        return None
    if resource_type in IMPORT_IDS:
        return IMPORT_IDS[resource_type](values)
    if resource_type in BY_ID:
        return values["id"]
    raise ValueError(f"no import id known for {resource_type}: add it to IMPORT_IDS or BY_ID (modules/config/split.py)")


@dataclass
class Migration:
    """What `synth --split-from` adds: by pipeline stack, its Terraform `import` blocks."""

    imports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    moved: int = 0
    """Resources of the old state a pipeline's stack declares (forgotten by the shared stack: `kept`)."""
    recreated: list[str] = field(default_factory=list)
    """Addresses of `RECREATED` types: forgotten by the shared stack, created (upserted) by their pipeline's."""


def state_resources(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The managed resources of the root module of a `terraform show -json` state (a stack has no child modules)."""
    resources = state.get("values", {}).get("root_module", {}).get("resources", [])
    return [resource for resource in resources if resource.get("mode") == "managed"]


def declared(stack: Mapping[str, Any]) -> list[str]:
    """`<type>.<name>` of every resource a synthesized stack declares, in its order."""
    return [f"{rtype}.{name}" for rtype, by_name in stack.get("resource", {}).items() for name in by_name]


def kept(pipeline_stacks: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The shared stack's `removed` blocks: every resource of the pipelines' stacks (synthesized JSON by stack
    name), forgotten, never destroyed, should the shared state hold it (the single stack's state did)."""
    return [
        {"from": address, "lifecycle": {"destroy": False}}
        for document in pipeline_stacks.values()
        for address in declared(document)
    ]


def migration(state: Mapping[str, Any], pipeline_stacks: Mapping[str, Mapping[str, Any]]) -> Migration:
    """The `import` blocks moving every resource of `state` (the single stack's, now the shared stack's) that one
    of `pipeline_stacks` (synthesized JSON by stack name) declares into that stack. A resource no stack declares
    stays where it is (a plan then shows what becomes of it)."""
    owner = {address: stack for stack, document in pipeline_stacks.items() for address in declared(document)}
    found = Migration()
    for resource in state_resources(state):
        stack = owner.get(f"{resource['type']}.{resource['name']}")
        if stack is None:
            continue
        found.moved += 1
        resource_id = import_id(resource["type"], resource["values"])
        if resource_id is None:
            found.recreated.append(resource["address"])
        else:
            found.imports.setdefault(stack, []).append({"to": resource["address"], "id": resource_id})
    return found
