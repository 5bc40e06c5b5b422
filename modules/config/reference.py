"""The configuration reference, generated from the config models (pure, no cdktf).

Every row is one pydantic field: its dotted key, its type (with bounds), its default and its
`Field(description=...)`. What the default of a layered setting (`strict.Layered`: pipeline and
variant settings, observability, deployment) means, where its value alone does not say, is the
`unset` of its `strict.Inherited` (`the image's ENTRYPOINT`).

`python -m modules.config.reference` prints the generated part of docs/configuration.md;
`--write` replaces the part between its markers (`BEGIN`, `END`) in place, and the table of AWS rules
in docs/aws-rules.md (`aws_rules.render`).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import inspect
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import annotated_types
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..lib.generated_text import Markers
from . import aws_rules, fargate
from .model import MERGED, Config, ContainerSettings, PipelineConfig, VariantConfig
from .strict import Layered, inherited

BEGIN = "<!-- generated: python -m modules.config.reference -->"
END = "<!-- end generated -->"
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

#: The placeholder a map's keys stand for in a dotted key (`pipelines.<pipeline>.cpu`).
KEY_NAMES = {"pipelines": "<pipeline>", "variants": "<variant>", "regions": "<region>", "environments": "<env>"}
_SINGULAR = {"items": "item", "entries": "entry", "characters": "character"}
_SCALARS = {str: "string", int: "integer", float: "number", bool: "bool", datetime.date: "date", Any: "any"}


@dataclass(frozen=True)
class Section:
    """One table: the fields of `model`, keyed below `prefix` (`cluster.`, `pipelines.<pipeline>.`)."""

    model: type[BaseModel]
    prefix: str

    @property
    def title(self) -> str:
        """The heading: the dotted key of the block, or "Top level"."""
        return f"`{self.prefix.rstrip('.')}`" if self.prefix else "Top level"


def anchor(title: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """The annotation without `Annotated` layers and `None` alternatives, and the metadata found."""
    metadata: list[Any] = []
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata += extra
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType):
            options = [option for option in typing.get_args(annotation) if option is not type(None)]
            if len(options) != 1:
                return annotation, metadata
            annotation = options[0]
        else:
            return annotation, metadata


def _constraints(metadata: Sequence[Any]) -> dict[str, Any]:
    """Bounds from annotated-types objects, `Field(...)` and `StringConstraints` metadata."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, FieldInfo):
            found |= _constraints(item.metadata)
        elif isinstance(item, annotated_types.BaseMetadata):
            found |= {
                f.name: getattr(item, f.name) for f in dataclasses.fields(item) if getattr(item, f.name) is not None
            }
        elif type(item).__name__ == "StringConstraints":
            found |= {name: getattr(item, name) for name in ("min_length", "max_length") if getattr(item, name)}
    return found


def _bounds(constraints: Mapping[str, Any], *, sized: str | None) -> str:
    """`0-1000`, `> 0`, `1-16 items`, `at most 255 characters`; '' without bounds."""
    low = constraints.get("ge", constraints.get("min_length"))
    high = constraints.get("le", constraints.get("max_length"))
    if "gt" in constraints:
        return f"> {constraints['gt']:g}"
    if low is None and high is None:
        return ""
    unit = ""
    if sized and ("min_length" in constraints or "max_length" in constraints):
        unit = f" {sized}" if (high, low) != (1, None) and (low, high) != (1, None) else f" {_SINGULAR[sized]}"
    if low is not None and high is not None:
        return f"{low:g}-{high:g}{unit}"
    return f"at most {high:g}{unit}" if high is not None else f"at least {low:g}{unit}"


def type_text(
    annotation: Any, metadata: Sequence[Any] = (), link: Callable[[type[BaseModel]], str] = str, *, inner: bool = False
) -> str:
    """A field's type as a reader writes it: `integer, 0-1000`, `list of string (1-8192 characters), at most 64
    items`; `inner`: the type of an item, its bounds in parentheses."""
    annotation, extra = _unwrap(annotation)
    constraints = _constraints([*metadata, *extra])
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        text = " \\| ".join(f"`{value}`" for value in args)
    elif origin is list:
        text = f"list of {type_text(args[0], link=link, inner=True)}"
    elif origin is dict:
        text = f"map {type_text(args[0], link=link, inner=True)} -> {type_text(args[1], link=link, inner=True)}"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return link(annotation)
    else:
        text = _SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))
    sized = {list: "items", dict: "entries", str: "characters"}.get(origin or annotation)
    bounds = _bounds(constraints, sized=sized)
    if not bounds:
        return text
    return f"{text} ({bounds})" if inner else f"{text}, {bounds}"


