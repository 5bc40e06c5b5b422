"""Terraform JSON (what cdktf synthesizes) as HCL that `terraform fmt` leaves unchanged (pure).

The two syntaxes read strings alike: a JSON string is a template, and so is a quoted HCL string
(`${...}` interpolates, `%{...}` is a directive, `$${` / `%%{` are literal), so every string keeps
its template text: user strings, escaped once by the constructs, stay literal. What differs:

- the `terraform` block (backend, cloud, versions) is the exception: Terraform reads its JSON strings
  literally (no template is evaluated there), so their `${` and `%{` are escaped in HCL;
- a string that is exactly one `${expression}` becomes the bare expression (Terraform gives a
  template of one interpolation the expression's own value, in both syntaxes);
- quoted HCL also has backslash escapes, so `\\`, `"` and control characters are escaped;
- keywords whose JSON value is an expression in a string (`depends_on`, `ignore_changes`, a
  variable's `type`) become bare expressions;
- a nested block (`network_configuration`) must be written as a block and a map or object
  argument (`tags`, `egress`) as `name = {...}`: JSON cannot tell them apart, the provider schema
  can. Every object-valued key is a block unless `ATTRIBUTES` names it (validate of every
  example with the real provider tells when a new resource needs an entry);
- a JSON document in a string (`JSON_DOCUMENTS`: container definitions, IAM policies) becomes
  `jsonencode(...)` of its value, so a reviewer reads fields; only when it round-trips exactly
  (`json.dumps(..., sort_keys=True, separators=(",", ":"))`, as the constructs encode them), so
  every string in it is the same template text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..lib.terraform_literal import Expression, hcl_escape, literal_strings, parse

#: Object-valued keys that are arguments (maps, objects, attributes-as-blocks), not nested blocks.
ATTRIBUTES = frozenset({"tags", "tags_all", "egress", "ingress", "default", "value"})
#: Keys that are a map argument when their value is one object, and blocks when a list of objects:
#: a metric alarm's `dimensions = {...}`, an autoscaling metric's `dimensions { name, value }` blocks.
MAP_OR_BLOCKS = frozenset({"dimensions"})
#: String arguments that hold a JSON document.
JSON_DOCUMENTS = frozenset({"container_definitions", "policy", "assume_role_policy"})
#: Meta-arguments whose strings are expressions, not templates (references, attribute names), by block.
BARE = frozenset({"depends_on", "ignore_changes", "replace_triggered_by", "provider", "to", "from"})
#: A variable's `type` is a type constraint, written as a string in JSON.
TYPE_CONSTRAINT = ("variable", "type")
#: Top-level keys in the order an HCL file usually has them.
ORDER = ("terraform", "provider", "variable", "locals", "data", "resource", "module", "output")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEYWORDS = frozenset({"true", "false", "null"})


@dataclass(frozen=True)
class _Line:
    depth: int
    text: str
    key: str = ""
    """For a one-line argument `key = text`: its key (consecutive ones align their `=` as fmt does)."""


def document(data: Mapping[str, Any], *, comment: str = "") -> str:
    """The HCL of a Terraform JSON document; `comment` (one line) heads it. `//` keys are dropped."""
    lines: list[_Line] = [_Line(0, f"# {comment}")] if comment else []
    keys = [key for key in ORDER if key in data] + [key for key in data if key not in ORDER and key != "//"]
    for key in keys:
        for block in _top_level(key, data[key]):
            if lines:
                lines.append(_Line(0, ""))
            lines += block
    return _render(lines)


def arguments(values: Mapping[str, Any], depth: int = 1) -> str:
    """`name = value` lines (fmt-aligned) at `depth`, values as in Terraform JSON (strings are templates)."""
    lines = [line for key, value in values.items() for line in _argument(key, value, depth)]
    return _render(lines)


def _top_level(key: str, value: Any) -> Iterable[list[_Line]]:
    """The blocks of one top-level key: `resource "type" "name" {...}`, `variable "name" {...}`, ..."""
    if key in ("terraform", "locals", "import", "removed"):
        for body in _as_list(value):
            # The `terraform` block's JSON strings are literal (Terraform evaluates nothing there, in
            # JSON not even templates), a quoted HCL string is a template: so they are escaped.
            yield _block(key, [], literal_strings(body) if key == "terraform" else body, 0)
    elif key in ("resource", "data"):
        for rtype, by_name in value.items():
            for name, body in by_name.items():
                yield _block(key, [rtype, name], body, 0)
    else:  # provider, variable, output, module: labelled by name
        for name, bodies in value.items():
            for body in _as_list(bodies):
                yield _block(key, [name], body, 0)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _block(name: str, labels: list[str], body: Mapping[str, Any], depth: int) -> list[_Line]:
    """`name "label" ... { arguments, then nested blocks }`."""
    head = " ".join([name, *(_quoted(label) for label in labels)])
    arguments: list[_Line] = []
    blocks: list[_Line] = []
    for key, value in body.items():
        if key == "//":
            continue
        if _is_block(name, key, value):
            for item in _as_list(value):
                if name != "terraform" or key != "backend":
                    blocks += [_Line(depth + 1, ""), *_block(key, [], item, depth + 1)]
                else:  # backend "local" { ... }
                    for backend, config in item.items():
                        blocks += [_Line(depth + 1, ""), *_block(key, [backend], config, depth + 1)]
        else:
            bare = key in BARE or (name, key) == TYPE_CONSTRAINT
            arguments += _argument(key, value, depth + 1, bare=bare, documents=name != "variable")
    inner = arguments + (blocks[1:] if not arguments else blocks)
    if not inner:
        return [_Line(depth, head + " {}")]
    return [_Line(depth, head + " {"), *inner, _Line(depth, "}")]


def _is_block(parent: str, key: str, value: Any) -> bool:
    if parent in ("locals", "required_providers") or key in ATTRIBUTES:
        return False
    if key in MAP_OR_BLOCKS and isinstance(value, Mapping):
        return False
    items = _as_list(value)
    return bool(items) and all(isinstance(item, Mapping) for item in items)


def _argument(key: str, value: Any, depth: int, *, bare: bool = False, documents: bool = False) -> list[_Line]:
    """`key = value`, on one line or opening a multi-line value; `documents`: JSON_DOCUMENTS as jsonencode."""
    name = key if _identifier(key) else _quoted(key)
    if documents and key in JSON_DOCUMENTS and isinstance(value, str):
        decoded = _json_document(value)
        if decoded is not None:
            inner = _value(decoded, depth)
            if len(inner) == 1:
                return [_Line(depth, f"jsonencode({inner[0].text})", name)]
            closing = _Line(depth, inner[-1].text + ")")
            return [_Line(depth, f"{name} = jsonencode({inner[0].text}"), *inner[1:-1], closing]
    inner = _value(value, depth, bare=bare)
    if len(inner) == 1:
        return [_Line(depth, inner[0].text, name)]
    return [_Line(depth, f"{name} = {inner[0].text}"), *inner[1:]]


def _json_document(text: str) -> Any | None:
    """The value of a JSON document string that round-trips exactly; None for any other string."""
    if not text.startswith(("{", "[")):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if json.dumps(value, sort_keys=True, separators=(",", ":")) == text else None


def _value(value: Any, depth: int, *, bare: bool = False) -> list[_Line]:
    """The lines of an expression: the first continues its argument's line, the last closes at `depth`."""
    if isinstance(value, str):
        return [_Line(depth, value if bare else expression(value))]
    if isinstance(value, Mapping):
        if not value:
            return [_Line(depth, "{}")]
        lines = [_Line(depth, "{")]
        for key, item in value.items():
            lines += _argument(key, item, depth + 1)
        return [*lines, _Line(depth, "}")]
    if isinstance(value, list):
        items = [_value(item, depth + 1, bare=bare) for item in value]
        if all(len(item) == 1 for item in items) and not any(isinstance(item, Mapping) for item in value):
            return [_Line(depth, "[" + ", ".join(item[0].text for item in items) + "]")]
        lines = [_Line(depth, "[")]
        for item in items:
            lines += item
            lines[-1] = _Line(lines[-1].depth, lines[-1].text + ",")
        return [*lines, _Line(depth, "]")]
    return [_Line(depth, literal(value))]


