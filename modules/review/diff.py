"""Attribute-level differences between two versions of a resource body (pure).

JSON documents held in strings (container definitions, IAM policies) are decoded and compared
field by field; lists of named items (containers, environment variables, capacity providers)
are compared by name, so one changed variable is one line, not the whole document.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..lib.terraform_literal import Expression, parse
from .template import literal, shown

ABSENT: Any = None
"""How an attribute that one side does not set is shown (JSON null)."""

AFTER_APPLY = "(known after apply)"
"""A new value Terraform knows only once it applies (a plan's `after_unknown`), or that refers to a
resource being replaced."""

SENSITIVE = "(sensitive value)"
"""A value the plan marks sensitive: never shown."""

SENSITIVE_CHANGED = "(sensitive value, changed)"
"""The new value of a sensitive attribute that changes."""

#: Keys that name the items of a list, tried in order.
_ITEM_KEYS = ("name", "capacity_provider", "sid", "Sid")
_INDEX = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class AttributeChange:
    """One changed attribute: its path (`a.b[item].c`), the old and the new value."""

    path: str
    old: Any
    new: Any

    @property
    def schema_path(self) -> str:
        """The path without list items, as the provider schema names it: `a.b.c`."""
        return _INDEX.sub("", self.path)


def decoded(value: Any) -> Any:
    """A string holding a JSON object or array, decoded; anything else as it is."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """A list of dicts with a unique naming key as {name: item}; `{name, value}` pairs as
    {name: value}. None when the items are not named."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in _ITEM_KEYS:
        names = [i.get(key) for i in items]
        if all(isinstance(n, str) for n in names) and len(set(names)) == len(names):
            pairs = all(set(i) in ({key, "value"}, {key, "valueFrom"}) for i in items)
            return {i[key]: (i.get("value", i.get("valueFrom")) if pairs else i) for i in items}
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def diff_values(old: Any, new: Any, path: str = "", *, templates: bool = True) -> list[AttributeChange]:
    """Every leaf that differs between `old` and `new`, in a stable order. With `templates` (values
    of the synthesized JSON, not of a plan) strings and keys are shown as AWS receives them
    (`template.shown`)."""
    if old == new:
        return []
    old, new = decoded(old), decoded(new)
    if old == new:
        return []
    name = literal if templates else str
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[AttributeChange] = []
        for key in [*old, *(k for k in new if k not in old)]:
            item_path = _join(path, name(key))
            changes += diff_values(old.get(key, ABSENT), new.get(key, ABSENT), item_path, templates=templates)
        return changes
    if isinstance(old, list) and isinstance(new, list):
        keyed_old, keyed_new = _keyed(old), _keyed(new)
        if keyed_old is not None and keyed_new is not None:
            changes = []
            for key in [*keyed_old, *(k for k in keyed_new if k not in keyed_old)]:
                item_path = f"{path}[{name(key)}]"
                changes += diff_values(
                    keyed_old.get(key, ABSENT), keyed_new.get(key, ABSENT), item_path, templates=templates
                )
            return changes
        if len(old) == len(new) == 1:
            return diff_values(old[0], new[0], path, templates=templates)
    if templates:
        return [AttributeChange(path, shown(old), shown(new))]
    return [AttributeChange(path, old, new)]


_ADDRESS = re.compile(r"\$\{([A-Za-z0-9_]+\.[A-Za-z0-9_-]+)\.")


@dataclass(frozen=True)
class Reference:
    """`${type.name.attr}` found in `text` at attribute `path`, naming resource `address`."""

    path: str
    address: str
    text: str


def references(body: Any, path: str = "") -> list[Reference]:
    """Every reference to another resource in a body, with the attribute it sits in."""
    if isinstance(body, dict):
        return [ref for key, value in body.items() for ref in references(value, _join(path, key))]
    if isinstance(body, list):
        return [ref for value in body for ref in references(value, path)]
    if isinstance(body, str):
        found = [m.group(1) for p in parse(body) if isinstance(p, Expression) and (m := _ADDRESS.match(p))]
        return [Reference(path, address, body) for address in dict.fromkeys(found)]
    return []
