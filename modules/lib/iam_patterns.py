"""IAM resource patterns (`*` and `?` wildcards), as the policy rules and the review compare them (pure)."""

from __future__ import annotations

import re


def literal_head(pattern: str) -> str:
    """What every match of an IAM resource pattern starts with: the text before its first wildcard."""
    return re.split(r"[*?]", pattern, maxsplit=1)[0]


def namespaces_overlap(first: str, second: str) -> bool:
    """Whether two IAM resource patterns can name one object: either's fixed head starts the other's
    (`bucket/a/*` and `bucket/a/b/*` overlap, `bucket/a/*` and `bucket/ab/*` do not)."""
    one, two = literal_head(first), literal_head(second)
    return one.startswith(two) or two.startswith(one)