def _identifier(key: str) -> bool:
    """True for a key HCL reads as itself when written bare."""
    return _IDENTIFIER.fullmatch(key) is not None and key not in _KEYWORDS


def literal(value: Any) -> str:
    """A JSON number, bool or null in HCL."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def expression(text: str) -> str:
    """A Terraform JSON string as the HCL expression Terraform evaluates the same way.

    Exactly one interpolation (`${aws_iam_role.x.arn}`) -> the bare expression; otherwise a quoted
    template with the same `${`, `%{`, `$${` and `%%{` sequences, literal text backslash-escaped.
    """
    parts = parse(text)
    if len(parts) == 1 and isinstance(parts[0], Expression) and parts[0].startswith("${"):
        inner = parts[0][2:-1].strip()
        if inner and not inner.startswith("~") and not inner.endswith("~"):
            return inner
    return _quoted(text)


def _quoted(text: str) -> str:
    """`text` (template source) as a quoted HCL template: escapes outside `${...}`/`%{...}` only."""
    pieces = []
    for part in _template_pieces(text):
        if isinstance(part, Expression):
            pieces.append(part)
        else:
            pieces.append(hcl_escape(part))
    return '"' + "".join(pieces) + '"'


def _template_pieces(text: str) -> list[str]:
    """`text` split into literal source (escapes kept as written) and Expressions (`parse`, positions kept).

    Every `${` or `%{` in a literal part that `parse` returns came from an escape, one character longer.
    """
    pieces: list[str] = []
    position = 0
    for part in parse(text):
        length = len(part) if isinstance(part, Expression) else len(part) + part.count("${") + part.count("%{")
        source = text[position : position + length]
        pieces.append(Expression(source) if isinstance(part, Expression) else source)
        position += length
    return pieces


def _render(lines: list[_Line]) -> str:
    """The text of `lines`: two spaces per depth; consecutive one-line arguments align their `=`."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        if not lines[index].key:
            line = lines[index]
            out.append(("  " * line.depth + line.text) if line.text else "")
            index += 1
            continue
        run_end = index
        while run_end < len(lines) and lines[run_end].key:
            run_end += 1
        width = max(len(line.key) for line in lines[index:run_end])
        for line in lines[index:run_end]:
            out.append(f"{'  ' * line.depth}{line.key.ljust(width)} = {line.text}")
        index = run_end
    return "\n".join(out) + "\n"
