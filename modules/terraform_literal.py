"""User text as Terraform literals, and Terraform strings back to what AWS receives (pure).

In Terraform's JSON syntax every string is a template (and so is every quoted HCL string):
`${...}` interpolates and `%{...}` runs a directive, unless written `$${` / `%%{`
(developer.hashicorp.com/terraform/language/syntax/json, "Expression Mapping"). A config
value such as `exec app --port ${PORT:-8080}`, or a hostile `${file("/proc/self/environ")}`,
must reach AWS byte for byte, so every user string is escaped once, by `literal_strings`,
at the root of each construct tree (the stack and the exported module); references the
constructs add afterwards stay expressions. `evaluate` is the other way round: what
Terraform makes of a string, for the policy rules and the review, which must judge what AWS
will receive.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

#: A template sequence: an escape (`$${`, `%%{`) or the start of an interpolation or directive.
_SEQUENCE = re.compile(r"\$\$\{|%%\{|\$\{|%\{")
#: An interpolation that only reads an attribute (`${aws_iam_role.x.arn}`, `${var.tags}`,
#: `${data.aws_region.current.name}`): no function, operator or directive.
_REFERENCE = re.compile(r"\$\{(?:data\.)?[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+\}")


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


def hcl_value(value: Any) -> str:
    """`value` (string, number, bool, list, mapping) as an HCL expression whose strings are literal."""
    if isinstance(value, str):
        quoted = "".join(
            _HCL_ESCAPES.get(char, f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char)
            for char in escape(value)
        )
        return f'"{quoted}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{hcl_value(str(key))} = {hcl_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(hcl_value(item) for item in value) + "]"
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def _interpolation_end(text: str, start: int) -> int:
    """Index just past the `}` closing the interpolation that opens at `start` (quote-aware)."""
    depth, index, quoted = 0, start, False
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


def evaluate(text: str) -> str:
    """What Terraform makes of the string `text`: escapes resolved, plain references kept as written.

    NotLiteralError when `text` holds any other interpolation or a directive (a function call,
    an operator, `%{if ...}`): its value is only known at plan time.
    """
    parts: list[str] = []
    position = 0
    for match in _SEQUENCE.finditer(text):
        if match.start() < position:
            continue
        parts.append(text[position : match.start()])
        sequence = match.group()
        if sequence in ("$${", "%%{"):
            parts.append(sequence[1:])
            position = match.end()
            continue
        end = _interpolation_end(text, match.start() + 1)
        expression = text[match.start() : end]
        if sequence == "%{" or not _REFERENCE.fullmatch(expression):
            shown = expression if len(expression) <= 80 else expression[:77] + "..."
            raise NotLiteralError(f"a Terraform expression {shown!r}: Terraform evaluates it at plan time")
        parts.append(expression)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def evaluate_json(text: str) -> Any:
    """A JSON-encoded attribute (container definitions, a policy) as Terraform will send it."""
    return json.loads(evaluate(text))
