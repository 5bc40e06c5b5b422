"""Imports point one way (docs/architecture.md): cli -> commands -> output_dir -> app -> constructs -> config.

Each rule names a part of `modules/` (a directory, or a top-level file), what it may import of
ours (a part, or one module of a part) and why. Third-party packages are free, except CDK's:
only `runtime/` imports cdktf, jsii, constructs and the provider; everything else goes through
the seam `modules.runtime.cdk`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT

#: The CDK packages: imported by `runtime/` only.
CDK_PACKAGES = frozenset({"cdktf", "jsii", "constructs", "cdktf_cdktf_provider_aws"})


@dataclass(frozen=True)
class Rule:
    may_import: frozenset[str]
    reason: str


def rule(reason: str, *may_import: str) -> Rule:
    return Rule(frozenset(may_import), reason)


#: Part of modules/ -> what of ours it may import (besides itself). `runtime.cdk` is the seam only.
RULES: dict[str, Rule] = {
    "lib": rule("pure helpers below everything: anything may import them, they import nothing of ours"),
    "config": rule(
        "the config layer is pure (validate, resolve); waiver keys are checked against the rule ids of "
        "policy/catalog.py, plain data with no imports",
        "lib",
        "policy.catalog",
    ),
    "runtime": rule("the CDK runtime under the seam: it knows nothing of pipelines"),
    "constructs": rule(
        "wiring only: resolved config in, resources out, CDK through the seam", "config", "lib", "runtime.cdk"
    ),
    "export": rule(
        "the module export builds on the stack's constructs, never the reverse",
        *("config", "lib"),
        *("constructs", "runtime.cdk"),
    ),
    "policy": rule("rules judge synthesized JSON and the config: they never build stacks", "config", "lib"),
    "cost": rule("prices a resolved config: no CDK, no stacks", "config", "lib"),
    "experiment": rule(
        "edits pipelines.yaml text in place (start, promote) and validates it with config/: no CDK, no stacks",
        "config",
        "lib",
    ),
    "review": rule("reads plans and synthesized JSON; prices changes with cost/", "config", "lib", "cost"),
    "app": rule(
        "the one place an App is built: root constructs of the stack and the module",
        *("config", "constructs", "export", "runtime.cdk"),
    ),
    "output_dir": rule("crash-safe output writing around app.synthesize_app", "config", "app"),
    "commands": rule(
        "each command wires the libraries together; libraries never import commands",
        *("lib", "config", "app", "output_dir", "export", "policy", "review", "cost", "experiment"),
    ),
    "cli": rule(
        "argument parsing, exit codes and signals around the commands", "commands", "config", "lib", "output_dir"
    ),
    "launch": rule(
        "runs first, in whatever Python started main.py: which packages make a runtime, nothing else of ours",
        "runtime.imports",
    ),
    "modules": rule("the package file: a docstring"),
}


def part_of(module: str) -> str:
    """`modules.constructs.stack` -> `constructs`; `modules.output_dir` -> `output_dir`; `modules` -> `modules`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imported(path: Path, source: str) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in `source`, under TYPE_CHECKING and in functions too.

    `from ..runtime import cdk` yields `modules.runtime.cdk`: the module, when the name is one.
    """
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found += [(node.lineno, _submodule_or_package(target, alias.name)) for alias in node.names]
    return found


def _submodule_or_package(package: str, name: str) -> str:
    """`package.name` when that is one of our modules (a file or a package), else `package`."""
    below = ROOT.joinpath(*package.split("."), name)
    ours = package.split(".")[0] == "modules"
    return f"{package}.{name}" if ours and (below.with_suffix(".py").is_file() or below.is_dir()) else package


def allowed(importer: str, target: str) -> bool:
    if target.split(".")[0] in CDK_PACKAGES:
        return importer == "runtime"
    if target != "modules" and not target.startswith("modules."):
        return True  # the standard library and the other third-party packages
    wanted = target.removeprefix("modules.")
    if part_of(target) == importer:
        return True
    return any(wanted == entry or wanted.startswith(f"{entry}.") for entry in RULES[importer].may_import)


def violations(path: Path, source: str) -> list[str]:
    """One line per import of `source` (the file at `path`) that its part's rule does not allow."""
    importer = part_of(module_name(path))
    if importer not in RULES:
        return [f"{path.relative_to(ROOT)}: modules/{importer} has no rule in tests/test_architecture.py: add one"]
    found = []
    for line, target in imported(path, source):
        if not allowed(importer, target):
            rule = RULES[importer]
            ours = ", ".join(sorted(rule.may_import)) or "nothing of ours"
            found.append(
                f"{path.relative_to(ROOT)}:{line} imports {target}: {importer}/ may import {ours} ({rule.reason})"
            )
    return sorted(set(found))


SOURCES = sorted((ROOT / "modules").rglob("*.py"))


def test_every_import_points_the_allowed_way() -> None:
    found = [line for path in SOURCES for line in violations(path, path.read_text())]
    assert not found, "imports that point the wrong way:\n" + "\n".join(found)


def test_every_part_of_modules_has_a_rule() -> None:
    parts = {part_of(module_name(path)) for path in SOURCES}
    assert parts == set(RULES), (
        f"parts without a rule: {parts - set(RULES)}; rules without a part: {set(RULES) - parts}"
    )


@pytest.mark.parametrize(
    ("file", "source", "bad"),
    [
        ("modules/constructs/stack.py", "from ..export.interface import variables\n", "modules.export.interface"),
        (
            "modules/constructs/stack.py",
            "from ..runtime.provider_assembly import only_imported_submodules\n",
            "modules.runtime.provider_assembly",
        ),
        ("modules/constructs/cluster.py", "import cdktf\n", "cdktf"),
        ("modules/config/model.py", "from ..constructs import stack\n", "modules.constructs.stack"),
        ("modules/config/model.py", "from ..policy.rules import RULES\n", "modules.policy.rules"),
        ("modules/export/files.py", "from ..commands.common import shown\n", "modules.commands.common"),
        ("modules/policy/view.py", "from .. import app\n", "modules.app"),
        ("modules/lib/wording.py", "from ..config import names\n", "modules.config.names"),
        ("modules/review/report.py", "def f():\n    from ..cli import main\n", "modules.cli"),
    ],
)
def test_a_wrong_way_import_is_shown_with_its_file_line_and_rule(file: str, source: str, bad: str) -> None:
    (message, *_) = violations(ROOT / file, source)
    assert message.startswith(f"{file}:")
    assert f" imports {bad}: " in message


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("modules/constructs/stack.py", "from ..runtime import cdk\nfrom ..config.resolve import Deployment\n"),
        ("modules/config/model.py", "from ..policy.catalog import RULES\nimport pydantic\n"),
        ("modules/runtime/cdk.py", "import cdktf\nfrom .provider_assembly import only_imported_submodules\n"),
        ("modules/cli.py", "from .commands import synth\n"),
    ],
)
def test_an_allowed_import_passes(file: str, source: str) -> None:
    assert violations(ROOT / file, source) == []
