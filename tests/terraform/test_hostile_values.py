"""Hostile config text reaches AWS as written: real Terraform plans each literal file of the hostile corpus.

An offline plan of creates needs no AWS endpoint (fake keys, every account/credential check skipped):
`terraform show -json` then holds the values Terraform would send, after it evaluated every template.
Each string of the config that holds `${` or `%{` must be among them, exactly as written (in NFC, to
which Terraform normalizes strings).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import LITERAL, strings, templates_in
from tests.terraform import background
from tests.terraform.moto import FAKE_KEYS, SKIPS
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform

OFFLINE = {"provider": {"aws": {**FAKE_KEYS, **SKIPS}}}


def planned_strings(terraform: Terraform, workdir: Path) -> set[str]:
    """Every string value (JSON documents decoded) Terraform plans to send for the stack in `workdir`."""
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


def prepare(terraform: Terraform, scratch: Path) -> dict[str, Callable[[], set[str]]]:
    """A job planning each literal file of the corpus, synthesized into `scratch`; keyed by file name."""
    jobs: dict[str, Callable[[], set[str]]] = {}
    for index, path in enumerate(LITERAL):
        (workdir,) = synthesize_stacks(path.read_text(), scratch / str(index)).values()
        jobs[path.name] = lambda workdir=workdir: planned_strings(terraform, workdir)
    return jobs


background.register(__name__, prepare)


@pytest.fixture(scope="module")
def planned(terraform: Terraform) -> dict[str, Any]:
    """What Terraform plans for each literal file (tests/terraform/background.py runs the plans)."""
    return background.outcomes(__name__)


@pytest.mark.parametrize("path", LITERAL, ids=lambda p: p.stem)
def test_terraform_plans_hostile_text_as_written(planned, path):
    found = planned[path.name]
    if isinstance(found, BaseException):
        raise found
    expected = {unicodedata.normalize("NFC", text) for text in templates_in(path)}
    assert expected <= found
