"""An experiment's step in a plan: a variant started beside an untouched control, or a promotion (control
updated in place, the other variants destroyed), with what a destroyed variant leaves behind (pure).

Read from Terraform's plan only: whether a service is replaced or updated in place is the plan's to say.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .changes import CREATE, DELETE, REPLACE, ResourceChange

SERVICE = "aws_ecs_service"
TASK_DEFINITION = "aws_ecs_task_definition"
LOG_GROUP = "aws_cloudwatch_log_group"
QUEUE = "aws_sqs_queue"
#: The container environment variable naming a variant's output namespace (docs/data-isolation.md).
OUTPUT_VARIABLE = "FEATURE_OUTPUT_URI"


def steps(changes: list[ResourceChange]) -> list[str]:
    """One line per pipeline whose plan is an experiment's step: a start or a promotion; then what
    stays and what goes of each destroyed variant."""
    by_pipeline: dict[tuple[str, str], dict[str, list[ResourceChange]]] = {}
    for change in changes:
        if change.owner.pipeline and change.owner.variant:
            variants = by_pipeline.setdefault((change.stack, change.owner.pipeline), {})
            variants.setdefault(change.owner.variant, []).append(change)
    lines = []
    for (stack, pipeline), variants in by_pipeline.items():
        created = [name for name, found in variants.items() if _service(found, CREATE)]
        destroyed = [name for name, found in variants.items() if _service(found, DELETE)]
        changed = [name for name in variants if name not in created and name not in destroyed]
        where = f"{stack}: {pipeline}"
        if created and not destroyed:
            untouched = "no other variant changes" if not changed else f"{_names(changed)} change too (see below)"
            lines.append(f"{where}: an experiment starts: {_names(created)} created beside the others; {untouched}")
        elif destroyed and not created:
            lines += _promotion(where, pipeline, variants, destroyed, changed)
    return lines


def _promotion(
    where: str, pipeline: str, variants: dict[str, list[ResourceChange]], destroyed: list[str], changed: list[str]
) -> list[str]:
    gone = f"{_names(destroyed)} destroyed ({', '.join(f'{len(variants[n])} resources of {n}' for n in destroyed)})"
    if not changed:
        lines = [f"{where}: variants retired: {gone}; no other variant changes"]
    else:
        lines = [f"{where}: a promotion: {'; '.join(_in_place(name, variants[name]) for name in changed)}; {gone}"]
    for name in destroyed:
        lines.append(f"{where}/{name} leaves behind: {_left(variants[name])}")
    return lines


def _in_place(name: str, changes: list[ResourceChange]) -> str:
    """How a surviving variant changes: a new task definition revision and its service updated in place,
    or the replacement the plan shows."""
    replaced = [c for c in changes if c.action == REPLACE and not c.new_revision]
    if replaced:
        return f"{name} is REPLACED, not updated in place ({', '.join(c.address for c in replaced)}: see the dangers)"
    parts = []
    if any(c.type == TASK_DEFINITION and c.new_revision for c in changes):
        parts.append("a new task definition revision")
    if any(c.type == SERVICE for c in changes):
        parts.append("its service updated in place (rolls to it; not replaced)")
    others = [c for c in changes if c.type not in (TASK_DEFINITION, SERVICE)]
    if others:
        parts.append(f"{len(others)} more resources updated in place")
    return f"{name} updated in place: {', '.join(parts)}"


def _left(changes: list[ResourceChange]) -> str:
    """What stays of a destroyed variant and what is deleted with it, from the plan's before values."""
    stays, goes = [], []
    for change in changes:
        before = change.before or {}
        if change.type == TASK_DEFINITION and change.action == DELETE:
            output = _output(before.get("container_definitions"))
            if output:
                stays.append(f"what it wrote under {output} (the output is not the stack's: nothing deletes it)")
            if before.get("skip_destroy") is True:
                stays.append("its task definition revisions (skip_destroy: still registered, for a rollback)")
        elif change.type == LOG_GROUP and change.action == DELETE:
            name = before.get("name") or change.address
            if before.get("skip_destroy") is True:
                stays.append(f"its log group {name} (skip_destroy), until its retention expires its events")
            else:
                goes.append(f"its log group {name} with every log event (export what you need before the apply)")
        elif change.type == QUEUE and change.action == DELETE:
            goes.append(f"its queue {before.get('name') or change.address} with any unread message")
    stays = stays or ["nothing of its own"]
    return f"stays: {'; '.join(stays)}" + (f". Deleted: {'; '.join(goes)}" if goes else "")


def _output(definitions: Any) -> str | None:
    """The main container's FEATURE_OUTPUT_URI in a task definition's container definitions (a JSON string)."""
    try:
        containers = json.loads(definitions) if isinstance(definitions, str) else None
    except ValueError:
        return None
    for container in containers if isinstance(containers, list) else []:
        for variable in container.get("environment") or [] if isinstance(container, dict) else []:
            if isinstance(variable, dict) and variable.get("name") == OUTPUT_VARIABLE:
                return str(variable.get("value"))
    return None


def _service(changes: Iterable[ResourceChange], action: str) -> bool:
    return any(c.type == SERVICE and c.action == action and c.importing is None for c in changes)


def _names(names: list[str]) -> str:
    return ", ".join(names)
