"""The `terraform:` block: the Terraform and AWS provider versions every stack requires (pure).

Both are Terraform version constraints (`>= 5.100, < 7`, `~> 6.0`), written as they are into
each stack's and the exported module's `terraform` block. A constraint is accepted only when
every version it admits lies in the range this project supports (`SUPPORTED`): what we
synthesize has been validated, planned and applied on those versions, and nothing older.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from .strict import Strict

Version = tuple[int, int, int]

#: Terraform >= 1.10: the S3 backend's native lock file (`use_lockfile`, on by default).
REQUIRED_VERSION = ">= 1.10"
#: AWS provider 5.100 (the newest 5.x) and every 6.x: what we emit exists in both majors.
AWS_PROVIDER_VERSION = ">= 5.100, < 7"
#: Per setting: the lowest version supported and the first one no longer supported (None: open).
SUPPORTED: dict[str, tuple[Version, Version | None]] = {
    "required_version": ((1, 10, 0), None),
    "aws_provider_version": ((5, 100, 0), (7, 0, 0)),
}

_OPERATORS = ("~>", ">=", "<=", "!=", ">", "<", "=")
_PART = re.compile(rf" *({'|'.join(map(re.escape, _OPERATORS))})? *(\d+)(?:\.(\d+))?(?:\.(\d+))? *")
_FOREVER: Version = (1 << 30, 0, 0)


def _bump(version: Version, position: int) -> Version:
    """The first version after every one that shares `version`'s first `position + 1` numbers."""
    parts = [*version[: position + 1], 0, 0][:3]
    parts[position] += 1
    return (parts[0], parts[1], parts[2])


def admitted_range(constraint: str) -> tuple[Version, Version]:
    """[lowest, first excluded) of what `constraint` admits (`!=` ignored); ValueError when malformed.

    Follows Terraform's operators: `~> 6.25` admits 6.25 up to but excluding 7.0, `~> 6.25.1`
    admits 6.25.1 up to 6.26; a bare or `=` version admits that version only.
    """
    low: Version = (0, 0, 0)
    high: Version = _FOREVER
    for part in constraint.split(","):
        match = _PART.fullmatch(part)
        if not match:
            raise ValueError(
                f"not a version constraint: {part.strip()!r}; write e.g. '>= 5.100, < 7' "
                "(operators ~> >= <= > < = !=, versions like 5 or 5.100 or 5.100.0)"
            )
        operator, *numbers = match.groups()
        given = sum(number is not None for number in numbers)
        version: Version = tuple(int(number or 0) for number in numbers)  # type: ignore[assignment]
        if operator == "~>":
            low, high = max(low, version), min(high, _bump(version, max(given - 2, 0)))
        elif operator == ">=":
            low = max(low, version)
        elif operator == ">":
            low = max(low, _bump(version, given - 1))
        elif operator == "<":
            high = min(high, version)
        elif operator == "<=":
            high = min(high, _bump(version, given - 1))
        elif operator in (None, "="):
            low, high = max(low, version), min(high, _bump(version, 2))
    return low, high


def _show(version: Version) -> str:
    return ".".join(map(str, version))


def _supported(setting: str) -> str:
    """The versions `setting` supports, as a constraint: `>= 5.100.0, < 7.0.0`."""
    lowest, first_unsupported = SUPPORTED[setting]
    return f">= {_show(lowest)}" + (f", < {_show(first_unsupported)}" if first_unsupported else "")


def check_constraint(setting: str, constraint: str) -> str:
    """`constraint` when well-formed and within `SUPPORTED[setting]`; ValueError saying what is valid."""
    low, high = admitted_range(constraint)
    lowest, first_unsupported = SUPPORTED[setting]
    supported = _supported(setting)
    if low >= high:
        raise ValueError(f"admits no version at all; write a range within {supported}")
    if low < lowest or (first_unsupported is not None and high > first_unsupported):
        raise ValueError(f"admits versions this project does not support; stay within {supported}")
    return constraint


def _required_version(value: str) -> str:
    return check_constraint("required_version", value)


def _aws_provider_version(value: str) -> str:
    return check_constraint("aws_provider_version", value)


class TerraformConfig(Strict):
    """Versions every stack and the exported module require."""

    required_version: Annotated[str, AfterValidator(_required_version)] = Field(
        REQUIRED_VERSION,
        description="Terraform version constraint of every stack and the exported module; every version it admits "
        f"must be {_supported('required_version')} (the S3 backend's `use_lockfile` needs 1.10)",
    )
    aws_provider_version: Annotated[str, AfterValidator(_aws_provider_version)] = Field(
        AWS_PROVIDER_VERSION,
        description="AWS provider (`hashicorp/aws`) version constraint; every version it admits must be "
        f"{_supported('aws_provider_version')}",
    )
