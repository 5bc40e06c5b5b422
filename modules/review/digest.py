"""Which stacks of a pull request's synthesized output differ from the base branch's: a digest per stack.

The plan workflow plans only those, one matrix job each (.github/workflows/terraform-plan.yml): with
`stacks: per_pipeline`, a change to one pipeline plans one stack. A stack's digest covers every file synth
wrote for it (the manifest's `synthesizedStackPath` and, for HCL output, `stackMetadataPath`), so anything that
changes what Terraform reads in it changes the digest.

    python -m modules.review.digest [--base DIR] --head DIR

prints, as a JSON list, the head's stacks that are new or whose digest differs (standard library only: the
workflow runs it before any install).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

#: The manifest keys naming the files synth wrote for a stack.
STACK_FILES = ("synthesizedStackPath", "stackMetadataPath")


def stack_digests(outdir: Path) -> dict[str, str]:
    """By stack name, the SHA-256 of its files in a cdktf output (`manifest.json`). The plan job checks the
    names with the rest of the stack (`policy.plannable`) before it plans."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    digests = {}
    for name, stack in manifest.get("stacks", {}).items():
        digest = hashlib.sha256()
        for key in STACK_FILES:
            path = outdir / stack.get(key, "")
            if stack.get(key) and path.is_file() and path.resolve().is_relative_to(outdir.resolve()):
                digest.update(f"{key}\0{len(path.read_bytes())}\0".encode())
                digest.update(path.read_bytes())
        digests[name] = digest.hexdigest()
    return digests


def changed(base: Path | None, head: Path) -> list[str]:
    """The stacks of `head` that `base` (None or without a manifest: nothing synthesized yet) lacks or holds
    with another digest, in the head's order."""
    before = stack_digests(base) if base is not None and (base / "manifest.json").is_file() else {}
    return [name for name, digest in stack_digests(head).items() if before.get(name) != digest]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m modules.review.digest", description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, help="the base branch's output (absent: every stack is new)")
    parser.add_argument("--head", type=Path, required=True, help="the pull request's output")
    args = parser.parse_args(argv)
    print(json.dumps(changed(args.base, args.head)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
