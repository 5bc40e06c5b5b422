"""Every private name of jsii and of the generated provider that the runtime relies on, checked at start.

The trimmed provider assembly (`provider_assembly.py`) is the one measure left that reaches past
jsii's public API (the others did not save 15% of the default example's wall time and were
removed; docs/internals/fast-synth.md has the figures). Everything it uses that jsii or the
provider's generator could rename without notice is listed here and checked before the seam
starts, so an upgrade that moved one stops with `PrivateNameError` naming it, not with an
AttributeError somewhere later.

`FEATURE_PIPELINES_PLAIN_JSII=1` turns the trim off: the provider is imported and loaded the
plain way (slow: the whole 130 MB assembly), no private name is used, and the synthesized
output is the same, byte for byte (tests/runtime/test_private_names.py).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path

#: Set to 1 (or true, yes, on): plain jsii, no private name used.
PLAIN_JSII = "FEATURE_PIPELINES_PLAIN_JSII"
_TRUE = frozenset({"1", "true", "yes", "on"})


class PrivateNameError(RuntimeError):
    """A private name of jsii or of the generated provider that the runtime uses is gone."""


@dataclass(frozen=True)
class PrivateName:
    """`module` then `attribute` (dotted; the last part may be an annotated field), and what it is used for."""

    module: str
    attribute: str
    use: str

    def __str__(self) -> str:
        return f"{self.module}.{self.attribute}"


#: What jsii must offer (its Python runtime, not its public API).
JSII_NAMES = (
    PrivateName("jsii._runtime", "kernel", "the process's kernel: loads the trimmed tarball as the provider"),
    PrivateName("jsii._runtime", "kernel.provider.load", "the kernel's load call that answers how many types it knows"),
    PrivateName("jsii._kernel.types", "LoadRequest", "the load request (name, version, tarball)"),
    PrivateName("jsii._kernel.types", "LoadResponse.types", "the number of types the kernel knows of a package"),
)

#: What the generated provider package must look like (its `_jsii` module, star-imported by each submodule).
PROVIDER_JSII_MODULE = "_jsii"
PROVIDER_ASSEMBLY_LINE = "__jsii_assembly__ = jsii.JSIIAssembly.load("


def plain_jsii() -> bool:
    """Whether `FEATURE_PIPELINES_PLAIN_JSII` asks for plain jsii."""
    return os.environ.get(PLAIN_JSII, "").strip().lower() in _TRUE


def _has(owner: object, part: str) -> tuple[bool, object]:
    if hasattr(owner, part):
        return True, getattr(owner, part)
    return part in getattr(owner, "__annotations__", {}), None


def missing(names: tuple[PrivateName, ...]) -> list[PrivateName]:
    """The names in `names` that cannot be found."""
    gone = []
    for name in names:
        try:
            owner: object = importlib.import_module(name.module)
        except ImportError:
            gone.append(name)
            continue
        for part in name.attribute.split("."):
            found, owner = _has(owner, part)
            if not found:
                gone.append(name)
                break
    return gone


def provider_problems(package_dirs: list[str]) -> list[str]:
    """What the generated provider package lacks: its `_jsii/__init__.py` loading the assembly."""
    inits = [Path(folder) / PROVIDER_JSII_MODULE / "__init__.py" for folder in package_dirs]
    if any(PROVIDER_ASSEMBLY_LINE in init.read_text() for init in inits if init.is_file()):
        return []
    return [f"{PROVIDER_JSII_MODULE}/__init__.py setting `{PROVIDER_ASSEMBLY_LINE}...)`"]


def check(names: tuple[PrivateName, ...] = JSII_NAMES, provider_dirs: list[str] | None = None) -> None:
    """Raise `PrivateNameError` naming every private name (and provider layout fact) that is gone."""
    problems = [f"{name} ({name.use})" for name in missing(names)]
    problems += provider_problems(provider_dirs) if provider_dirs is not None else []
    if problems:
        raise PrivateNameError(
            "the fast provider load relies on names that are gone (jsii or the provider changed): "
            + "; ".join(problems)
            + f". Set {PLAIN_JSII}=1 to synthesize with plain jsii (slow) until modules/runtime is updated."
        )
