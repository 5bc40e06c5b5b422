"""Which variant a synthesized resource belongs to: its tags, else its address (pure).

Addresses are `<type>.<pipeline>_<variant>[_suffix]` and resources carry `pipeline`/`variant`
tags; resources that have neither (the cluster, its capacity providers) are shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..config.names import owned_by


@dataclass(frozen=True, order=True)
class Owner:
    """A variant (`variant` set), a whole pipeline (only `pipeline`) or everything (neither)."""

    pipeline: str | None = None
    variant: str | None = None

    @property
    def stem(self) -> str:
        return f"{self.pipeline}_{self.variant}"

    def __str__(self) -> str:
        if self.variant:
            return f"{self.pipeline}/{self.variant}"
        return f"{self.pipeline} (all variants)" if self.pipeline else "shared"


SHARED = Owner()


def _naming_tags(body: dict[str, Any]) -> dict[str, str]:
    """The `pipeline` and `variant` tags of a resource that are strings: a plan may hold any JSON value
    there (it is what Terraform printed, not what we wrote), and one that is no string names nothing."""
    tags = body.get("tags")
    if not isinstance(tags, dict):
        return {}
    return {key: tags[key] for key in ("pipeline", "variant") if isinstance(tags.get(key), str)}


def variants_in(resources: dict[str, dict[str, Any]], recorded: Iterable[dict[str, str]]) -> set[Owner]:
    """Every variant named by a resource's tags or by the stack's recorded metadata."""
    found = {Owner(m["pipeline"], m["variant"]) for m in recorded if "pipeline" in m and "variant" in m}
    for body in resources.values():
        tags = _naming_tags(body)
        if "pipeline" in tags and "variant" in tags:
            found.add(Owner(tags["pipeline"], tags["variant"]))
    return found


def owner_of(address: str, body: dict[str, Any], variants: set[Owner]) -> Owner:
    """The variant a resource belongs to (tags first, then the longest matching address stem)."""
    tags = _naming_tags(body)
    if "pipeline" in tags and "variant" in tags:
        return Owner(tags["pipeline"], tags["variant"])
    name = address.split(".", 1)[1]
    for candidate in sorted(variants, key=lambda o: -len(o.stem)):
        if owned_by(name, candidate.stem):
            return candidate
    if "pipeline" in tags:
        return Owner(tags["pipeline"])
    if name in {variant.pipeline for variant in variants}:  # a pipeline's own resource: its dashboard
        return Owner(name)
    return SHARED
