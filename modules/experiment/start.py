"""`experiment start`: a new variant beside control, with control's settings and a new image (pure).

The variant inherits what its pipeline sets, like control; it copies what control sets for itself, with
the new `image_tag` (and no `image_digest`). Its own input queue and output namespace follow from the
pipeline's `input`/`output` (docs/data-isolation.md). In every environment it runs where control runs:
an environment that omits control omits it too, and control's overrides there are copied (but its image).
"""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap

from ..config import ConfigError, Problem
from ..config.names import check_name
from .document import plain, quoted
from .edit import CONTROL, Edit, checked_result, environment_entries, omitted, open_document, variants_of

IMAGE_KEYS = ("image_tag", "image_digest")


def start(text: str, pipeline: str, image_tag: str, variant: str = "treatment", source: str = "<config>") -> Edit:
    """The config with `variant` added to `pipeline`: control's own settings, image `image_tag`."""
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
