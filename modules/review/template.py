"""Strings of Terraform's JSON syntax as AWS receives them (pure).

Terraform reads every JSON string as a template: `${...}` (interpolation) and `%{...}` (directive)
are evaluated at plan time, and exactly `$${` and `%%{` are escapes for a literal `${` and `%{`;
any other `$` or `%` is literal (`$$${a}` is `$` then the escape: `$${a}`). Checked with
`terraform console` 1.11 on locals in a `main.tf.json`; tests/review/test_template.py holds the cases.

A JSON document held in a string (container definitions) is decoded first and its strings read as
templates after: the generator writes it with `json.dumps`, which never writes `$`, `%` or `{` as
`\\u` escapes, so decoding first changes no template sequence.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPES = {"$${": "${", "%%{": "%{"}
_REFERENCE = re.compile(
    r"\$\{(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[0-9]+\]|\[\"[^\"$%]*\"\])*\}"
)


class Expression(str):
    """A `${...}` or `%{...}` sequence, as written: Terraform evaluates it."""


class Evaluated(str):
    """A string holding an expression other than a plain reference, shown as written (escapes
    included): what it becomes is known only when Terraform evaluates it."""


def _end(text: str, start: int) -> int:
    """The index after the `}` closing the sequence opened at `start` (or the end of `text`);
    braces inside quoted strings do not count."""
    depth, i, quoted = 0, start + 1, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def parse(text: str) -> list[str | Expression]:
    """`text` as literal pieces (escapes resolved) and the Expressions between them."""
    parts: list[str | Expression] = []
    literal, i = [], 0
    while i < len(text):
        three, two = text[i : i + 3], text[i : i + 2]
        if three in _ESCAPES:
            literal.append(_ESCAPES[three])
            i += 3
        elif two in ("${", "%{"):
            if literal:
                parts.append("".join(literal))
                literal = []
            end = _end(text, i)
            parts.append(Expression(text[i:end]))
            i = end
        else:
            literal.append(text[i])
            i += 1
    if literal:
        parts.append("".join(literal))
    return parts


def is_reference(expression: str) -> bool:
    """`${type.name.attr}`, `${var.x}`, `${local.x}`, `${data.type.name.attr}` (with `.attr`, `[0]`
    or `["key"]` after): Terraform substitutes a value, it runs nothing."""
    return _REFERENCE.fullmatch(expression) is not None


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
