"""Lists whose entries name things (policies, topics, keys, subnets, rules): each entry once (pure).

An entry listed twice would make two Terraform resources of one name, or a request AWS refuses
(a duplicate security group permission), so it is a config problem at the list's path.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import AfterValidator

T = TypeVar("T")


def check_distinct(values: list[T]) -> list[T]:
    """`values` if no entry equals an earlier one; ValueError naming the first repeat otherwise."""
    for index, value in enumerate(values):
        if value in values[:index]:
            raise ValueError(f"items {values.index(value)} and {index} are the same; list each once")
    return values


#: Annotated[list[...], Distinct]: a list of distinct entries.
Distinct = AfterValidator(check_distinct)
