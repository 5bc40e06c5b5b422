"""The generated classes' checks made cheaper: same verdicts as typeguard, loud when not installed."""

from __future__ import annotations

import sys
import types
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.runtime import cdk, type_checks
from modules.runtime.type_checks import MEMO_TYPING, GeneratedCodeError, module_globals, scalars_accepted, speed_up


def _generated_modules() -> list[types.ModuleType]:
    import cdktf

    provider = [
        module
        for name, module in sorted(sys.modules.items())
        if name.startswith(f"{cdk.PROVIDER_PACKAGE}.") and name.count(".") == 1 and not name.endswith("._jsii")
    ]
    return [cdktf, *provider]


def _expected_types() -> list[object]:
    """Every argument type of every checked signature of cdktf and the seam's provider modules."""
    found: dict[str, object] = {}
    for module in _generated_modules():
        for name, stub in module_globals(module).items():
            if name.startswith("_typecheckingstub__"):
                for hint in typing.get_type_hints(stub).values():
                    found.setdefault(repr(hint), hint)
    return [found[key] for key in sorted(found)]


EXPECTED_TYPES = _expected_types()
ORIGINAL = module_globals(sys.modules["cdktf"])["check_type"].__wrapped__
FAST = type_checks.fast_check_type(ORIGINAL)
VALUES = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.one_of(st.text(max_size=2), st.integers()), max_size=2),
    st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=2),
)


def _verdict(check: type_checks.CheckType, value: object, expected: object) -> bool:
    try:
        check(argname="argument x", value=value, expected_type=expected)
    except TypeError:
        return False
    return True


def test_the_signatures_hold_both_scalar_and_other_types() -> None:
    """Guards the property below against an empty or one-sided sample."""
    accepting = [t for t in EXPECTED_TYPES if scalars_accepted(t)]
    assert len(EXPECTED_TYPES) > 100
    assert 0 < len(accepting) < len(EXPECTED_TYPES)


@given(value=VALUES, index=st.integers(min_value=0, max_value=len(EXPECTED_TYPES) - 1))
def test_the_fast_check_agrees_with_typeguard(value: object, index: int) -> None:
    expected = EXPECTED_TYPES[index]
    assert _verdict(FAST, value, expected) == _verdict(ORIGINAL, value, expected), (value, expected)


@pytest.mark.parametrize(
    ("expected", "accepted"),
    [
        (str, {str}),
        # the generated code writes typing.Optional / typing.Union, not `X | Y`
        (typing.Optional[str], {str, type(None)}),  # noqa: UP045
        (typing.Union[bool, cdk.Token], {bool}),  # noqa: UP007
        (typing.Union[int, float, None], {int, float, type(None)}),  # noqa: UP007
        (int | None, set()),  # a types.UnionType: left to typeguard
        (typing.Sequence[str], set()),
        (typing.Any, set()),
        (cdk.Construct, set()),
    ],
)
def test_scalars_accepted(expected: object, accepted: set[type]) -> None:
    assert scalars_accepted(expected) == accepted


def test_a_bool_where_an_int_is_expected_still_goes_to_typeguard() -> None:
    """bool is an int subclass: not an exact match, so typeguard decides (and accepts it)."""
    assert int not in scalars_accepted(bool) and bool not in scalars_accepted(int)
    assert _verdict(FAST, True, int) == _verdict(ORIGINAL, True, int)


def test_installed_in_cdktf_and_every_provider_module_of_the_seam() -> None:
    modules = _generated_modules()
    assert len(modules) > 10
    for module in modules:
        namespace = module_globals(module)
        assert namespace["typing"] is MEMO_TYPING, module.__name__
        assert namespace["check_type"].__wrapped__ is not None, module.__name__


def test_classes_still_reject_what_the_fast_path_passes_on() -> None:
    stack = cdk.TerraformStack(cdk.Testing.app(), "fastcheck")
    with pytest.raises(TypeError, match="name"):
        cdk.CloudwatchLogGroup(stack, "group", name=3)
    with pytest.raises(TypeError, match="retention_in_days"):
        cdk.CloudwatchLogGroup(stack, "group", retention_in_days="7")
    with pytest.raises(TypeError, match="description"):
        cdk.TerraformOutput(stack, "out", value=None, description=3)


@pytest.mark.parametrize(
    ("namespace", "missing"),
    [
        ({"check_type": print}, "`typing`"),
        ({"typing": typing}, "`check_type`"),
    ],
)
def test_a_changed_module_fails_loudly(namespace: dict, missing: str) -> None:
    module = types.ModuleType("generated")
    vars(module).update(namespace)
    with pytest.raises(GeneratedCodeError, match=f"generated no longer .*{missing}"):
        speed_up([module])


def test_installing_again_changes_nothing() -> None:
    """The seam may be imported by several entry points; a second install keeps the first."""
    import cdktf

    before = dict(module_globals(cdktf))
    speed_up([cdktf])
    after = module_globals(cdktf)
    assert after["check_type"] is before["check_type"] and after["typing"] is before["typing"] is MEMO_TYPING
