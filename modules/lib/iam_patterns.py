"""IAM policy statements and resource patterns (`*` and `?` wildcards), as the policy rules and the review
read and compare them (pure)."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Any


def literal_head(pattern: str) -> str:
    """What every match of an IAM resource pattern starts with: the text before its first wildcard."""
    return re.split(r"[*?]", pattern, maxsplit=1)[0]


def namespaces_overlap(first: str, second: str) -> bool:
    """Whether two IAM resource patterns can name one object: either's fixed head starts the other's
    (`bucket/a/*` and `bucket/a/b/*` overlap, `bucket/a/*` and `bucket/ab/*` do not)."""
    one, two = literal_head(first), literal_head(second)
    return one.startswith(two) or two.startswith(one)


def listed(value: Any) -> list[str]:
    """A statement field that is one value or a list of them (`Action`, `Resource`), as strings."""
    return [str(v) for v in value] if isinstance(value, list | tuple) else [] if value is None else [str(value)]


def allows(statement: Any, action: str) -> bool:
    """Whether `statement` is an Allow whose actions (wildcards too) include `action` (lower case)."""
    return (
        isinstance(statement, dict)
        and statement.get("Effect") == "Allow"
        and any(fnmatchcase(action, pattern.lower()) for pattern in listed(statement.get("Action")))
    )


def _of_service(resource: str, service: str) -> bool:
    return resource.split(":")[2:3] in ([service], ["*"]) or resource == "*"


def write_namespaces(statement: Any) -> list[str]:
    """Where `statement` lets its principal write features: each S3 resource when it allows s3:PutObject, and
    `<table ARN>/<partition key pattern>` for each DynamoDB resource when it allows dynamodb:PutItem (the
    patterns of its `dynamodb:LeadingKeys` condition; `<table ARN>/*` without one)."""
    found = []
    if allows(statement, "s3:putobject"):
        found += [r for r in listed(statement.get("Resource")) if _of_service(r, "s3")]
    if allows(statement, "dynamodb:putitem"):
        condition = statement.get("Condition")
        keys = [
            key
            for operator, values in (condition.items() if isinstance(condition, dict) else [])
            if str(operator).startswith("ForAllValues:String") and isinstance(values, dict)
            for key in listed(values.get("dynamodb:LeadingKeys"))
        ] or ["*"]
        found += [f"{r}/{key}" for r in listed(statement.get("Resource")) if _of_service(r, "dynamodb") for key in keys]
    return found
