"""Read pipelines.yaml text into resolved Deployments (one per stack), or raise ConfigError."""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..lib.bounded import read_regular
from . import arns, environments, experiment, names
from .adopt import shared_adoptions
from .errors import ConfigError, Problem, from_validation_error, join_path
from .model import Config, PipelineConfig, VariantConfig
from .resolve import Deployment, resolve, resolve_pipeline


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


class _FastUniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml when PyYAML has it (7 x faster; its error positions differ, so errors re-parse)."""


#: Bounds on what a config may hold, far above any real one: a bigger or deeper input is refused
#: before it is built (a YAML alias bomb expands to billions of values from a few lines).
MAX_BYTES = 1 << 20
MAX_DEPTH = 50
MAX_VALUES = 100_000
#: What to do when the config file is not there.
MISSING_HINT = "name one with --config or $PIPELINES_CONFIG, or write a starter one with `python main.py init`"


def _mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value such as a name, not a list or mapping", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_FastUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _duplicates(node: yaml.Node, path: tuple = ()) -> list[Problem]:
    """A problem for every key written twice in one mapping, at its dotted path."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in lines:
                problems.append(
                    Problem(
                        join_path([*path, key]), f"duplicate key, written at lines {lines[key]} and {line}; keep one"
                    )
                )
            lines.setdefault(key, line)
            problems += _duplicates(value_node, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _duplicates(item, (*path, index))
    return problems


def parse_yaml(text: str, source: str) -> object:
    """YAML text -> Python data; a syntax error becomes a one-line Problem with its position.

    Keys written twice are reported at their dotted paths, every one of them. Input deeper than
    MAX_DEPTH or expanding (aliases counted in full) to more than MAX_VALUES values is refused.
    """
    check_bounds(text)
    try:
        return yaml.load(text, Loader=_FastUniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        pass  # reported below by the pure-Python parser: the positions and wording of its messages
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.constructor.ConstructorError as err:
        if str(err.problem).startswith("duplicate key"):
            raise ConfigError(_duplicates(yaml.compose(text, Loader=yaml.SafeLoader))) from None
        raise _syntax_error(err, source) from None
    except yaml.YAMLError as err:
        raise _syntax_error(err, source) from None


def check_bounds(text: str) -> None:
    """ConfigError when YAML `text` nests deeper than MAX_DEPTH or expands to more than MAX_VALUES values.

    Read from the parser's events (no values built, no recursion): libyaml's first, the
    pure-Python parser's when libyaml stops (it reads ahead, so it stops before a bound is
    reached); a syntax error past the bounds is left to the loader.
    """
    try:
        _check_events(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except yaml.YAMLError:
        try:
            _check_events(yaml.parse(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError:
            return


def _check_events(events: Iterator[yaml.Event]) -> None:
    sizes: list[int] = [0]  # values so far in each open collection, the document's at the bottom
    anchors: dict[str, int] = {}
    opened: list[str | None] = []
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            if len(opened) >= MAX_DEPTH:
                raise ConfigError([Problem("", f"nested deeper than {MAX_DEPTH} levels; no config needs that")])
            opened.append(event.anchor)
            sizes.append(0)
        elif isinstance(event, yaml.CollectionEndEvent):
            size = sizes.pop() + 1
            anchor = opened.pop()
            if anchor is not None:
                anchors[anchor] = size
            sizes[-1] += size
        elif isinstance(event, yaml.ScalarEvent):
            sizes[-1] += 1
            if event.anchor is not None:
                anchors[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            sizes[-1] += anchors.get(event.anchor, 1)
        if sizes[-1] > MAX_VALUES:
            message = f"expands to more than {MAX_VALUES} values (aliases counted in full); no config needs that"
            raise ConfigError([Problem("", message)])


def _syntax_error(err: yaml.YAMLError, source: str) -> ConfigError:
    mark = getattr(err, "problem_mark", None)
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
    what = getattr(err, "problem", None) or str(err)
    return ConfigError([Problem("", f"YAML syntax error at {where}: {what}")])


def load_text(text: str, source: str = "<config>", *, today: datetime.date | None = None) -> list[Deployment]:
    """Validate and resolve config text: one Deployment per stack; ConfigError lists every problem.

    Without `environments:` that is one stack named after the project; with it, one stack
    per environment, in config order. `today`: the date an experiment's start may not be after
    (default: `experiment.latest_today`).
    """
    context = {experiment.TODAY: today} if today else None
    data = parse_yaml(text, source)
    if not isinstance(data, dict):
        raise ConfigError([Problem("", "the config must be a YAML mapping with region, network and pipelines", data)])
    if not data.get("environments"):
        deployment, problems = _resolve(data, context=context)
        if deployment is None:
            raise ConfigError(problems)
        return [deployment]
    return _load_environments(data, context)


def _resolve(
    data: dict, environment: str | None = None, *, context: dict[str, Any] | None = None
) -> tuple[Deployment | None, list[Problem]]:
    """The Deployment of schema-checked, resolved data, or the problems found (`context`: the validation's)."""
    try:
        config = Config.model_validate(data, context=context)
    except ValidationError as err:
        return None, from_validation_error(err, Config) + _pipeline_problems(data, context)
    deployment, problems = resolve(config, environment=environment)
    return (None if problems else deployment), problems


def _load_environments(data: dict, context: dict[str, Any] | None = None) -> list[Deployment]:
    """One Deployment per environment; a problem that not every environment has names those it is in."""
    entries = data["environments"]
    if not isinstance(entries, dict):
        raise ConfigError([Problem("environments", "must be a mapping of environment name to overrides", entries)])
    deployments: list[Deployment] = []
    found: list[tuple[Problem, list[str]]] = []  # problems may hold unhashable values
    resolved = 0  # environments whose entry was fine, so the merged config was checked
    for name, entry in entries.items():
        problems, merged = _expand(data, str(name), {} if entry is None else entry)
        if merged is not None:
            resolved += 1
            deployment, problems = _resolve(merged, environment=str(name), context=context)
            overrides = {k: v for k, v in entry.items() if k not in environments.OWN_KEYS} if entry else {}
            problems = [environments.relocate(problem, str(name), overrides) or problem for problem in problems]
            if deployment is not None:
                deployments.append(environments.relocate_sources(deployment, overrides))
        for problem in problems:
            envs = next((envs for seen, envs in found if seen == problem), None)
            if envs is None:
                found.append((problem, [str(name)]))
            elif envs[-1] != str(name):
                envs.append(str(name))
    if found:
        raise ConfigError([_in_environments(problem, envs, resolved) for problem, envs in found])
    shared = shared_adoptions({d.stack: (d.adopt, d.region, d.assume_role_arn) for d in deployments})
    if shared:
        raise ConfigError(shared)
    clashes = stack_clashes(deployments)
    if clashes:
        raise ConfigError(clashes)
    return deployments


def stack_clashes(deployments: list[Deployment]) -> list[Problem]:
    """A stack name two environments would both write (`stacks: per_pipeline` names `<env>-<pipeline>`)."""
    owners: dict[str, str] = {}
    problems = []
    for deployment in deployments:
        for stack in deployment.stack_names():
            other = owners.setdefault(stack, deployment.stack)
            if other != deployment.stack:
                problems.append(
                    Problem(
                        f"environments.{deployment.stack}",
                        f"its stack {stack!r} is also a stack of environment {other!r} (stacks: per_pipeline "
                        "names a pipeline's stack <environment>-<pipeline>); rename the environment or the pipeline",
                        stack,
                    )
                )
    return problems


def _expand(data: dict, name: str, entry: object) -> tuple[list[Problem], dict[str, Any] | None]:
    """One environment's merged config data, or the problems of its entry."""
    where = join_path(("environments", name))  # environments[''], environments['a.b'] for bad names
    try:
        names.check_name(name)
    except ValueError as err:
        return [Problem(where, str(err), name)], None
    if not isinstance(entry, Mapping):
        return [
            Problem(where, "must be a mapping of overrides of top-level, pipeline or variant settings", entry)
        ], None
    merged, problems = environments.expand(data, name, entry, list(Config.model_fields))
    return problems, merged


def _in_environments(problem: Problem, envs: list[str], resolved: int) -> Problem:
    """A problem of a shared value as is; one only some environments have, with their names."""
    if problem.path.startswith(("environments.", "environments[")) or len(envs) == resolved:
        return problem
    label = "environment" if len(envs) == 1 else "environments"
    return Problem(problem.path, f"{problem.message} (in {label} {', '.join(envs)})", problem.value)


def _pipeline_problems(data: dict, context: dict[str, Any] | None = None) -> list[Problem]:
    """Cross-field problems of the variants that are schema-valid on their own.

    So that one run reports a typo in one variant and an impossible size in another together.
    """
    problems: list[Problem] = []
    pipelines = data.get("pipelines")
    if not isinstance(pipelines, dict):
        return problems
    region = data.get("region")
    region_known = isinstance(region, str) and bool(arns.REGION.fullmatch(region))
    for name, raw in pipelines.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("variants"), dict):
            continue
        variants = {k: v for k, v in raw["variants"].items() if _validated(VariantConfig, v)}
        pipeline = _validated(PipelineConfig, {**raw, "variants": variants}, context) if variants else None
        if not isinstance(pipeline, PipelineConfig):
            continue
        # Only the problems count here; the names derived from cluster and region are dropped.
        problems += resolve_pipeline(
            str(name),
            pipeline,
            cluster_name="cluster",
            region=region if region_known else "us-east-1",
            tags={},
            region_known=region_known,
        )[1]
    return problems


def _validated(model: type[BaseModel], raw: object, context: dict[str, Any] | None = None) -> BaseModel | None:
    """`raw` as a `model`, or None when it does not validate."""
    try:
        return model.model_validate(raw, context=context)
    except ValidationError:
        return None


def load_file(path: str | Path, *, today: datetime.date | None = None) -> list[Deployment]:
    """Read and resolve a config file; a missing, unreadable or oversized file, or one that is
    not a regular file (a FIFO, a device, a directory), is a ConfigError too."""
    try:
        text = read_config(Path(path))
    except FileNotFoundError:
        raise ConfigError([Problem("", f"no config file {path}: {MISSING_HINT}")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError([Problem("", f"cannot read config file {path}: {err}")]) from None
    return load_text(text, str(path), today=today)


def read_config(path: Path) -> str:
    """The text of a regular file of at most MAX_BYTES; OSError otherwise (opening never blocks on a FIFO)."""
    return read_regular(path, MAX_BYTES, "a config", hint="name a YAML file").decode("utf-8")
