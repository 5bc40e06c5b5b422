"""Lists whose entries name things (policies, topics, keys, subnets, CIDR blocks, tags): an entry listed twice is
refused at its path, in one line, instead of failing later (two Terraform resources of one name, or an AWS error)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import config_problems, default_data

P = "pipelines.news-encoder"
POLICY = "arn:aws:iam::aws:policy/AmazonKinesisReadOnlyAccess"
KMS = "arn:aws:kms:ap-northeast-1:123456789012:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


@pytest.mark.parametrize(
    ("path", "items", "extra"),
    [
        (f"{P}.task_role_policy_arns", [POLICY, POLICY], {}),
        (f"{P}.secrets_kms_key_arns", [KMS, KMS], {}),
        ("network.subnet_ids", ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60001"], {}),
        ("network.egress", [{"port": 443}, {"port": 443}], {}),
        (f"{P}.egress", [{"port": 443, "cidr_blocks": ["10.0.0.0/16", "10.0.0.0/16"]}], {}),
        ("observability.error_terms", ["ERROR", "ERROR"], {}),
        (
            "backend.workspace_tags",
            ["{stack}", "{stack}"],
            {"backend.type": "cloud", "backend.organization": "ml"},
        ),
    ],
)
def test_an_entry_listed_twice_is_refused_at_its_path(path, items, extra):
    data = default_data()
    for where, value in extra.items():
        _set(data, where, value)
    _set(data, path, items)
    found = config_problems(data)
    assert any("items 0 and 1 are the same; list each once" in problem for problem in found), found
    assert all("\n" not in problem for problem in found)
