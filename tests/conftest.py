"""Fixtures shared across test directories (plain helpers live in tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def synth_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `tests.review.synthesized.output` keeps real synth outputs, one per config, for the
    whole session: the review, command and workflow tests share them (read-only)."""
    return tmp_path_factory.mktemp("outputs")
