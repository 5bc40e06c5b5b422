"""Arguments on their way to the jsii kernel: generated structs read from their values.

jsii turns every argument of every kernel call into its wire form with
`jsii._kernel._make_reference_for_native`. A struct (a resource's `...Config`, a nested block)
is read field by field through its properties, and each generated property evaluates a
`typing.cast(typing.Optional[...], ...)`, a typing subscription hashed on every call, also
for the thirty-odd fields of a resource config left unset. A 50 x 4 config sends about
60,000 values this way.

`speed_up_struct_wire()` puts a function in its place that answers the common cases itself,
with the same result: a value whose exact type is str, int, float, bool or None as it is; an
exact dict or list element by element; and an instance of a generated struct class (one the
`jsii.data_type` decorator made: it holds `__jsii_name_mapping__` in its own namespace) from
its `_values`, which is what every generated property returns. Everything else (enums,
subclasses of these types, objects of the kernel, functions) goes to jsii's own function.
tests/test_struct_wire.py checks, for every struct class jsii has registered, that the
properties return `_values`, and that both functions give the same wire form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jsii import _kernel as jsii_kernel

from .kernel_channel import KernelChannelError

#: The function replaced: jsii calls it through this module global, recursion included.
FUNCTION = "_make_reference_for_native"
_AS_IS = frozenset({str, int, float, bool, type(None)})

Wire = Callable[[Any, Any], Any]


def struct_mapping(kind: type) -> Mapping[str, str] | None:
    """python name -> jsii name of a generated struct class; None for any other class."""
    if "__jsii_name_mapping__" not in vars(kind) or getattr(kind, "__jsii_type__", None) is None:
        return None
    return kind.__jsii_name_mapping__  # type: ignore[attr-defined,no-any-return]


def struct_wire(original: Wire) -> Wire:
    """`original` (jsii's `_make_reference_for_native`), answering the common cases itself."""
    mappings: dict[type, Mapping[str, str] | None] = {}

    def make_reference_for_native(kernel: Any, value: Any) -> Any:
        kind = type(value)
        if kind in _AS_IS:
            return value
        if kind is dict:
            return {"$jsii.map": {key: make_reference_for_native(kernel, item) for key, item in value.items()}}
        if kind is list:
            return [make_reference_for_native(kernel, item) for item in value]
        if kind not in mappings:
            mappings[kind] = struct_mapping(kind)
        mapping = mappings[kind]
        if mapping is None:
            return original(kernel, value)
        values = value._values
        data = {jsii: make_reference_for_native(kernel, values.get(python)) for python, jsii in mapping.items()}
        return {"$jsii.struct": {"fqn": kind.__jsii_type__, "data": data}}

    make_reference_for_native.__wrapped__ = original  # type: ignore[attr-defined]
    return make_reference_for_native


def speed_up_struct_wire() -> None:
    """Install `struct_wire` in jsii's kernel module (once)."""
    original = getattr(jsii_kernel, FUNCTION, None)
    if not callable(original):
        raise KernelChannelError(f"jsii._kernel no longer has {FUNCTION}: its runtime changed")
    if not hasattr(original, "__wrapped__"):
        setattr(jsii_kernel, FUNCTION, struct_wire(original))
