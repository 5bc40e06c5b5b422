"""What an edit of pipelines.yaml did: the new text, what changed in words, the next step; and the
checks every edit shares: the config validates before, the edited one after (pure)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from ..config import ConfigError, Deployment, Problem, load_text
from ..config.errors import did_you_mean
from .document import Document

#: The variant every experiment is measured against, and the one a promotion updates.
CONTROL = "control"


@dataclass
class Edit:
    """The text before and after, and what changed, one line each."""

    before: str
    after: str
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the edit left as it was and the reader should know (an environment's own override)."""
    next_steps: list[str] = field(default_factory=list)

    def diff(self, name: str) -> str:
        """The unified diff of the edit, `a/<name>` -> `b/<name>` (an absolute `name` as it is)."""
        old, new = (name, name) if name.startswith("/") else (f"a/{name}", f"b/{name}")
        return "".join(
            difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True), old, new)
        )


def validated(text: str, source: str) -> list[Deployment]:
    """The config's stacks; ConfigError (one line per problem) when it does not validate."""
    return load_text(text, source)


def checked_result(edit: Edit, source: str) -> Edit:
    """`edit` when the edited config validates; otherwise its problems, each marked as the edit's."""
    try:
        load_text(edit.after, source)
    except ConfigError as error:
        raise ConfigError(
            [replace(p, message=f"{p.message} (in the config as the edit would leave it)") for p in error.problems]
        ) from None
    return edit


def open_document(text: str, source: str) -> Document:
    """The validated config as an editable document."""
    validated(text, source)
    return Document(text, source)


def variants_of(document: Document, pipeline: str) -> dict:
    """The pipeline's `variants` mapping; ConfigError naming the pipelines when there is no such pipeline."""
    pipelines = document.get(("pipelines",))
    if pipeline not in pipelines:
        raise ConfigError(
            [
                Problem(
                    f"pipelines.{pipeline}",
                    f"no such pipeline; {did_you_mean(pipeline, pipelines)}the config defines {', '.join(pipelines)}",
                )
            ]
        )
    variants = document.get(("pipelines", pipeline, "variants"))
    if CONTROL not in variants:
        raise ConfigError(
            [
                Problem(
                    f"pipelines.{pipeline}.variants",
                    f"has no `{CONTROL}`: the experiment commands measure against and promote into `{CONTROL}` "
                    f"(variants: {', '.join(variants)})",
                )
            ]
        )
    return variants


def environment_entries(document: Document) -> dict:
    """Environment name -> its entry (a mapping, or None for an environment that overrides nothing)."""
    entries = document.get(("environments",))
    return dict(entries) if isinstance(entries, dict) else {}


def omitted(entry: object, pipeline: str, variant: str) -> bool:
    """Whether an environment's `omit` leaves the variant out."""
    omit = entry.get("omit") if isinstance(entry, dict) else None
    return isinstance(omit, list) and (pipeline in omit or f"{pipeline}/{variant}" in omit)
