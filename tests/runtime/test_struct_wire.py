"""Structs read from their values: the same wire form as jsii's own, loud when jsii changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsii
import pytest
from jsii import _kernel as jsii_kernel
from jsii import _reference_map

from modules.config import load_text
from modules.constructs.stack import PipelinesStack
from modules.runtime import cdk
from modules.runtime.kernel_channel import KernelChannelError
from modules.runtime.struct_wire import FUNCTION, speed_up_struct_wire, struct_mapping, struct_wire
from tests.helpers import ROOT, default_data, every_source, to_yaml

FAST = getattr(jsii_kernel, FUNCTION)
JSII = FAST.__wrapped__


def _struct_classes() -> list[type]:
    return [kind for kind in _reference_map._data_types.values() if struct_mapping(kind) is not None]


def test_it_is_installed_in_jsii() -> None:
    assert FAST is not JSII and JSII.__module__ == jsii_kernel.__name__


def test_every_generated_struct_property_returns_its_value() -> None:
    """What reading `_values` relies on, for every struct class of cdktf and the provider loaded."""
    classes = _struct_classes()
    assert len(classes) > 100, "jsii registered no generated struct classes: the registry moved"
    for kind in classes:
        struct = object.__new__(kind)
        struct._values = {name: object() for name in struct_mapping(kind)}
        changed = [name for name, value in struct._values.items() if getattr(struct, name) is not value]
        assert not changed, f"{kind.__qualname__}: properties {changed} no longer return their _values"


def test_only_classes_the_decorator_made_are_read_from_values() -> None:
    generated = cdk.EcsServiceNetworkConfiguration
    subclass = type("Subclass", (generated,), {})  # its own properties may differ: jsii's path
    assert struct_mapping(generated) == {
        "subnets": "subnets",
        "assign_public_ip": "assignPublicIp",
        "security_groups": "securityGroups",
    }
    assert struct_mapping(subclass) is None and struct_mapping(dict) is None


class _Text(str):
    """A str subclass: not an exact str."""


def test_what_it_does_not_answer_itself_goes_to_jsii() -> None:
    delegated = []
    fast = struct_wire(lambda kernel, value: delegated.append(value) or JSII(kernel, value))
    subnets = cdk.EcsServiceNetworkConfiguration(subnets=["subnet-1"])
    for value in ("x", 1, 1.5, True, None, [1], {"a": 1}, subnets):
        assert fast(jsii.kernel, value) == JSII(jsii.kernel, value)
    assert delegated == []
    subclass = type("Subclass", (type(subnets),), {})(subnets=["subnet-2"])
    text = _Text("y")
    assert fast(jsii.kernel, [subclass, text]) == [JSII(jsii.kernel, subclass), "y"]
    assert delegated == [subclass, text]


def _configs() -> Iterator[str]:
    yield to_yaml(default_data())
    yield to_yaml(every_source())
    yield (ROOT / "examples" / "environments.yaml").read_text()


@pytest.mark.parametrize("text", list(_configs()), ids=["default", "autoscaling", "environments"])
def test_every_argument_of_a_stack_has_jsii_s_wire_form(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each value sent while building the stacks, turned into its wire form both ways."""
    compared = []

    def both(kernel: Any, value: Any) -> Any:
        monkeypatch.setattr(jsii_kernel, FUNCTION, JSII)  # jsii's own, all the way down
        try:
            expected = JSII(kernel, value)
        finally:
            monkeypatch.setattr(jsii_kernel, FUNCTION, both)
        actual = FAST(kernel, value)
        assert actual == expected
        compared.append(value)
        return actual

    monkeypatch.setattr(jsii_kernel, FUNCTION, both)
    for deployment in load_text(text):
        PipelinesStack(cdk.Testing.app(), deployment.stack, deployment=deployment)
    structs = [arg for args in compared if type(args) is list for arg in args if struct_mapping(type(arg))]
    assert len(structs) >= 10, "the resources' configs were not among the values compared"


def test_a_jsii_without_the_function_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(jsii_kernel, FUNCTION)
    with pytest.raises(KernelChannelError, match=f"jsii._kernel no longer has {FUNCTION}"):
        speed_up_struct_wire()


def test_installing_twice_wraps_once() -> None:
    speed_up_struct_wire()
    assert getattr(jsii_kernel, FUNCTION) is FAST
