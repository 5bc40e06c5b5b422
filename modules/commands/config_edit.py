"""What the commands that edit pipelines.yaml share: read it, show the diff and what changed, replace it
atomically (a crash leaves the old file or the new one, never a part)."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ConfigError, Problem
from ..config.load import MISSING_HINT, read_config
from .common import EXIT_OK, add_config_argument, shown

if TYPE_CHECKING:  # ruamel.yaml behind it: loaded by the commands that edit the config only
    from ..experiment.edit import Edit


def add_edit_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--dry-run", action="store_true", help="show the diff and what would change; write nothing")


def read(path: Path) -> str:
    """The config's text; ConfigError when it is missing or unreadable."""
    try:
        return read_config(path)
    except FileNotFoundError:
        raise ConfigError([Problem("", f"no config file {path}: {MISSING_HINT}")]) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError([Problem("", f"cannot read config file {path}: {err}")]) from None


def finish(edit: Edit, path: Path, *, dry_run: bool) -> int:
    """Print the diff, the changes, the notes and the next step; write the file unless `dry_run`."""
    print(edit.diff(str(shown(path))), end="")
    if not dry_run:
        if read(path) != edit.before:
            raise ConfigError([Problem("", f"{path} changed while it was edited; nothing was written: run again")])
        replace_text(path, edit.after)
    verb = "would change (dry run: nothing written)" if dry_run else "changed"
    print(f"{shown(path)} {verb}:")
    print("".join(f"  {line}\n" for line in edit.changes), end="")
    print("".join(f"note: {line}\n" for line in edit.notes), end="")
    print("".join(f"next: {line}\n" for line in edit.next_steps), end="")
    return EXIT_OK


def replace_text(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path` (behind a symlink, its target), then rename it over
    the file, keeping its permissions."""
    target = path.resolve()
    mode = target.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)
