"""Hostile config text reaches AWS as written: real Terraform plans each literal file of the hostile corpus.

An offline plan of creates needs no AWS endpoint (fake keys, every account/credential check skipped):
`terraform show -json` then holds the values Terraform would send, after it evaluated every template.
Each string of the config that holds `${` or `%{` must be among them, exactly as written (in NFC, to
which Terraform normalizes strings).
"""

from __future__ import annotations

import json
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import LITERAL, strings, templates_in
from tests.terraform.moto import FAKE_KEYS, SKIPS
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

OFFLINE = {"provider": {"aws": {**FAKE_KEYS, **SKIPS}}}


def planned_strings(terraform: Terraform, path: Path, out: Path) -> set[str]:
    """Every string value (JSON documents decoded) Terraform plans to send for the config at `path`."""
    (workdir,) = synthesize_stacks(path.read_text(), out).values()
    (workdir / "offline_override.tf.json").write_text(json.dumps(OFFLINE))
    terraform.init(workdir)
    terraform.run(workdir, "plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan")
    plan = json.loads(terraform.run(workdir, "show", "-json", "tfplan").stdout)
    found: set[str] = set()
    for change in plan["resource_changes"]:
        for text in strings(change["change"]["after"]):
            found.add(text)
            if text.startswith(("[", "{")):
                found |= set(strings(json.loads(text)))
    return found


@pytest.fixture(scope="module")
def planned(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    def plan(path: Path) -> set[str] | BaseException:
        try:
            return planned_strings(terraform, path, tmp_path_factory.mktemp("hostile"))
        except Exception as error:  # raised by the test of that file
            return error

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(LITERAL, pool.map(plan, LITERAL), strict=True))


@pytest.mark.parametrize("path", LITERAL, ids=lambda p: p.stem)
def test_terraform_plans_hostile_text_as_written(planned, path):
    found = planned[path]
    if isinstance(found, BaseException):
        raise found
    expected = {unicodedata.normalize("NFC", text) for text in templates_in(path)}
    assert expected <= found
