"""The committed provider schema snapshots (tests/provider_schema) are what their sources say today: the
5.100 one the real provider's `terraform providers schema -json` (in the background pool,
tests/terraform/background.py), the 6.25 one the installed bindings' jsii assembly (a 130 MB read). Both
in `make slow`: they change only when a provider or bindings version does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.provider_schema.check import snapshot
from tests.provider_schema.snapshot import (
    TERRAFORM_VERSION,
    assembly_of,
    from_jsii,
    from_terraform,
    installed_package,
    terraform_schema,
)
from tests.terraform import background
from tests.terraform.terraform_cli import Terraform


def prepare(terraform: Terraform, scratch: Path) -> dict[str, Any]:
    return {"schema": lambda: from_terraform(terraform_schema(terraform, scratch / "schema"))}


background.register(__name__, prepare)


@pytest.mark.slow  # a provider schema load (seconds of CPU) that changes only with the provider: make slow
def test_the_5100_snapshot_is_the_real_providers_schema(terraform):
    real = background.outcomes(__name__)["schema"]
    if isinstance(real, BaseException):
        raise real
    assert real == snapshot(TERRAFORM_VERSION), "regenerate: python -m tests.provider_schema.snapshot (its docstring)"


@pytest.mark.slow
def test_the_625_snapshot_is_the_installed_bindings_assembly():
    assert from_jsii(assembly_of(installed_package())) == snapshot("6.25.0")
