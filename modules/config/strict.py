"""The bases of every config model, and how a layered setting declares itself (pure, no cdktf)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic.fields import FieldInfo


class Strict(BaseModel):
    """A block of pipelines.yaml: unknown keys refused, immutable once read, no coercion (`cpu: "1"` and
    `min: true` are refused), no `.inf` or `.nan` (Terraform JSON cannot carry them)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


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

    Each field declares its real default; what a level sets is what it wrote (`model_fields_set`). A key
    written as `null` (`key:` or `key: null`) is not set there where `null_is_unset`, else it is refused in
    one line (the blocks that merge key by key, where a stray `key:` would otherwise pass unnoticed).
    """

    null_is_unset: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _null_is_unset(cls, data: Any) -> Any:
        if not cls.null_is_unset or not isinstance(data, dict):
            return data
        return {key: value for key, value in data.items() if value is not None}

    @field_validator("*", mode="before")
    @classmethod
    def _null_refused(cls, value: Any) -> Any:
        if value is None and not cls.null_is_unset:
            raise ValueError("null is not a value here; remove the key to inherit it")
        return value


def inherited(field: FieldInfo) -> Inherited:
    """How `field` of a `Layered` block inherits: its `Inherited`, else replaced whole with nothing to explain."""
    return next((item for item in field.metadata if isinstance(item, Inherited)), Inherited())
