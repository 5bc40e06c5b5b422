"""User text as Terraform literals, and Terraform strings back to what AWS receives (pure).

In Terraform's JSON syntax every string is a template (and so is every quoted HCL string):
`${...}` interpolates and `%{...}` runs a directive, unless written `$${` / `%%{`
(developer.hashicorp.com/terraform/language/syntax/json, "Expression Mapping"). A config
value such as `exec app --port ${PORT:-8080}`, or a hostile `${file("/proc/self/environ")}`,
must reach AWS as written (in Unicode normal form C, to which Terraform normalizes every
string). So every user string is escaped once, by `literal_strings`, at the root of each
construct tree (the stack and the exported module); references the constructs add afterwards
stay expressions. `parse` and `evaluate` go the other way: what Terraform makes of a string,
for the policy rules, the review and the plan job's guard, which judge what AWS will receive.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

_ESCAPES = {"$${": "${", "%%{": "%{"}
#: An interpolation that only reads a value (`${aws_iam_role.x.arn}`, `${var.tags}`,
#: `${data.aws_region.current.name}`, with `.attr`, `[0]` or `["key"]` after): no function,
#: operator or directive.
_REFERENCE = re.compile(
    r"\$\{(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[[0-9]+\]|\[\"[^\"$%]*\"\])*\}"
)


class Expression(str):
    """A `${...}` or `%{...}` sequence, as written: Terraform evaluates it."""


class NotLiteralError(ValueError):
    """A string holds a Terraform expression other than a plain reference."""


def escape(text: str) -> str:
    """`text` as a Terraform string literal: `${` -> `$${`, `%{` -> `%%{`."""
    return text.replace("${", "$${").replace("%{", "%%{")


def literal_strings(value: T) -> T:
    """`value` with every string in it, mapping keys included, escaped (`escape`).

    Walks dataclasses, pydantic models, mappings, lists and tuples; other values are kept.
    """
    if isinstance(value, str):
        return escape(value)  # type: ignore[return-value]
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={name: literal_strings(getattr(value, name)) for name in type(value).model_fields}
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: literal_strings(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)  # type: ignore[type-var]
    if isinstance(value, Mapping):
        escaped = {literal_strings(key): literal_strings(item) for key, item in value.items()}
        if isinstance(value, MappingProxyType):
            return MappingProxyType(escaped)  # type: ignore[return-value]
        return type(value)(escaped)  # type: ignore[call-arg]
    if isinstance(value, list | tuple):
        return type(value)(literal_strings(item) for item in value)  # type: ignore[return-value]
    return value


_HCL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def hcl_escape(text: str) -> str:
    """`text` with what an HCL quoted string must escape escaped: `\\`, `"`, and control characters.

    Template sequences are left as they are (`escape` handles those).
    """
    return "".join(
        _HCL_ESCAPES.get(char, f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
        for char in text
    )


def hcl_value(value: Any) -> str:
    """`value` (string, number, bool, list, mapping) as an HCL expression whose strings are literal."""
    if isinstance(value, str):
        return f'"{hcl_escape(escape(value))}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{hcl_value(str(key))} = {hcl_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(hcl_value(item) for item in value) + "]"
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def _sequence_end(text: str, start: int) -> int:
    """Index just past the `}` closing the sequence opened at `start` (braces in quotes do not count)."""
    depth, index, quoted = 0, start + 1, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def parse(text: str) -> list[str | Expression]:
    """`text` as Terraform's template scanner reads it: literal pieces (escapes resolved) and the
    Expressions between them. Exactly `$${` and `%%{` are escapes; any other `$` or `%` is
    literal (`$$${a}` is `$` then the escape: `$${a}`), as real Terraform reads it (tests)."""
    parts: list[str | Expression] = []
    literal: list[str] = []
    index = 0
    while index < len(text):
        three, two = text[index : index + 3], text[index : index + 2]
        if three in _ESCAPES:
            literal.append(_ESCAPES[three])
            index += 3
        elif two in ("${", "%{"):
            if literal:
                parts.append("".join(literal))
                literal = []
            end = _sequence_end(text, index)
            parts.append(Expression(text[index:end]))
            index = end
        else:
            literal.append(text[index])
            index += 1
    if literal:
        parts.append("".join(literal))
    return parts


def is_reference(expression: str) -> bool:
    """True for an interpolation that substitutes a value and runs nothing (`_REFERENCE`)."""
    return _REFERENCE.fullmatch(expression) is not None


def evaluate(text: str) -> str:
    """What Terraform makes of the string `text`: escapes resolved, plain references kept as written,
    in Unicode normal form C (HCL normalizes every string literal to NFC).

    NotLiteralError when `text` holds any other interpolation or a directive (a function call,
    an operator, `%{if ...}`): its value is only known at plan time.
    """
    parts = parse(text)
    for part in parts:
        if isinstance(part, Expression) and not is_reference(part):
            shown = part if len(part) <= 80 else part[:77] + "..."
            raise NotLiteralError(f"a Terraform expression {shown!r}: Terraform evaluates it at plan time")
    return unicodedata.normalize("NFC", "".join(parts))


def evaluate_json(text: str) -> Any:
    """A JSON-encoded attribute (container definitions, a policy) as Terraform will send it."""
    return json.loads(evaluate(text))
