"""Fingerprints of config blocks as written, so a review can tell whose config changed.

The synthesized stack records, per variant, the fingerprint of the variant's own block and of
its pipeline's settings (see `PipelinesStack`); `python main.py review` compares them between
two outputs to find changes that reach a variant whose own config did not change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from .strict import Layered


def fingerprint(block: BaseModel, *, exclude: frozenset[str] = frozenset()) -> str:
    """A short, stable hash of the keys a block sets (unset keys and key order do not count)."""
    skipped = {**_unwritten(block), **dict.fromkeys(exclude, True)}
    data = block.model_dump(mode="json", exclude_none=True, exclude=skipped)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _unwritten(value: Any) -> dict[Any, Any]:
    """What `model_dump` leaves out so that only written keys count: the keys a layered block (its
    defaults declared with its keys, `strict.Layered`) did not set, at any depth."""
    if isinstance(value, BaseModel):
        found: dict[Any, Any] = {}
        for key in type(value).model_fields:
            if isinstance(value, Layered) and key not in value.model_fields_set:
                found[key] = True
            elif inner := _unwritten(getattr(value, key)):
                found[key] = inner
        return found
    if isinstance(value, dict):
        return {key: inner for key, item in value.items() if (inner := _unwritten(item))}
    if isinstance(value, list | tuple):
        return {index: inner for index, item in enumerate(value) if (inner := _unwritten(item))}
    return {}


#: Where a synthesized stack keeps the fingerprints: `"//": {"variants": {<address>: {...}}}`
#: (Terraform ignores `//` keys; cdktf keeps its own metadata there too).
METADATA_KEY = "variants"
#: Where it keeps the config's own prices (`pricing:` keys in PRICED, as written) when the config sets them.
PRICING_KEY = "pricing"
PRICED = frozenset({"regions", "spot_discount"})


def variant_metadata(
    pipeline: str, variant: str, own_config: str, pipeline_config: str, waivers: Iterable[str] = ()
) -> dict[str, Any]:
    """What the stack records about one variant under `//.variants.<pipeline>_<variant>`: its
    fingerprints and the policy rules it waives (ids only), which `review` compares."""
    return {
        "pipeline": pipeline,
        "variant": variant,
        "own_config": own_config,
        "pipeline_config": pipeline_config,
        "waivers": sorted(waivers),
    }
