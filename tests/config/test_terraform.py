"""The `terraform:` block: version constraints within what the project supports, bad input named."""

import pytest

from modules.config.terraform import admitted_range, check_constraint
from tests.helpers import config_problems, default_data, load


def problems(terraform) -> list[str]:
    data = default_data()
    data["terraform"] = terraform
    return config_problems(data)


@pytest.mark.parametrize(
    ("constraint", "low", "high"),
    [
        (">= 5.100, < 7", (5, 100, 0), (7, 0, 0)),
        ("~> 6.25", (6, 25, 0), (7, 0, 0)),
        ("~> 6.25.1", (6, 25, 1), (6, 26, 0)),
        ("~> 6", (6, 0, 0), (7, 0, 0)),
        ("6.3.0", (6, 3, 0), (6, 3, 1)),
        ("= 6.3", (6, 3, 0), (6, 3, 1)),
        ("> 5.99, <= 6.1", (5, 100, 0), (6, 2, 0)),
        ("> 5.100.0", (5, 100, 1), (1 << 30, 0, 0)),
        (">= 6, != 6.1.0", (6, 0, 0), (1 << 30, 0, 0)),
    ],
)
def test_admitted_range_follows_terraforms_operators(constraint, low, high):
    assert admitted_range(constraint) == (low, high)


@pytest.mark.parametrize("constraint", [">= 5.100, < 7", "~> 6.0", "~> 5.100", "6.30.0", ">= 6.1, < 6.50"])
def test_provider_constraints_within_5_100_and_6x_are_accepted(constraint):
    assert check_constraint("aws_provider_version", constraint) == constraint


@pytest.mark.parametrize(
    ("constraint", "why"),
    [
        ("~> 5.0", "does not support"),
        (">= 5.100", "does not support"),
        (">= 6, < 8", "does not support"),
        (">= 6.2, < 6.1", "admits no version"),
        ("latest", "not a version constraint"),
        (">= 5.100,", "not a version constraint"),
        ("6.x", "not a version constraint"),
    ],
)
def test_provider_constraints_beyond_what_is_supported_are_refused(constraint, why):
    with pytest.raises(ValueError, match=why):
        check_constraint("aws_provider_version", constraint)


def test_defaults():
    terraform = load(default_data()).terraform
    assert (terraform.required_version, terraform.aws_provider_version) == (">= 1.10", ">= 5.100, < 7")


def test_bad_values_are_reported_at_their_dotted_path():
    found = problems({"required_version": ">= 1.5", "aws_provider_version": "~> 4.0", "extra": 1})
    assert found[:2] == [
        "terraform.required_version: admits versions this project does not support; stay within >= 1.10.0 "
        "(got '>= 1.5')",
        "terraform.aws_provider_version: admits versions this project does not support; "
        "stay within >= 5.100.0, < 7.0.0 (got '~> 4.0')",
    ]
    assert found[2].startswith("terraform.extra: unknown key")
