"""A pytest plugin that makes the seam diverge as another runtime might: proves the parity subset fails then.

    pytest -p tests.runtime.divergence -m parity tests/runtime/test_parity.py

The seam's `CloudwatchLogGroup` (every stack and exported module has log groups) becomes one that also
sets `skip_destroy = false`: the provider's default, so Terraform would plan the same, but other bytes.
Used by tests/runtime/test_parity_divergence.py (slow tier).
"""

from __future__ import annotations

from typing import Any

from modules.runtime import cdk


class DivergentLogGroup(cdk.CloudwatchLogGroup):  # type: ignore[name-defined,misc]
    def __init__(self, scope: Any, id: str, **kwargs: Any) -> None:
        super().__init__(scope, id, **{**kwargs, "skip_destroy": kwargs.get("skip_destroy", False)})


cdk.CloudwatchLogGroup = DivergentLogGroup  # type: ignore[attr-defined,misc]
