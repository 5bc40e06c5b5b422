"""Hostile config text reaches AWS as written: real Terraform plans each literal file of the hostile corpus.

An offline plan of creates needs no AWS endpoint (fake keys, every account/credential check skipped):
`terraform show -json` then holds the values Terraform would send, after it evaluated every template.
Each string of the config that holds `${` or `%{` must be among them, exactly as written (in NFC, to
which Terraform normalizes strings), and so must every key of its tags, environments and dimensions.
"""

from __future__ import annotations

import json
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.config import load_text
from tests.helpers import LITERAL, ROOT, strings, templates_in
from tests.terraform.moto import FAKE_KEYS, SKIPS
from tests.terraform.stacks import MODULE_DIR, export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform

OFFLINE = {"provider": {"aws": {**FAKE_KEYS, **SKIPS}}}


def planned_strings(terraform: Terraform, path: Path, out: Path) -> set[str]:
    """Every string value (JSON documents decoded) Terraform plans to send for the config at `path`."""
    (workdir,) = synthesize_stacks(path.read_text(), out).values()
    return plan_strings(terraform, workdir)


def plan_strings(terraform: Terraform, workdir: Path) -> set[str]:
    """Every string, mapping keys included (JSON documents decoded), of an offline plan of `workdir`."""
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


#: The hostile file whose keys a snake_case conversion would change (cdktf converts a variable's default).
USER_KEYS = ROOT / "tests" / "corpus" / "hostile" / "09-user-keys-kept-exactly.yaml"


def keys_in(path: Path) -> set[str]:
    """The keys the config at `path` writes under `tags`, `environment` and `dimensions`, anywhere."""

    def walk(value: Any) -> set[str]:
        if isinstance(value, dict):
            own = {key for name in ("tags", "environment", "dimensions") for key in value.get(name) or {}}
            return own.union(*(walk(item) for item in value.values()))
        if isinstance(value, list):
            return set().union(*(walk(item) for item in value))
        return set()

    return {unicodedata.normalize("NFC", key) for key in walk(yaml.safe_load(path.read_text()))}


@pytest.mark.parametrize("path", LITERAL, ids=lambda p: p.stem)
def test_terraform_plans_the_configs_keys_as_written(planned, path):
    found = planned[path]
    if isinstance(found, BaseException):
        raise found
    assert keys_in(path) <= found


def test_the_exported_module_plans_the_configs_keys_as_written(terraform, tmp_path):
    (deployment,) = load_text(USER_KEYS.read_text())
    root = export_root(deployment, tmp_path / "root")
    main = (root / "main.tf").read_text()
    # Called with its source only: every input at its default (the README's usage passes them all).
    (root / "main.tf").write_text(
        main[: main.index('module "feature_pipelines"')] + f'module "x" {{\n  source = "./{MODULE_DIR}"\n}}\n'
    )
    found = plan_strings(terraform, root)
    assert keys_in(USER_KEYS) - {"pipeline", "variant"} <= found
    assert {"cost_center", "a_b", "camel_case", "x_y_z"}.isdisjoint(found), "no key converted"
