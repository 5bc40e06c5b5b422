"""Values of a synthesized stack shown as AWS receives them (pure).

Terraform reads every JSON string as a template (`terraform_literal.parse`): escapes are
resolved for display, plain references kept as written, and any other expression shown as
written and flagged, since only Terraform knows what it becomes.

A JSON document held in a string (container definitions) is decoded first and its strings read as
templates after: the generator writes it with `json.dumps`, which never writes `$`, `%` or `{` as
`\\u` escapes, so decoding first changes no template sequence.
"""

from __future__ import annotations

from typing import Any

from ..lib.terraform_literal import Expression, is_reference, parse


class Evaluated(str):
    """A string holding an expression other than a plain reference, shown as written (escapes
    included): what it becomes is known only when Terraform evaluates it."""


def evaluated(text: str) -> list[Expression]:
    """The expressions in `text` that are not plain references (function calls, directives...)."""
    return [p for p in parse(text) if isinstance(p, Expression) and not is_reference(p)]


def literal(text: str) -> str:
    """What AWS receives for `text` when it holds no expression but references: escapes resolved,
    references kept as written (their value is known after apply)."""
    return "".join(parse(text))


def shown(value: Any) -> Any:
    """A value for display: strings as AWS receives them, or Evaluated when Terraform computes them
    (inside lists and objects too)."""
    if isinstance(value, str):
        return Evaluated(value) if evaluated(value) else literal(value)
    if isinstance(value, dict):
        return {literal(key): shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shown(item) for item in value]
    return value
