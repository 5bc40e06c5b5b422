"""The one base of every config model: what pydantic does with pipelines.yaml (pure, no cdktf)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A block of pipelines.yaml: unknown keys refused, immutable once read, no coercion (`cpu: "1"` and
    `min: true` are refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Finite(Strict):
    """A block whose numbers go to Terraform as they are (scaling targets, alarm thresholds): `.inf` and `.nan`
    are refused here, as Terraform JSON cannot carry them. Elsewhere a later check names the valid values."""

    model_config = ConfigDict(allow_inf_nan=False)
