"""The AWS provider installed into the shared plugin cache once, before Terraform runs side by side.

    python -m tests.terraform.plugin_cache

Terraform's plugin cache is not safe for concurrent installs: .ci/run fills it (TF_PLUGIN_CACHE_DIR) right
after setup, so that `make test`, `make slow` and `make e2e`, side by side, only link the provider from it;
`make e2e` fills its own when run alone.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from modules.config.terraform import AWS_PROVIDER_VERSION
from tests.terraform.terraform_cli import Terraform, environment, unavailable_reason


def fill_plugin_cache(environ: dict[str, str], scratch: Path) -> None:
    """Install the AWS provider the stacks require into environ's TF_PLUGIN_CACHE_DIR (none: Terraform's home in
    `scratch`), once; nothing when Terraform or the provider cannot be had here (the tests say why)."""
    if unavailable_reason(environ) is not None:
        return  # each process skips (or, with CI=true, fails) and says why
    root = scratch / "provider"
    root.mkdir()
    required = {"aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}}
    (root / "main.tf.json").write_text(json.dumps({"terraform": {"required_providers": required}}))
    (scratch / "home").mkdir()
    Terraform.configured(scratch / "home", environ).init(root, backend=False)


if __name__ == "__main__":
    if not os.environ.get("TF_PLUGIN_CACHE_DIR"):
        sys.exit("set TF_PLUGIN_CACHE_DIR: the plugin cache to fill")
    with tempfile.TemporaryDirectory(prefix="plugin-cache-") as scratch:
        fill_plugin_cache(environment(), Path(scratch))
