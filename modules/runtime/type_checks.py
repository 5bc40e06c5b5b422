"""The argument checks of jsii-generated classes: the same checks, made cheaper.

Every class cdktf and the provider generate checks each argument with typeguard against hints
it recomputes with `typing.get_type_hints(<stub>)` on every call. A 50 x 4 config makes about
140,000 such checks; three quarters are an optional argument left out (None), which typeguard
checks member by member of the Union, raising and catching a TypeError for each member before
NoneType. `speed_up(modules)` gives each generated module:

- a `typing` whose `get_type_hints(stub)` remembers each stub's hints (the same hints);
- a `check_type` that accepts at once a value whose exact type is None, str, int, float or bool
  when the expected type is that class or a Union listing it: exactly where typeguard's own
  check passes, since it tries each Union member and a plain class is an `isinstance` test.
  Every other value (a wrong scalar, a list, a dict, a struct, a construct) goes to the
  module's own typeguard `check_type`, unchanged.

A module that no longer holds `typing` or `check_type` as globals raises
`GeneratedCodeError` saying so, instead of silently keeping the slow checks.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Iterable

_SCALARS = frozenset({type(None), str, int, float, bool})

CheckType = Callable[..., object]


class GeneratedCodeError(RuntimeError):
    """A generated module no longer has the shape `speed_up` relies on."""


@functools.cache
def _hints_of(stub: object) -> dict[str, object]:
    return typing.get_type_hints(stub)


def _memo_get_type_hints(obj: object, *args: object, **kwargs: object) -> dict[str, object]:
    """`typing.get_type_hints`, remembered per object when called with the object only."""
    return typing.get_type_hints(obj, *args, **kwargs) if args or kwargs else _hints_of(obj)


def _scalars_accepted(expected_type: object) -> frozenset[type]:
    if typing.get_origin(expected_type) is typing.Union:
        return _SCALARS.intersection(typing.get_args(expected_type))
    return _SCALARS.intersection({expected_type}) if isinstance(expected_type, type) else frozenset()


#: id(expected type) -> (that type, the scalars it accepts). Keyed by identity: the hints are
#: remembered, so the same objects come back, and hashing a typing Union recomputes the hash
#: of every member each time. Holding the type keeps its id from being reused.
_ACCEPTED: dict[int, tuple[object, frozenset[type]]] = {}


def scalars_accepted(expected_type: object) -> frozenset[type]:
    """The scalar classes a value may have (exactly) to pass a check against `expected_type`."""
    known = _ACCEPTED.get(id(expected_type))
    if known is None or known[0] is not expected_type:
        known = _ACCEPTED[id(expected_type)] = (expected_type, _scalars_accepted(expected_type))
    return known[1]


def fast_check_type(original: CheckType) -> CheckType:
    """`original` (a generated module's `check_type`), answering exact scalar matches itself."""

    def check_type(argname: str, value: object, expected_type: object) -> object:
        if type(value) in scalars_accepted(expected_type):
            return None
        return original(argname=argname, value=value, expected_type=expected_type)

    check_type.__wrapped__ = original  # type: ignore[attr-defined]
    return check_type


def _memo_typing() -> types.ModuleType:
    memo = types.ModuleType("typing", "typing, with get_type_hints remembered per stub")
    memo.__dict__.update({k: v for k, v in vars(typing).items() if not k.startswith("__")})
    memo.get_type_hints = _memo_get_type_hints  # type: ignore[attr-defined]
    return memo


MEMO_TYPING = _memo_typing()


def module_globals(module: types.ModuleType) -> dict[str, object]:
    """The globals the module's functions run with (publication hides them behind a proxy)."""
    private = getattr(module, "_private", module)
    return vars(private)


def speed_up(modules: Iterable[types.ModuleType]) -> None:
    """Install the remembered hints and the scalar fast path in each generated module."""
    for module in modules:
        namespace = module_globals(module)
        if namespace.get("typing") not in (typing, MEMO_TYPING):
            raise GeneratedCodeError(f"{module.__name__} no longer imports `typing` as a module global")
        original = namespace.get("check_type")
        if not callable(original):
            raise GeneratedCodeError(f"{module.__name__} no longer defines the `check_type` its classes call")
        namespace["typing"] = MEMO_TYPING
        if not hasattr(original, "__wrapped__"):
            namespace["check_type"] = fast_check_type(original)
