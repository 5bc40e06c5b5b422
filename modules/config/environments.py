"""`environments:` one stack per environment, each the top-level config with its overrides.

An environment's entry is deep-merged onto the config (without `environments`): mappings
merge key by key, every other value (lists included) is replaced whole. `omit` leaves
pipelines or variants out of that environment. Overrides may only touch pipelines and
variants the config defines. The merged data is then validated like any config, and a
problem in a value the environment set is reported at `environments.<env>.<path>`, and so are
the policy findings and waivers of such values (`relocate_sources`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from .errors import Problem, did_you_mean, unknown_key
from .model import Config
from .resolve import Deployment

#: Keys of an environment entry that are not overrides of top-level settings.
OWN_KEYS = ("omit",)
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def deep_merge(base: Any, override: Any) -> Any:
    """`override` onto `base`: mappings merge recursively, anything else replaces."""
    if not (isinstance(base, Mapping) and isinstance(override, Mapping)):
        return copy.deepcopy(override)
    merged = {key: copy.deepcopy(value) for key, value in base.items()}
    for key, value in override.items():
        merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
    return merged


def expand(
    data: Mapping[str, Any], name: str, entry: Mapping[str, Any], top_level_keys: Sequence[str]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The config data of one environment, or the problems of its entry."""
    where = f"environments.{name}"
    base = {key: value for key, value in data.items() if key != "environments"}
    overrides = {key: value for key, value in entry.items() if key not in OWN_KEYS}
    problems = _unknown_keys(where, entry, [k for k in top_level_keys if k != "environments"])
    problems += _unknown_pipelines(where, base.get("pipelines"), overrides.get("pipelines"))
    if problems:
        return None, problems
    backend, base_type = overrides.get("backend"), _backend_type(base.get("backend"))
    if isinstance(backend, Mapping) and backend.get("type", base_type) != base_type:
        base.pop("backend", None)  # another backend type replaces the block whole
    merged = deep_merge(base, overrides)
    _keep_state_region(merged, base, overrides)
    adopted = merged.get("adopt")
    if not _sets(overrides, "cluster", "name") and not (isinstance(adopted, Mapping) and adopted.get("cluster")):
        # An adopted cluster keeps its name (`config.adopt`): no environment suffix.
        cluster = merged.setdefault("cluster", {})
        stem = cluster.get("name") if isinstance(cluster, dict) else None
        stem = stem or merged.get("project", Config.model_fields["project"].default)
        if isinstance(cluster, dict) and isinstance(stem, str):
            cluster["name"] = f"{stem}-{name}"
    problems = _omit(where, merged, entry.get("omit", []))
    return (None if problems else merged), problems


