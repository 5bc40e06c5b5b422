"""Dangers in how a service deploys and who may get into it (pure): ECS Exec turned on (`security`), and
deployment safety weakened (`safety`): rollback off, minimum healthy 0, alarms dropped, apply no longer waiting.

Read from each change's before and after (the plan's, or the two outputs' bodies), so a new service is
judged as much as a changed one: its deployment safety is a danger; ECS Exec on a new service is new
access (`exec_access`), no danger by itself.
"""

from __future__ import annotations

from typing import Any

from .changes import CREATE, REPLACE, UPDATE, ResourceChange

Found = tuple[str, str, str]
"""(kind, address, detail)."""


def _one(value: Any) -> dict[str, Any]:
    """A block as cdktf writes it (an object) or as a plan shows it (a list of one)."""
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


EXEC = (
    "whoever may call ecs:ExecuteCommand on this service gets a shell in its containers with the task role's "
    "permissions (sessions logged to the cluster's exec log group)"
)


def exec_access(changes: list[ResourceChange]) -> list[tuple[str, str]]:
    """(address, detail) of every new service with ECS Exec on: new access, no danger by itself."""
    return [
        (change.address, f"ECS Exec on: {EXEC}")
        for change in changes
        if change.type == "aws_ecs_service"
        and change.action == CREATE
        and (change.after or {}).get("enable_execute_command") is True
    ]


def _rollback(body: dict[str, Any]) -> bool:
    breaker, alarms = _one(body.get("deployment_circuit_breaker")), _one(body.get("alarms"))
    return breaker.get("rollback") is not False and (not alarms or alarms.get("rollback") is not False)


def _exec_logging(body: dict[str, Any]) -> dict[str, Any]:
    return _one(_one(body.get("configuration")).get("execute_command_configuration"))


def _service(change: ResourceChange, old: dict[str, Any], new: dict[str, Any]) -> list[Found]:
    found: list[Found] = []
    created = change.action == CREATE
    if not created and new.get("enable_execute_command") is True and old.get("enable_execute_command") is not True:
        found.append(("security", change.address, f"ECS Exec turned on: {EXEC}"))
    if not _rollback(new) and (created or _rollback(old)):
        found.append(
            ("safety", change.address, "rollback off: a failed deployment stays in place instead of rolling back")
        )
    if new.get("deployment_minimum_healthy_percent") == 0 and (
        created or old.get("deployment_minimum_healthy_percent") != 0
    ):
        found.append(
            (
                "safety",
                change.address,
                "minimum healthy percent 0: every deployment may stop all running tasks before new ones start "
                "(nothing consumes meanwhile)",
            )
        )
    if not created and _one(old.get("alarms")).get("alarm_names") and not _one(new.get("alarms")).get("alarm_names"):
        found.append(
            (
                "safety",
                change.address,
                "deployment alarms removed: a deployment that stops consuming is no longer rolled back",
            )
        )
    if not created and old.get("wait_for_steady_state") is True and new.get("wait_for_steady_state") is not True:
        found.append(
            (
                "safety",
                change.address,
                "wait_for_steady_state off: terraform apply succeeds even when the deployment fails",
            )
        )
    return found


def find(changes: list[ResourceChange]) -> list[Found]:
    """Exec and deployment-safety dangers of one stack's changes."""
    found: list[Found] = []
    for change in changes:
        if change.action not in (CREATE, UPDATE, REPLACE):
            continue
        old, new = change.before or {}, change.after or {}
        if change.type == "aws_ecs_service":
            found += _service(change, old, new)
        elif (
            change.type == "aws_ecs_cluster"
            and change.action != CREATE
            and change.importing is None
            and _exec_logging(new) != _exec_logging(old)
        ):
            found.append(
                (
                    "security",
                    change.address,
                    "the cluster's ECS Exec configuration (session key, audit logging) changes: it is shared by "
                    "every variant that allows ECS Exec",
                )
            )
    return found
