"""`make setup`'s last step: build the trimmed provider assembly now, so that no synth has to.

    python -m modules.runtime.prepare

Importing the seam builds it when the cache lacks it (printing one line while it works) and
loads it; a second run finds it cached. Prints where it is. Writes the bytecode of what it imports,
even where PYTHONDONTWRITEBYTECODE is set: `make setup RUNTIME=cdktn` installs the provider without
bytecode and leaves its submodules to this step (only those the seam imports).
"""

from __future__ import annotations

import sys


def main() -> int:
    """Import the seam (building the trimmed assembly if needed); say what is cached."""
    sys.dont_write_bytecode = False
    from . import cdk, provider_assembly

    trimmed = provider_assembly.LOADED[cdk.PROVIDER_PACKAGE]
    print(f"trimmed provider assembly ready: {trimmed.tarball} ({trimmed.types} types)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
