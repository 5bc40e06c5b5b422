#!/usr/bin/env python3
"""The same app built the straightforward way: plain provider imports, no trimmed assembly.

Runs the project's command line (same config layer, constructs and stack) with `modules.runtime.cdk`
replaced by a module filled by ordinary `from <module> import <name>` imports of exactly the
names modules/runtime/cdk.py imports. Importing any
provider submodule this way runs the provider package's `__init__` (all 2,212 submodules) and
loads its whole jsii assembly: the cost the issue measures against.

    python benchmarks/straightforward_app.py synth --config pipelines.yaml --out DIR
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEAM = ROOT / "modules" / "runtime" / "cdk.py"
IMPORTED_PACKAGES = ("cdktf", "constructs", "cdktf_cdktf_provider_aws")


def seam_imports(source: str) -> list[tuple[str, str]]:
    """(module, name) of every absolute `from cdktf…/constructs…/provider… import name` in the seam."""
    return [
        (node.module, alias.name)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
        if node.module.split(".")[0] in IMPORTED_PACKAGES
        for alias in node.names
    ]


def plain_seam() -> types.ModuleType:
    """A stand-in for modules.runtime.cdk whose names come from plain imports."""
    seam = types.ModuleType("modules.runtime.cdk", "modules.runtime.cdk through plain provider imports")
    pairs = seam_imports(SEAM.read_text())
    for module, name in pairs:
        setattr(seam, name, getattr(importlib.import_module(module), name))
    seam.__all__ = sorted(name for _, name in pairs)
    return seam


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import modules.runtime

    seam = plain_seam()
    sys.modules["modules.runtime.cdk"] = seam
    modules.runtime.cdk = seam
    from modules.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
