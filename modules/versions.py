"""Version constraints the synthesized `terraform` block declares (pure, no cdktf import)."""

from __future__ import annotations

import re

#: Terraform (or OpenTofu) release every stack needs: the S3 backend's native lock file
#: (`use_lockfile`, on by default) arrived in 1.10; OpenTofu reads it the same way.
REQUIRED_VERSION = ">= 1.10"
#: The fully qualified provider source; a bare `aws` is ambiguous to OpenTofu.
AWS_PROVIDER_SOURCE = "hashicorp/aws"


def provider_constraint(bindings_version: str) -> str:
    """The constraint matching provider bindings generated for `bindings_version`.

    '6.25.0' -> '~> 6.25': that release or a later one of the same major version, whose
    schema is a superset of the one the bindings were generated from.
    """
    match = re.fullmatch(r"(\d+)\.(\d+)\.\d+", bindings_version)
    if not match:
        raise ValueError(f"not a provider version: {bindings_version!r}")
    return f"~> {match.group(1)}.{match.group(2)}"
