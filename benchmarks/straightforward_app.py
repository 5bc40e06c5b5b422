#!/usr/bin/env python3
"""The same app built the straightforward way: plain provider imports, no trimmed assembly.

Runs the project's command line (same config layer, constructs and stack) with `modules.runtime.cdk`
replaced by a module filled by ordinary `from <module> import <name>` imports of exactly the
names modules/runtime/cdk.py imports (`modules/runtime/imports.py`), from the runtime installed
(cdktf or cdktn). Importing any provider submodule this way runs the provider package's
`__init__` (all its submodules) and loads its whole jsii assembly: the cost the issue measures against.

    python benchmarks/straightforward_app.py synth --config pipelines.yaml --out DIR
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def plain_seam() -> types.ModuleType:
    """A stand-in for modules.runtime.cdk whose names come from plain imports."""
    from modules.runtime.imports import CONSTRUCTS_NAMES, CORE_NAMES, PROVIDER_CLASSES, installed_runtime, seam_names

    runtime = installed_runtime()
    seam = types.ModuleType("modules.runtime.cdk", "modules.runtime.cdk through plain provider imports")
    sources = [
        (runtime.core, CORE_NAMES),
        ("constructs", CONSTRUCTS_NAMES),
        *((f"{runtime.provider}.{submodule}", names) for submodule, names in PROVIDER_CLASSES.items()),
    ]
    for module, names in sources:
        for name in names:
            setattr(seam, name, getattr(importlib.import_module(module), name))
    seam.RUNTIME = runtime
    seam.PROVIDER_PACKAGE = runtime.provider
    seam.__all__ = seam_names()
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