def _keep_state_region(merged: dict[str, Any], base: Mapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """An environment in another region still keeps its state in the config's S3 bucket, which
    is in the config's own region: pin `backend.region` to it unless the environment names its
    own bucket (then its own region is the default) or the region is set."""
    backend = merged.get("backend")
    if not isinstance(backend, dict) or backend.get("type") != "s3" or "region" in backend:
        return
    if _sets(overrides, "backend", "bucket") or not isinstance(base.get("region"), str):
        return
    backend["region"] = base["region"]


def _backend_type(backend: object) -> object:
    return backend.get("type", "local") if isinstance(backend, Mapping) else "local"


def _sets(mapping: Mapping[str, Any], *keys: str) -> bool:
    for key in keys:
        if not isinstance(mapping, Mapping) or key not in mapping:
            return False
        mapping = mapping[key]
    return True


def _unknown_keys(where: str, entry: Mapping[str, Any], top_level_keys: Sequence[str]) -> list[Problem]:
    valid = sorted([*top_level_keys, *OWN_KEYS])
    return [unknown_key(f"{where}.{key}", key, valid) for key in entry if key not in valid]


def _unknown_pipelines(where: str, pipelines: object, overrides: object) -> list[Problem]:
    """Overrides of pipelines or variants the config does not define."""
    if not isinstance(pipelines, Mapping) or not isinstance(overrides, Mapping):
        return []
    problems = []
    for name, override in overrides.items():
        path = f"{where}.pipelines.{name}"
        if name not in pipelines:
            hint = did_you_mean(name, pipelines)
            problems.append(Problem(path, f"no such pipeline; {hint}environments override only {_defined(pipelines)}"))
            continue
        variants = pipelines[name].get("variants") if isinstance(pipelines[name], Mapping) else None
        known = variants if isinstance(variants, Mapping) else {}
        if isinstance(override, Mapping) and isinstance(override.get("variants"), Mapping):
            for variant in override["variants"]:
                if variant not in known:
                    problems.append(
                        Problem(
                            f"{path}.variants.{variant}",
                            f"no such variant of {name}; {did_you_mean(variant, known)}"
                            f"environments override only {_defined(variants)}",
                        )
                    )
    return problems


def _defined(names: object) -> str:
    """The names a mapping defines; none for anything else (`variants: 1`)."""
    return f"the ones defined in the config ({', '.join(map(str, names)) if isinstance(names, Mapping) else ''})"


def _omit(where: str, merged: dict[str, Any], omit: object) -> list[Problem]:
    """Remove the `omit` entries (`pipeline` or `pipeline/variant`) from merged data, in place."""
    path = f"{where}.omit"
    if not isinstance(omit, list) or not all(isinstance(item, str) for item in omit):
        return [Problem(path, "must be a list of 'pipeline' or 'pipeline/variant' names", omit)]
    pipelines = merged.get("pipelines")
    if not isinstance(pipelines, dict):
        return []
    problems = []
    for index, item in enumerate(omit):
        pipeline, _, variant = item.partition("/")
        variants = pipelines.get(pipeline, {}).get("variants") if isinstance(pipelines.get(pipeline), dict) else None
        if pipeline not in pipelines:
            hint = did_you_mean(pipeline, pipelines)
            problems.append(
                Problem(f"{path}[{index}]", f"no such pipeline; {hint}use one of {_defined(pipelines)}", item)
            )
        elif not variant:
            del pipelines[pipeline]
        elif not isinstance(variants, dict) or variant not in variants:
            hint = did_you_mean(variant, variants if isinstance(variants, dict) else ())
            problems.append(
                Problem(f"{path}[{index}]", f"no such variant; {hint}use one of {_defined(variants)}", item)
            )
        else:
            del variants[variant]
            if not variants:
                del pipelines[pipeline]
    if not problems and not pipelines:
        problems.append(Problem(path, "leaves no pipeline in this environment; omit fewer", omit))
    return problems


def written_in(path: str, overrides: Mapping[str, Any]) -> bool:
    """True when the environment's `overrides` set the value at dotted `path` (or a list or value holding it)."""
    value: Any = overrides
    for match in _PART.finditer(path):
        if not isinstance(value, Mapping):
            break  # inside a list or value the environment set whole
        key = match.group(1) or match.group(2)
        if key not in value:
            return False
        value = value[key]
    return bool(path)


def relocate(problem: Problem, environment: str, overrides: Mapping[str, Any]) -> Problem | None:
    """`problem` moved to `environments.<env>.<path>` when the environment set that value."""
    if not written_in(problem.path, overrides):
        return None
    return Problem(f"environments.{environment}.{problem.path}", problem.message, problem.value)


def relocate_sources(deployment: Deployment, overrides: Mapping[str, Any]) -> Deployment:
    """`deployment` with each variant's `sources` at `environments.<env>.<path>` where the environment set them.

    So that findings and waivers (`modules.policy.enforce`) name the line where the value is written.
    """
    where = f"environments.{deployment.environment}."
    variants = tuple(
        replace(
            spec,
            sources=MappingProxyType(
                {key: where * written_in(path, overrides) + path for key, path in spec.sources.items()}
            ),
        )
        for spec in deployment.variants
    )
    return replace(deployment, variants=variants)
