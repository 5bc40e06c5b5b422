"""The bases of every config model, and how a layered setting declares itself (pure, no cdktf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.fields import FieldInfo


class Strict(BaseModel):
    """A block of pipelines.yaml: unknown keys refused, immutable once read, no coercion (`cpu: "1"` and
    `min: true` are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Finite(Strict):
    """A block whose numbers go to Terraform as they are (scaling targets, alarm thresholds): `.inf` and `.nan`
    are refused here, as Terraform JSON cannot carry them. Elsewhere a later check names the valid values."""

    model_config = ConfigDict(allow_inf_nan=False)


@dataclass(frozen=True)
class Inherited:
    """How a layered setting inherits (metadata of its field, beside its type, default and description).

    `unset`: what the default means, where its value alone does not say (the reference and the JSON
    Schema show it); `merge`: a map whose entries merge key by key (else a level's value replaces the
    one below whole).
    """

    unset: str = ""
    merge: bool = False


class Layered(Strict):
    """A block written at several levels (top, pipeline, variant), nearest level winning key by key.

    Each field declares its real default; what a level sets is what it wrote (`model_fields_set`), and a
    key written as `null` is not set there (so an environment's override can take a value away).
    """

    @model_validator(mode="before")
    @classmethod
    def _null_is_unset(cls, data: Any) -> Any:
        return {key: value for key, value in data.items() if value is not None} if isinstance(data, dict) else data


def inherited(field: FieldInfo) -> Inherited:
    """How `field` of a `Layered` block inherits: its `Inherited`, else replaced whole with nothing to explain."""
    return next((item for item in field.metadata if isinstance(item, Inherited)), Inherited())
