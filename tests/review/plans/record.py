"""Real plans kept as fixtures: the e2e tests that make them (tests/terraform/test_review_plans.py,
tests/terraform/test_adopt.py) write each one here, trimmed to what `review` reads, when
REVIEW_PLANS_RECORD names a directory:

    REVIEW_PLANS_RECORD=tests/review/plans make e2e

`trimmed` keeps the plan's format version, Terraform's version and every resource change (and, of a
refresh-only plan, every drift: `resource_drift`) that does something (an import counts), each with its
actions, before/after, after_unknown, sensitivity, importing, replace_paths and action_reason;
`planned_values` is kept empty (the review reads only the resource changes and the drift). Values are
Terraform's own: nothing is edited by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
_CHANGE_KEYS = (
    "actions",
    "before",
    "after",
    "after_unknown",
    "before_sensitive",
    "after_sensitive",
    "importing",
    "replace_paths",
)


def _kept(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    changes = []
    for item in items:
        change = item["change"]
        if change["actions"] in (["no-op"], ["read"]) and not change.get("importing"):
            continue
        kept = {key: item[key] for key in ("address", "type", "name", "action_reason") if key in item}
        changes.append({**kept, "change": {key: change[key] for key in _CHANGE_KEYS if key in change}})
    return changes


def trimmed(plan: dict[str, Any]) -> dict[str, Any]:
    """`plan` with only what the review reads (`resource_drift` when the plan has one)."""
    document = {
        "format_version": plan["format_version"],
        "terraform_version": plan.get("terraform_version"),
        "planned_values": {},
        "resource_changes": _kept(plan.get("resource_changes", [])),
    }
    if plan.get("resource_drift"):
        document["resource_drift"] = _kept(plan["resource_drift"])
    return document


def record(name: str, plan: dict[str, Any], **extra: Any) -> None:
    """Write `plan` trimmed (and `extra`, e.g. the config that made it) as <name>.json, when asked to."""
    where = os.environ.get("REVIEW_PLANS_RECORD")
    if not where:
        return
    directory = Path(where)
    directory.mkdir(parents=True, exist_ok=True)
    document = {**extra, "plan": trimmed(plan)}
    (directory / f"{name}.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")


def load(name: str) -> dict[str, Any]:
    """A recorded fixture: `plan` and whatever else was recorded with it."""
    return json.loads((HERE / f"{name}.json").read_text())