def literal(value: Any) -> str:
    """A default as YAML would write it, in backticks: `1`, `x86_64`, `{}`, `[{port: 443, ...}]`."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_unset=True)
    elif isinstance(value, list | tuple):
        value = [
            item.model_dump(mode="json", exclude_unset=True) if isinstance(item, BaseModel) else item for item in value
        ]
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, dict | list):
        text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=10**6).strip()
    else:
        text = str(value)
    return f"`{text}`"


def default_text(section: Section, name: str, field: FieldInfo) -> str:
    """`required`, a literal, the behaviour an unset value has, or `unset`."""
    if field.is_required():
        return "required"
    if issubclass(section.model, Layered):
        value, note = field.get_default(call_default_factory=True), inherited(field).unset
        if value is None:
            return note or "unset"
        return f"{literal(value)} ({note})" if note else literal(value)
    if field.default is None:
        return "unset"
    if isinstance(field.default, BaseModel) and not field.default.model_fields_set:
        return "each key's default"
    return literal(field.default)


def _nested(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """(`.`, `[].` or `.<name>.`, the model) when a field holds a model, a list or a map of them."""
    annotation, _ = _unwrap(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return ".", annotation
    if origin is list:
        inner, _ = _unwrap(args[0])
        return ("[].", inner) if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    if origin is dict:
        inner, _ = _unwrap(args[1])
        return (".{}.", inner) if isinstance(inner, type) and issubclass(inner, BaseModel) else None
    return None


def sections(root: type[BaseModel] = Config) -> list[Section]:
    """Every block of the config, depth first, each model once (where it first appears).

    A variant's keys are its pipeline's; sibling keys holding the same model share one section
    (`pricing.regions.<region>.<x86_64 or arm64>`).
    """
    found: list[Section] = []

    def visit(section: Section) -> None:
        found.append(section)
        holders: dict[type[BaseModel], list[tuple[str, str]]] = {}
        for name, field in section.model.model_fields.items():
            nested = _nested(field.annotation)
            if nested is not None and nested[1] is not VariantConfig:
                holders.setdefault(nested[1], []).append((name, nested[0]))
        for model, fields in holders.items():
            if any(seen.model is model for seen in found):
                continue
            names = [name for name, _ in fields]
            name = names[0] if len(names) == 1 else f"<{' or '.join(names)}>"
            visit(Section(model, section.prefix + name + fields[0][1].format(KEY_NAMES.get(name, "<name>"))))

    visit(Section(root, ""))
    return found


#: The keys only a pipeline sets (its variants, the experiment they run).
PIPELINE_ONLY = tuple(key for key in PipelineConfig.model_fields if key not in ContainerSettings.model_fields)


def _cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|").replace("\\\\|", "\\|")


def _table(section: Section, titles: Mapping[type[BaseModel], str]) -> Iterator[str]:
    def link(model: type[BaseModel]) -> str:
        if model is VariantConfig:
            own = " and ".join(f"`{key}`" for key in PIPELINE_ONLY)
            return f"mapping: the keys of [{titles[PipelineConfig]}](#{anchor(titles[PipelineConfig])}) but {own}"
        return f"mapping: [{titles[model]}](#{anchor(titles[model])})"

    yield "| key | type | default | description |"
    yield "|---|---|---|---|"
    for name, field in section.model.model_fields.items():
        if not field.description:
            raise LookupError(f"{section.model.__name__}.{name} has no description: add Field(description=...)")
        row = (
            f"`{section.prefix}{name}`",
            type_text(field.annotation, field.metadata, link),
            default_text(section, name, field),
            field.description,
        )
        yield "| " + " | ".join(_cell(cell) for cell in row) + " |"


def _intro(section: Section) -> list[str]:
    lines = [inspect.getdoc(section.model) or ""]
    if section.model is PipelineConfig:
        merged = ", ".join(f"`{key}`" for key in MERGED)
        own = " and ".join(f"`{key}`" for key in PIPELINE_ONLY)
        lines.append(
            f"A variant sets every key but {own} at `pipelines.<pipeline>.variants.<variant>.<key>`, "
            f"overriding its pipeline's: {merged} merge key by key, every other key is replaced whole. "
            "A key neither sets takes the default below."
        )
    return lines


def fargate_sizes() -> list[str]:
    """The table of task sizes Fargate accepts (`cpu` and `memory`), from `fargate`."""
    rows = [f"| {cpu:g} | {fargate.describe_memories(cpu)} |" for cpu in fargate.valid_cpus()]
    return ["Task sizes Fargate accepts (`cpu` in vCPU, `memory` in GiB):", "", "| cpu | memory |", "|---|---|", *rows]


def render(root: type[BaseModel] = Config) -> str:
    """The generated part of docs/configuration.md (without its markers): every block below `root`."""
    found = sections(root)
    titles = {section.model: section.title for section in found}
    lines: list[str] = []
    for section in found:
        lines += [f"### {section.title}", "", *_intro(section), "", *_table(section, titles), ""]
        if section.model is PipelineConfig:
            lines += [*fargate_sizes(), ""]
    return "\n".join(lines).rstrip("\n")


#: Where the generated part of the document starts and ends.
MARKERS = Markers(BEGIN, END)
generated_part = MARKERS.part
splice = MARKERS.splice


def main(argv: Sequence[str] | None = None) -> int:
    """Print the generated reference, or (`--write`) update docs/configuration.md in place."""
    parser = argparse.ArgumentParser(prog="python -m modules.config.reference", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"replace the generated parts of {DOCUMENT.name} and {aws_rules.DOCUMENT.name}",
    )
    args = parser.parse_args(argv)
    generated = render()
    if not args.write:
        print(generated)
        return 0
    for document, write in ((DOCUMENT, lambda text: splice(text, generated)), (aws_rules.DOCUMENT, _aws_rules)):
        try:
            document.write_text(write(document.read_text()))
        except (OSError, ValueError) as err:
            print(f"error: {document}: {err}", file=sys.stderr)
            return 1
        print(f"updated {document}")
    return 0


def _aws_rules(document: str) -> str:
    return aws_rules.splice(document, aws_rules.render())


if __name__ == "__main__":
    sys.exit(main())
