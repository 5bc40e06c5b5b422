"""The JSON Schema (draft 2020-12) of pipelines.yaml, generated from the config models (pure, no cdktf).

Editors read it for completion and inline errors (`# yaml-language-server: $schema=...`). It holds
the shape of a config: keys, types, bounds, names, descriptions and defaults, from the same models
as docs/configuration.md. Checks across fields (a task size Fargate accepts,
an ARN's region) are `validate`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import names
from .model import Config, VariantConfig
from .strict import Layered, inherited

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: The shipped copy (tests keep it identical to `render()`); `python main.py schema --out` rewrites it.
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "pipelines.schema.json"
#: Config keys whose own keys are names (`pipelines.<pipeline>`, `variants.<variant>`, `environments.<env>`).
NAMED_MAPS = ("pipelines", "variants", "environments")
#: String settings that are names themselves.
NAMED_VALUES = {"Config": ("project",), "ClusterConfig": ("name",)}
#: A JSON Schema pattern matches anywhere in the value, so it is anchored here; at the end by "no character
#: follows", which every validator reads alike (Python's `$` would also match before a final line break).
NAME_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": rf"^(?:{names.NAME.pattern})(?![\s\S])",
    "maxLength": names.NAME_MAX,
}


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (key, property schema) of every object in `schema`, nested ones included."""
    yield from schema.get("properties", {}).items()
    for definition in schema.get("$defs", {}).values():
        yield from _properties(definition)


def _nullable(prop: dict[str, Any]) -> dict[str, Any]:
    """`prop`, also accepting null."""
    if any(option.get("type") == "null" for option in prop.get("anyOf", ())):
        return prop
    outer = {key: prop.pop(key) for key in ("default", "description", "title") if key in prop}
    return {"anyOf": [prop, {"type": "null"}], **outer}


def _layered(schema: dict[str, Any]) -> None:
    """Each key of a layered block (`strict.Layered`) that reads null as unset also accepts null and shows its
    default, or where that is null what unset means; a variant's says that unset inherits its pipeline's."""
    definitions = schema["$defs"]
    for model in _subclasses(Layered):
        if model.__name__ not in definitions or not model.null_is_unset:
            continue
        properties = definitions[model.__name__]["properties"]
        for key, field in model.model_fields.items():
            if field.is_required():
                continue
            prop = properties[key] = _nullable(properties[key])
            if model is VariantConfig:
                prop.pop("default", None)
                prop["description"] += "; unset: the pipeline's"
            elif prop.get("default", ...) is None:
                prop.pop("default")
                if inherited(field).unset:
                    prop["description"] += f"; unset: {inherited(field).unset}"


def _subclasses(model: type[Layered]) -> list[type[Layered]]:
    return [found for sub in model.__subclasses__() for found in (sub, *_subclasses(sub))]


def _names(schema: dict[str, Any]) -> None:
    """Keys and values that are names carry the name rule (lower case, digits, `-`; at most 64)."""
    for key, prop in _properties(schema):
        if key in NAMED_MAPS:
            for option in prop.get("anyOf", [prop]):
                if option.get("type") == "object":
                    option["propertyNames"] = dict(NAME_SCHEMA)
    for model, keys in NAMED_VALUES.items():
        owner = schema if model == Config.__name__ else schema["$defs"][model]
        for key in keys:
            owner["properties"][key].update(NAME_SCHEMA)


def generate() -> dict[str, Any]:
    """The schema as data."""
    schema = Config.model_json_schema()
    _layered(schema)
    _names(schema)
    return {"$schema": DIALECT, "title": "pipelines.yaml", **schema}


def render() -> str:
    """The schema as the shipped file holds it: indented JSON, one trailing newline."""
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"
