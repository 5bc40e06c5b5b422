"""Read pipelines.yaml text into a resolved Deployment, or raise ConfigError."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError, Problem, from_validation_error
from .model import Config, PipelineConfig, VariantConfig
from .resolve import Deployment, resolve, resolve_pipeline


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def parse_yaml(text: str, source: str) -> object:
    """YAML text -> Python data; a syntax error becomes a one-line Problem with its position."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        what = getattr(err, "problem", None) or str(err)
        raise ConfigError([Problem("", f"YAML syntax error at {where}: {what}")]) from None


def load_text(text: str, source: str = "<config>") -> Deployment:
    """Validate and resolve config text; ConfigError lists every problem found."""
    data = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ConfigError([Problem("", "the config must be a YAML mapping with region, network and pipelines", data)])
    try:
        config = Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(from_validation_error(err, Config) + _pipeline_problems(data)) from None
    deployment, problems = resolve(config)
    if problems:
        raise ConfigError(problems)
    return deployment


def _pipeline_problems(data: dict) -> list[Problem]:
    """Cross-field problems of the variants that are schema-valid on their own.

    So that one run reports a typo in one variant and an impossible size in another together.
    """
    problems: list[Problem] = []
    pipelines = data.get("pipelines")
    if not isinstance(pipelines, dict):
        return problems
    for name, raw in pipelines.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("variants"), dict):
            continue
        variants = {k: v for k, v in raw["variants"].items() if _valid(VariantConfig, v)}
        if not variants or not _valid(PipelineConfig, {**raw, "variants": variants}):
            continue
        pipeline = PipelineConfig.model_validate({**raw, "variants": variants})
        problems += resolve_pipeline(str(name), pipeline, cluster_name="cluster", tags={})[1]
    return problems


def _valid(model: type[BaseModel], raw: object) -> bool:
    try:
        model.model_validate(raw)
    except ValidationError:
        return False
    return True


def load_file(path: str | Path) -> Deployment:
    """Read and resolve a config file; a missing or unreadable file is a ConfigError too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError([Problem("", f"cannot read config file {path}: {err}")]) from None
    return load_text(text, str(path))
