"""`experiment start`: a new variant beside control, with control's settings and a new image (pure).

The variant inherits what its pipeline sets, like control; it copies what control sets for itself, with
the new `image_tag` (and no `image_digest`). Its own input queue and output namespace follow from the
pipeline's `input`/`output` (docs/data-isolation.md). In every environment it runs where control runs:
an environment that omits control omits it too, and control's overrides there are copied (but its image).
Given a hypothesis and an owner, the pipeline's `experiment:` block records the experiment (its id, today as
its start) unless one is already declared: an experiment with a third variant keeps its start.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ruamel.yaml.comments import CommentedMap

from ..config import ConfigError, Problem
from ..config.names import check_name
from .document import Document, plain, quoted, shown
from .edit import CONTROL, Edit, checked_result, environment_entries, omitted, open_document, variants_of

IMAGE_KEYS = ("image_tag", "image_digest")


@dataclass(frozen=True)
class Record:
    """What the pipeline's `experiment:` block records (model.ExperimentConfig)."""

    hypothesis: str
    owner: str
    id: str | None = None
    """None: `<variant>-<image tag>`."""
    start: datetime.date | None = None
    """None: today."""


def start(
    text: str,
    pipeline: str,
    image_tag: str,
    variant: str = "treatment",
    source: str = "<config>",
    record: Record | None = None,
) -> Edit:
    """The config with `variant` added to `pipeline`: control's own settings, image `image_tag`; with `record`,
    the pipeline's `experiment:` block unless it has one."""
    document = open_document(text, source)
    variants = variants_of(document, pipeline)
    where = f"pipelines.{pipeline}.variants.{variant}"
    try:
        check_name(variant)
    except ValueError as err:
        raise ConfigError([Problem(where, str(err), variant)]) from None
    if variant in variants:
        raise ConfigError(
            [
                Problem(
                    where,
                    "already exists: an experiment starts a new variant (a variant is never renamed or reused: "
                    "that would replace its service); promote or remove it first, or name another with --variant",
                )
            ]
        )
    block = _copy(variants[CONTROL])
    image = {key: block.pop(key) for key in IMAGE_KEYS if key in block}
    block.insert(0, "image_tag", quoted(image_tag))
    document.add(("pipelines", pipeline, "variants", variant), block)
    before = image.get("image_tag") or image.get("image_digest") or "the pipeline's"
    edit = Edit(
        text,
        "",
        [
            f"pipelines.{pipeline}.variants.{variant}: added, control's settings with image_tag {image_tag} "
            f"(control's image: {before})"
        ],
    )
    for name, entry in environment_entries(document).items():
        if not isinstance(entry, dict):
            continue
        if omitted(entry, pipeline, CONTROL):
            if pipeline not in entry["omit"]:
                entry["omit"].append(f"{pipeline}/{variant}")
                edit.changes.append(f"environments.{name}.omit: + {pipeline}/{variant} (control is omitted there)")
            continue
        override = document.get(("environments", name, "pipelines", pipeline, "variants", CONTROL))
        if isinstance(override, dict):
            copied = _copy(override)
            for key in IMAGE_KEYS:
                copied.pop(key, None)
            if copied:
                document.add(("environments", name, "pipelines", pipeline, "variants", variant), copied)
                edit.changes.append(
                    f"environments.{name}.pipelines.{pipeline}.variants.{variant}: added, control's override there "
                    f"({', '.join(copied)})"
                )
    if record is not None:
        _record(document, edit, pipeline, variant, image_tag, record)
    edit.after = document.render()
    edit.next_steps = [
        "python main.py synth, then plan: it creates "
        f"{pipeline}/{variant}'s resources (its own service, task definition, roles, log group) and changes "
        "nothing of control",
    ]
    return checked_result(edit, source)


def _copy(block: object) -> CommentedMap:
    """A variant's own settings, uncommented (`control:` with nothing under it sets nothing)."""
    return plain(block) if isinstance(block, dict) else CommentedMap()


def _record(document: Document, edit: Edit, pipeline: str, variant: str, image_tag: str, record: Record) -> None:
    """The pipeline's `experiment:` block from `record`; an experiment already declared is kept (a note)."""
    path = ("pipelines", pipeline, "experiment")
    declared = document.get(path)
    if isinstance(declared, dict):
        found = f"{shown(declared.get('id'))}, started {shown(declared.get('start'))}"
        edit.notes.append(f"pipelines.{pipeline}.experiment: kept ({found}): the new variant joins the one running")
        return
    block = CommentedMap(
        [
            ("id", quoted(record.id or f"{variant}-{image_tag}")),
            ("hypothesis", quoted(record.hypothesis)),
            ("owner", quoted(record.owner)),
            ("start", quoted((record.start or datetime.date.today()).isoformat())),
        ]
    )
    document.add(path, block)
    edit.changes.append(
        f"pipelines.{pipeline}.experiment: added, id {block['id']} started {block['start']} (tags on every "
        "variant's resources, the dashboard's header, cost to date)"
    )
