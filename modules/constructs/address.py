"""Pinned Terraform addresses, and references built from them without a jsii round trip.

Reading `resource.arn` asks the jsii kernel (node) for a token: one inter-process call per
reference, a third of all the calls a large stack makes. A resource whose Terraform name is
pinned has a known address, so its references can be written directly; they are the very
strings the tokens synthesize to (`${aws_ecs_service.news-encoder_control.name}`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol


class _Pinnable(Protocol):
    TF_RESOURCE_TYPE: str

    def override_logical_id(self, new_logical_id: str) -> None: ...


@dataclass(frozen=True)
class Address:
    """`<type>.<name>` of one resource in a stack."""

    type: str
    name: str

    def ref(self, attribute: str) -> str:
        """A Terraform reference to `attribute`, e.g. `${aws_iam_role.x_task.arn}`."""
        return f"${{{self.type}.{self.name}.{attribute}}}"

    def __str__(self) -> str:
        return f"{self.type}.{self.name}"


@functools.cache
def _resource_type(resource_class: type[_Pinnable]) -> str:
    return resource_class.TF_RESOURCE_TYPE  # a jsii static: one kernel call per class


def pin(resource: _Pinnable, name: str) -> Address:
    """Give `resource` the Terraform name `name` (addresses are a public contract)."""
    resource.override_logical_id(name)
    return Address(_resource_type(type(resource)), name)


def pin_data(data_source: _Pinnable, name: str) -> Address:
    """Give the data source `data_source` the Terraform name `name`: its address is `data.<type>.<name>`."""
    data_source.override_logical_id(name)
    return Address(f"data.{_resource_type(type(data_source))}", name)
