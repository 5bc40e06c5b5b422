"""The JSON Schema (draft 2020-12) of pipelines.yaml, generated from the config models (pure, no cdktf).

Editors read it for completion and inline errors (`# yaml-language-server: $schema=...`). It holds
the shape of a config: keys, types, bounds, names, descriptions and defaults, from the same models
and `resolve.DEFAULTS` as docs/configuration.md. Checks across fields (a task size Fargate accepts,
an ARN's region) are `validate`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import names, resolve
from .model import Config
from .reference import default_notes

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


def _inherited_defaults(schema: dict[str, Any]) -> None:
    """A pipeline's setting shows the default `resolve.DEFAULTS` applies (or what unset means);
    a variant's says that unset inherits its pipeline's."""
    notes = default_notes()
    definitions = schema["$defs"]
    for key, prop in definitions["PipelineConfig"]["properties"].items():
        if key not in resolve.DEFAULTS:
            continue
        default = resolve.DEFAULTS[key]
        if default is None:
            prop.pop("default", None)
            if key in notes:
                prop["description"] += f"; unset: {notes[key]}"
        else:
            prop["default"] = json.loads(json.dumps(default))
    for prop in definitions["VariantConfig"]["properties"].values():
        prop.pop("default", None)
        prop["description"] += "; unset: the pipeline's"


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
    _inherited_defaults(schema)
    _names(schema)
    return {"$schema": DIALECT, "title": "pipelines.yaml", **schema}


def render() -> str:
    """The schema as the shipped file holds it: indented JSON, one trailing newline."""
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"
