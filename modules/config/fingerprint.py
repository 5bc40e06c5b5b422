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


def fingerprint(block: BaseModel, *, exclude: frozenset[str] = frozenset()) -> str:
    """A short, stable hash of the keys a block sets (unset keys and key order do not count)."""
    written = block.model_fields_set - exclude
    data = {key: value for key, value in block.model_dump(mode="json", exclude_none=True).items() if key in written}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


#: Where a synthesized stack keeps the fingerprints: `"//": {"variants": {<address>: {...}}}`
#: (Terraform ignores `//` keys; cdktf keeps its own metadata there too).
METADATA_KEY = "variants"


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
