"""Hostile config text reaches AWS as written: real Terraform plans each literal file of the hostile corpus.

An offline plan of creates needs no AWS endpoint (fake keys, every account/credential check skipped):
`terraform show -json` then holds the values Terraform would send, after it evaluated every template.
Each string of the config that holds `${` or `%{` must be among them, exactly as written (in NFC, to
which Terraform normalizes strings), and so must every key of its tags, environments and dimensions.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.config import load_text
from tests.helpers import LITERAL, ROOT, strings, templates_in
from tests.terraform import background
from tests.terraform.moto import FAKE_KEYS, SKIPS
from tests.terraform.stacks import MODULE_DIR, calling_root, export_root, synthesize_stacks
from tests.terraform.terraform_cli import Terraform

OFFLINE = {"provider": {"aws": {**FAKE_KEYS, **SKIPS}}}
#: The key of the exported module's plan.
MODULE = "module"


def planned_strings(terraform: Terraform, root: Path, children: dict[str, Path]) -> dict[str, set[str]]:
    """Every string, mapping keys included (JSON documents decoded), of an offline plan of each of `children`
    (by module name), called unedited from `root` (one plan and one `show`: the provider's schema loads twice,
    not twice per child)."""
    for child in children.values():
        (child / "offline_override.tf.json").write_text(json.dumps(OFFLINE))
    calling_root(children, root)
    terraform.init(root)
    terraform.run(root, "plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan")
    plan = json.loads(terraform.run(root, "show", "-json", "tfplan").stdout)
    found: dict[str, set[str]] = {name: set() for name in children}
    for change in plan["resource_changes"]:
        owner = change["module_address"].split(".")[1]
        for text in strings(change["change"]["after"]):
            found[owner].add(text)
            if text.startswith(("[", "{")):
                found[owner] |= set(strings(json.loads(text)))
    return found


def prepare(terraform: Terraform, scratch: Path) -> dict[str, Callable[[], dict[str, set[str]]]]:
    """One job planning each literal file of the corpus, synthesized into `scratch`, and the exported module of
    USER_KEYS called with its source only (every input at its default; the README's usage passes them all),
    each a child module of one root: what each plans, keyed by file name (the module: `module`)."""
    children: dict[str, Path] = {}
    for index, path in enumerate(LITERAL):
        (children[path.name],) = synthesize_stacks(path.read_text(), scratch / str(index)).values()
    (deployment,) = load_text(USER_KEYS.read_text())
    module_root = export_root(deployment, scratch / "module")
    main = (module_root / "main.tf").read_text()
    (module_root / "main.tf").write_text(
        main[: main.index('module "feature_pipelines"')] + f'module "x" {{\n  source = "./{MODULE_DIR}"\n}}\n'
    )
    children[MODULE] = module_root
    calls = {f"c{index}": child for index, child in enumerate(children.values())}

    def plan_all() -> dict[str, set[str]]:
        found = planned_strings(terraform, scratch / "all", calls)
        return {name: found[call] for name, call in zip(children, calls, strict=True)}

    return {"all": plan_all}


background.register(__name__, prepare)


@pytest.fixture(scope="module")
def planned(terraform: Terraform) -> dict[str, Any]:
    """What Terraform plans for each literal file and the module (tests/terraform/background.py runs the plan)."""
    found = background.outcomes(__name__)["all"]
    if isinstance(found, BaseException):
        raise found
    return found


@pytest.mark.parametrize("path", LITERAL, ids=lambda p: p.stem)
def test_terraform_plans_hostile_text_as_written(planned, path):
    found = planned[path.name]
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
    found = planned[path.name]
    assert keys_in(path) <= found


def test_the_exported_module_plans_the_configs_keys_as_written(planned):
    found = planned[MODULE]
    assert keys_in(USER_KEYS) - {"pipeline", "variant"} <= found
    assert {"cost_center", "a_b", "camel_case", "x_y_z"}.isdisjoint(found), "no key converted"
