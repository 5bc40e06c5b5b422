"""`make setup`'s last step: build the trimmed provider assembly now, so that no synth has to.

    python -m modules.runtime.prepare

Importing the seam builds it when the cache lacks it (printing one line while it works) and
loads it; a second run finds it cached. Prints where it is.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Import the seam (building the trimmed assembly if needed); say what is cached."""
    from . import cdk, provider_assembly

    trimmed = provider_assembly.LOADED[cdk.PROVIDER_PACKAGE]
    print(f"trimmed provider assembly ready: {trimmed.tarball} ({trimmed.types} types)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
