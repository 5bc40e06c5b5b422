"""Fixtures for the tests against the real Terraform CLI (and, marked e2e, against moto)."""

from __future__ import annotations

import os

import pytest

from tests.terraform import background
from tests.terraform.terraform_cli import Terraform, environment, unavailable_reason

#: Why tests that need a real tool were skipped (tests/conftest.py says so in one loud line at the end).
SKIPPED: set[str] = set()


def skip_or_fail(reason: str) -> None:
    """Skip with `reason`; in CI (CI=true) fail instead, so a missing tool never passes silently."""
    SKIPPED.add(reason)
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def terraform() -> Terraform:
    """The real terraform CLI with its own CLI config (provider mirror when TF_PROVIDER_MIRROR is set), the
    one the background jobs use (tests/terraform/background.py), once its first init filled the plugin cache."""
    cli = background.terraform()
    if cli is None:
        skip_or_fail(unavailable_reason(environment()) or "terraform cannot run here")
    background.cache_filled()
    return cli
