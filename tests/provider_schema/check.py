"""Everything a synthesized Terraform document uses, checked against one AWS provider schema snapshot.

`check_json` reads Terraform JSON (a stack's `cdk.tf.json`, the exported module's `*.tf.json`), `check_hcl`
the exported module's `*.tf` (`parse_hcl`: the fmt-formatted HCL `modules.export.hcl` writes). Each finding
says where, in which provider version, and what:

- errors: a resource type, data source or provider setting the schema lacks; an argument or nested block
  that does not exist, or a computed attribute set as one; a required argument or block missing; a value
  whose type the argument cannot take (a list for a string, a string for a block, an unknown object key,
  more blocks than allowed); in HCL, a nested block written as an argument or the reverse (exact schemas
  only: the 6.x bindings cannot tell them apart); a reference (`aws_x.name.attr`, `data.aws_x.name.attr`)
  or `lifecycle.ignore_changes` entry naming an attribute the type lacks; an `import`, `moved` or `removed`
  address of a type the schema lacks;
- warnings: a deprecated argument or attribute, with its replacement (`DEPRECATED` for 6.x: the bindings
  carry no deprecation flags; the 5.100 snapshot carries the provider's own).

Expressions are not evaluated: a value that is one whole `${...}` is of unknown type and accepted.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from modules.lib.terraform_literal import Expression, parse

from .snapshot import snapshot_path

#: The schemas every synthesized document is checked against.
VERSIONS = ("5.100.0", "6.25.0", "6.69.1")
#: 6.x deprecations of what the seam can emit, (kind, type, attribute) -> the replacement: the bindings
#: carry no deprecation flags. From the provider's 6.x source (`DeprecationMessage: "name is deprecated.
#: Use region instead."`, internal/service/meta/region_data_source.go) and its 6.0 release notes.
DEPRECATED: dict[tuple[str, str, str], str] = {
    ("data", "aws_region", "name"): "region",
}
#: Meta-arguments and meta-blocks of every resource and data source (not in provider schemas).
META = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection", "//"})
#: A reference to a resource's or data source's attribute: `[data.]aws_type.name[index].attribute`.
_REFERENCE = re.compile(r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Finding:
    level: str
    version: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: aws {self.version}: {self.where}: {self.message}"


@functools.cache
def snapshot(version: str) -> dict[str, Any]:
    return json.loads(snapshot_path(version).read_text())


class _Checker:
    def __init__(self, version: str) -> None:
        self.version = version
        self.schema = snapshot(version)
        self.exact = self.schema["exact"]
        self.major = int(version.split(".")[0])
        self.findings: list[Finding] = []

    def error(self, where: str, message: str) -> None:
        self.findings.append(Finding("error", self.version, where, message))

    def deprecated(self, where: str, kind: str, type_: str, name: str, entry: dict[str, Any]) -> None:
        replacement = DEPRECATED.get((kind, type_, name)) if self.major >= 6 else None
        if replacement is not None:
            message = f"`{name}` is deprecated: use `{replacement}`"
        elif entry.get("deprecated"):
            message = f"`{name}` is deprecated (see the provider's documentation of {type_})"
        else:
            return
        self.findings.append(Finding("warning", self.version, where, message))

    def type_schema(self, kind: str, type_: str, where: str) -> dict[str, Any] | None:
        found = self.schema[kind].get(type_)
        if found is None:
            label = "data source" if kind == "data" else "resource type"
            self.error(where, f"no {label} {type_} in this provider")
        return found

    # --- references ---

    def references(self, text: str, where: str) -> None:
        """Every `[data.]aws_x.name.attr` in expression text: the type and the attribute exist."""
        if "aws_" not in text:
            return
        for match in _REFERENCE.finditer(expressions(text, in_string=False)):
            data, type_, _, attribute = match.groups()
            kind = "data" if data else "resource"
            block = self.schema[kind].get(type_)
            shown = match.group(0)
            if block is None:
                self.error(where, f"`{shown}`: no {'data source' if data else 'resource type'} {type_}")
            elif attribute not in block["attributes"] and attribute not in block["blocks"]:
                self.error(where, f"`{shown}`: {type_} has no attribute `{attribute}`")
            elif attribute in block["attributes"]:
                self.deprecated(where, kind, type_, attribute, block["attributes"][attribute])

    def address(self, address: Any, where: str) -> None:
        """An `import`/`moved`/`removed` address: `aws_x.name` (or `module.m...`, not checked)."""
        if not isinstance(address, str):
            return
        parts = address.removeprefix("${").removesuffix("}").split(".")
        kind = "data" if parts[0] == "data" else "resource"
        type_ = parts[1] if kind == "data" else parts[0]
        if type_.startswith("aws_"):
            self.type_schema(kind, type_, where)

    # --- JSON ---

    def json_document(self, doc: dict[str, Any], name: str) -> None:
        for kind in ("resource", "data"):
            for type_, by_name in doc.get(kind, {}).items():
                for label, body in by_name.items():
                    where = f"{name}: {'data.' if kind == 'data' else ''}{type_}.{label}"
                    block = self.type_schema(kind, type_, where)
                    if block is not None:
                        self.json_block(body, block, where, kind, type_, top=True)
        providers = doc.get("provider", {}).get("aws", [])
        for index, body in enumerate(providers if isinstance(providers, list) else [providers]):
            config = {key: value for key, value in body.items() if key not in ("alias", "//")}
            self.json_block(config, self.schema["provider_config"], f"{name}: provider.aws[{index}]", "provider", "")
        for key in ("import", "moved", "removed"):
            entries = doc.get(key, [])
            for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
                for field in ("to", "from"):
                    self.address(entry.get(field), f"{name}: {key}[{index}].{field}")
        for where, text in _strings(doc, name):
            for expression in _expressions_of(text):
                self.references(expression[2:-1], where)

    def json_block(
        self, body: Any, block: dict[str, Any], where: str, kind: str, type_: str, *, top: bool = False
    ) -> None:
        if not isinstance(body, dict):
            self.error(where, f"a block must be an object, not {json.dumps(body)[:60]}")
            return
        for key, value in body.items():
            here = f"{where}.{key}"
            if top and key in META:
                if key == "lifecycle" and isinstance(value, dict):
                    self.ignore_changes(value.get("ignore_changes"), block, here, kind, type_)
            elif key in block["attributes"]:
                entry = block["attributes"][key]
                if entry["mode"] == "computed":
                    self.error(here, f"`{key}` is computed by the provider, not an argument")
                self.value(value, entry["type"], here)
                self.deprecated(here, kind, type_, key, entry)
            elif key in block["blocks"]:
                self.json_nested(value, block["blocks"][key], here, kind, type_)
            else:
                self.error(here, f"no argument or block `{key}` here")
        self.required(set(body), block, where)

    def json_nested(self, value: Any, nested: dict[str, Any], where: str, kind: str, type_: str) -> None:
        if _whole_expression(value):
            return
        items = value if isinstance(value, list) else [value]
        if nested["max"] and len(items) > nested["max"]:
            self.error(where, f"{len(items)} blocks, at most {nested['max']} allowed")
        for index, item in enumerate(items):
            self.json_block(item, nested, where if len(items) == 1 else f"{where}[{index}]", kind, type_)
        if nested.get("deprecated"):
            self.findings.append(Finding("warning", self.version, where, "this block is deprecated"))

    def required(self, present: set[str], block: dict[str, Any], where: str) -> None:
        for name, entry in block["attributes"].items():
            if entry["mode"] == "required" and name not in present:
                self.error(where, f"required argument `{name}` missing")
        for name, nested in block["blocks"].items():
            if nested["min"] and name not in present:
                self.error(where, f"required block `{name}` missing")

    def ignore_changes(self, value: Any, block: dict[str, Any], where: str, kind: str, type_: str) -> None:
        names = value if isinstance(value, list) else []
        for name in names:
            first = re.split(r"[.\[]", str(name).removeprefix("${").removesuffix("}"), maxsplit=1)[0]
            if first not in block["attributes"] and first not in block["blocks"]:
                self.error(where, f"`{name}`: {type_} has no argument `{first}`")

    def value(self, value: Any, type_: Any, where: str) -> None:
        """A JSON value against a schema type (strings are templates; a whole `${...}` is any type)."""
        if value is None or type_ == "any" or _whole_expression(value):
            return
        if type_ == "string":
            ok = isinstance(value, (str, int, float, bool))
        elif type_ == "number":
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) or _numeric(value)
        elif type_ == "bool":
            ok = isinstance(value, bool) or value in ("true", "false") or _template(value)
        elif type_[0] == "list":
            ok = isinstance(value, list)
            for index, item in enumerate(value if ok else []):
                self.value(item, type_[1], f"{where}[{index}]")
        elif type_[0] == "map":
            ok = isinstance(value, dict)
            for key, item in (value if ok else {}).items():
                self.value(item, type_[1], f"{where}.{key}")
        else:  # object
            ok = isinstance(value, dict)
            for key, item in (value if ok else {}).items():
                if key not in type_[1]:
                    self.error(f"{where}.{key}", f"no attribute `{key}` in this object")
                else:
                    self.value(item, type_[1][key], f"{where}.{key}")
        if not ok:
            self.error(where, f"{json.dumps(value)[:60]} is not a {_show(type_)}")

    # --- HCL ---

    def hcl_document(self, body: HclBody, name: str) -> None:
        for label, labels, inner in body.blocks:
            if label in ("resource", "data") and len(labels) == 2:
                where = f"{name}: {'data.' if label == 'data' else ''}{labels[0]}.{labels[1]}"
                block = self.type_schema(label, labels[0], where)
                if block is not None:
                    self.hcl_block(inner, block, where, label, labels[0], top=True)
            elif label == "provider" and labels == ["aws"]:
                config = HclBody({k: v for k, v in inner.attributes.items() if k != "alias"}, inner.blocks)
                self.hcl_block(config, self.schema["provider_config"], f"{name}: provider.aws", "provider", "")
            elif label in ("import", "moved", "removed"):
                for field in ("to", "from"):
                    if field in inner.attributes:
                        self.address(inner.attributes[field].strip(), f"{name}: {label}.{field}")
        for where, text in body.texts(name):
            self.references(text, where)

    def hcl_block(self, body: HclBody, block: dict[str, Any], where: str, kind: str, type_: str, *, top=False) -> None:
        for key, text in body.attributes.items():
            here = f"{where}.{key}"
            if top and key in META:
                continue
            if key in block["attributes"]:
                entry = block["attributes"][key]
                if entry["mode"] == "computed":
                    self.error(here, f"`{key}` is computed by the provider, not an argument")
                self.hcl_value(text, entry["type"], here)
                self.deprecated(here, kind, type_, key, entry)
            elif key in block["blocks"]:
                if self.exact:
                    self.error(here, f"`{key}` is a nested block, written as an argument (`{key} = ...`)")
            else:
                self.error(here, f"no argument or block `{key}` here")
        counts: dict[str, int] = {}
        for key, _, inner in body.blocks:
            here = f"{where}.{key}"
            counts[key] = counts.get(key, 0) + 1
            if top and key in META:
                if key == "lifecycle" and "ignore_changes" in inner.attributes:
                    listed = inner.attributes["ignore_changes"].strip().removeprefix("[").removesuffix("]")
                    entries = [entry.strip() for entry in listed.split(",") if entry.strip()]
                    self.ignore_changes(entries, block, here, kind, type_)
            elif key in block["blocks"]:
                self.hcl_block(inner, block["blocks"][key], here, kind, type_)
            elif key in block["attributes"]:
                if self.exact or not isinstance(block["attributes"][key]["type"], list):
                    self.error(here, f"`{key}` is an argument, written as a block (`{key} {{...}}`)")
            else:
                self.error(here, f"no argument or block `{key}` here")
        for key, count in counts.items():
            nested = block["blocks"].get(key)
            if nested is not None and nested["max"] and count > nested["max"]:
                self.error(f"{where}.{key}", f"{count} blocks, at most {nested['max']} allowed")
        self.required(set(body.attributes) | set(counts), block, where)

    def hcl_value(self, text: str, type_: Any, where: str) -> None:
        """The kind of an HCL expression against a schema type: a collection where a collection is due."""
        start = text.lstrip()[:1]
        kind = {"{": "object", "[": "list", '"': "string"}.get(start)
        expected = type_ if isinstance(type_, str) else type_[0]
        if kind is None or expected == "any":
            return
        fits = {"object": ("map", "object"), "list": ("list",), "string": ("string", "number", "bool")}[kind]
        if expected not in fits and not (kind == "string" and _template(text.strip()[1:-1])):
            self.error(where, f"{text.strip()[:60]} is not a {_show(type_)}")


def _show(type_: Any) -> str:
    return type_ if isinstance(type_, str) else f"{type_[0]}({_show(type_[1]) if type_[0] != 'object' else '...'})"


@functools.cache
def _expressions_of(text: str) -> tuple[Expression, ...]:
    """The `${...}` and `%{...}` sequences of a template (none without a `{`: the common case, no scan)."""
    if "{" not in text:
        return ()
    return tuple(part for part in parse(text) if isinstance(part, Expression))


def _whole_expression(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    found = _expressions_of(value)
    return len(found) == 1 and found[0] == value and value.startswith("${")


def _template(value: Any) -> bool:
    return isinstance(value, str) and bool(_expressions_of(value))


def _numeric(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    if _template(value):
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value (keys too: Terraform evaluates templates in keys), with where."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield where, key
            yield from _strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


@functools.cache
def expressions(text: str, *, in_string: bool) -> str:
    """The expression text of HCL (`in_string`: of a template): quoted literals blanked out, the
    interpolations inside them kept, `$${` escapes dropped; so a reference is only found where Terraform
    reads one."""
    stack = ["string" if in_string else "expression"]
    kept: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if stack[-1] == "string":
            if char == "\\":
                index += 2
                continue
            if text.startswith(("$${", "%%{"), index):
                index += 3
                continue
            if text.startswith(("${", "%{"), index):
                stack.append("interpolation")
                index += 2
                kept.append(" ")
                continue
            if char == '"' and len(stack) > 1:
                stack.pop()
            index += 1
            continue
        if char == '"':
            stack.append("string")
            kept.append(" ")
        elif char in "{[(":
            stack.append("bracket")
            kept.append(char)
        elif char in "}])":
            if len(stack) > 1:
                stack.pop()
            kept.append(" " if char == "}" and stack[-1] == "string" else char)
        else:
            kept.append(char)
        index += 1
    return "".join(kept)


def _depth(text: str) -> int:
    """Brackets left open at the end of a line of HCL expression text."""
    blanked = expressions(text, in_string=False) if '"' in text else text
    return sum(blanked.count(c) for c in "{[(") - sum(blanked.count(c) for c in "}])")


@dataclass
class HclBody:
    """A body of HCL: its arguments (name -> expression text) and its blocks (type, labels, body)."""

    attributes: dict[str, str]
    blocks: list[tuple[str, list[str], HclBody]]

    def texts(self, where: str) -> Iterator[tuple[str, str]]:
        for name, text in self.attributes.items():
            yield f"{where}.{name}", text
        for type_, labels, inner in self.blocks:
            yield from inner.texts(".".join([where, type_, *labels]))


_BLOCK = re.compile(r'([A-Za-z_][\w-]*)((?:\s+"[^"]*")*)\s*\{(\s*\})?')
_ARGUMENT = re.compile(r'([A-Za-z_][\w-]*|"[^"]*")\s*=\s*(.*)')


@functools.lru_cache(maxsize=16)
def parse_hcl(text: str) -> HclBody:
    """The structure of fmt-formatted HCL (what `modules.export.hcl` writes: no heredocs, a multi-line
    value closes on a line of its own). Cached: read it, never change it."""
    root = HclBody({}, [])
    stack = [root]
    pending: tuple[str, list[str], int] | None = None  # an argument whose value spans lines
    for line in text.splitlines():
        stripped = line.strip()
        if pending is not None:
            name, lines, depth = pending
            lines.append(stripped)
            depth += _depth(stripped)
            pending = (name, lines, depth) if depth > 0 else None
            if pending is None:
                stack[-1].attributes[name] = "\n".join(lines)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if stripped == "}":
            stack.pop()
            continue
        block = _BLOCK.fullmatch(stripped)
        if block is not None:
            inner = HclBody({}, [])
            stack[-1].blocks.append((block.group(1), re.findall(r'"([^"]*)"', block.group(2)), inner))
            if block.group(3) is None:
                stack.append(inner)
            continue
        argument = _ARGUMENT.fullmatch(stripped)
        if argument is None:
            raise ValueError(f"not HCL this parser reads: {stripped!r}")
        name, value = argument.group(1).strip('"'), argument.group(2)
        depth = _depth(value)
        if depth > 0:
            pending = (name, [value], depth)
        else:
            stack[-1].attributes[name] = value
    if len(stack) != 1 or pending is not None:
        raise ValueError("unbalanced HCL")
    return root


def check_json(doc: dict[str, Any], name: str, version: str) -> list[Finding]:
    """Findings of a Terraform JSON document (`name` says where it came from) against `version`'s schema."""
    checker = _Checker(version)
    checker.json_document(doc, name)
    return checker.findings


def check_hcl(text: str, name: str, version: str) -> list[Finding]:
    """Findings of an HCL file's text against `version`'s schema."""
    checker = _Checker(version)
    checker.hcl_document(parse_hcl(text), name)
    return checker.findings
