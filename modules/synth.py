"""Synthesize Deployments (one stack each) into a cdktf output directory, crash-safely.

How `--out` is replaced (README, "Commands", states the same guarantees):

- The app is written into a staging directory beside `--out` (`.<name>.staging-<random>`),
  then swapped into place with one rename-exchange (Linux `renameat2(RENAME_EXCHANGE)`):
  `--out` names the complete old tree until the instant it names the complete new one, so a
  reader never finds it missing or mixed, and a kill at any moment leaves one complete output.
  The old tree, now under the staging name, is deleted after. Where the OS or filesystem has
  no rename-exchange, two renames do it (`--out` to `.<name>.retired-<random>`, staging to
  `--out`); a kill between them leaves `--out` missing, and the next run restores it first.
- Why not make `--out` a symlink to versioned directories (one atomic rename of a symlink):
  `--out` stays a real directory, as cdktf, Terraform and users expect of it. Terraform runs in
  `stacks/<name>` and keeps `.terraform/` there, the cdktf CLI lists and deletes directories in
  it, and an existing `cdktf.out` would need a non-atomic first conversion.
- An fcntl lock (flock) on the directory that holds `--out` serializes synths into it. Locking
  that directory rather than a lock file beside `--out` leaves no file behind (a refused synth
  writes nothing) and cannot race with a lock file's removal; synths into two sibling
  directories wait for each other too, which costs seconds at most. The lock holder first
  recovers what a killed run left: it restores a retired output when `--out` is missing, and
  deletes staging and retired directories.
- `--out` is replaced only when absent, empty, or an earlier output: it holds `MARKER`, whose
  content is the digest of its `manifest.json` (`check_replaceable`); anything else is refused
  untouched. The new tree gets the mode of the directory it replaces (new: 0777 less the umask).
- Files a user or Terraform keeps in a stack directory (`USER_FILES`) are hard-linked (copied
  where links fail) into the new tree before the swap: the old tree keeps them until then.
- The cdktf CLI lists `stacks/` before running the app and deletes the directories of stacks
  the app no longer has afterwards, failing (ENOENT) if one is already gone. So under the CLI
  the new tree keeps an empty directory for each such stack, for the CLI to delete.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import fnmatch
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config.errors import ConfigError, Problem

if TYPE_CHECKING:
    from .config.resolve import Deployment

#: What every synthesized output holds (cdktf writes it).
MANIFEST = "manifest.json"
#: What proves a directory is an earlier output of this tool: written last, it holds the digest of MANIFEST.
MARKER = ".feature-pipelines-synth.json"
WRITTEN_BY = "streaming-feature-pipelines synth"
#: Files in a stack directory that a synth keeps: Terraform's working files and what users add.
USER_FILES = (
    ".terraform",
    ".terraform.lock.hcl",
    "override.tf",
    "override.tf.json",
    "*_override.tf",
    "*_override.tf.json",
    "terraform.tfvars",
    "terraform.tfvars.json",
    "*.auto.tfvars",
    "*.auto.tfvars.json",
)
#: Set by the cdktf CLI (and only by it) for the app it runs to synthesize.
CDKTF_CLI_VARIABLE = "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"
_STAGING, _RETIRED = "staging-", "retired-"
#: Set by a signal handler that asked the process to stop (`request_stop`). The KeyboardInterrupt
#: it raises is lost when it lands in a finalizer or callback, so the swap checks this first.
_stop_requested = threading.Event()
_NODE_ERROR = re.compile(r"(E[A-Z]+): ([^,]+)(?:, \w+(?: '([^']*)')?)?")


@dataclass(frozen=True)
class StackSummary:
    """What one synthesized stack holds."""

    name: str
    path: Path
    pipelines: int
    variants: int
    resources: int


class OutputError(Exception):
    """`--out` could not be written (disk full, permissions, read-only): the earlier output is unchanged."""

    def __init__(self, outdir: Path, error: OSError):
        self.outdir, self.error = outdir, error
        where = f" ({error.filename})" if error.filename else ""
        super().__init__(f"cannot write {outdir}: {error.strerror or error}{where}; the earlier output is unchanged")


def count_resources(stack_json: dict) -> int:
    """Number of resources (not data sources) in a synthesized cdk.tf.json."""
    return sum(len(by_name) for by_name in stack_json.get("resource", {}).values())


def synthesize(
    deployments: Sequence[Deployment],
    outdir: Path,
    *,
    verify: Callable[[Path], object] | None = None,
    format: str = "json",
) -> list[StackSummary]:
    """Write `outdir` (cdktf layout: manifest.json, stacks/<name>/cdk.tf.json per stack).

    `verify`, when given, is called with the complete staging directory, Terraform JSON, before
    the swap; whatever it raises leaves `outdir` untouched (the policy checks refuse to write this
    way). `format` "hcl" then turns each stack into `cdk.tf`, keeping its JSON as `metadata.json`.
    """

    def build(staging: Path) -> None:
        from .app import hcl_stacks, synthesize_app

        _synth(lambda: synthesize_app(deployments, staging))
        if verify is not None:
            verify(staging)
        if format == "hcl":
            hcl_stacks(staging)

    outdir = write_output(outdir, build)
    summaries = []
    for deployment in deployments:
        stack_dir = outdir / "stacks" / deployment.stack
        synthesized = stack_dir / ("cdk.tf.json" if format == "json" else "metadata.json")
        summaries.append(
            StackSummary(
                name=deployment.stack,
                path=stack_dir / ("cdk.tf.json" if format == "json" else "cdk.tf"),
                pipelines=len(deployment.pipelines()),
                variants=len(deployment.variants),
                resources=count_resources(json.loads(synthesized.read_text())),
            )
        )
    return summaries


def _synth(synthesize: Callable[[], None]) -> None:
    """`synthesize()`; a file system error in the node kernel raised as the OSError it is."""
    try:
        synthesize()
    except Exception as err:
        error = node_os_error(str(err))
        if error is None:
            raise
        raise error from None


def node_os_error(message: str) -> OSError | None:
    """Node's `ENOSPC: no space left on device, write '<file>'` as an OSError; None for other messages."""
    match = _NODE_ERROR.search(message)
    code = getattr(errno, match[1], None) if match else None
    if not isinstance(code, int):
        return None
    return OSError(code, os.strerror(code), match[3]) if match[3] else OSError(code, os.strerror(code))


def write_output(outdir: Path, build: Callable[[Path], None]) -> Path:
    """Replace `outdir` by what `build` writes into an empty staging directory; the path written.

    ConfigError (nothing touched) when `outdir` is not replaceable; OutputError when the file
    system refuses (the earlier output unchanged).
    """
    outdir = output_path(outdir)
    try:
        with _locked(outdir):
            recover(outdir)
            check_replaceable(outdir)
            staging = _new_staging(outdir)
            try:
                build(staging)
                _write_marker(staging)
                _carry_user_files(outdir, staging)
                if outdir.is_dir():
                    os.chmod(staging, stat.S_IMODE(outdir.stat().st_mode))
                if _stop_requested.is_set():
                    raise KeyboardInterrupt
                _swap(staging, outdir)
            finally:
                shutil.rmtree(staging, ignore_errors=True)  # after the swap: the old tree, or nothing
    except OSError as err:
        raise OutputError(outdir, err) from None
    return outdir


def request_stop(requested: bool = True) -> None:
    """Make every later `write_output` stop before its swap (False: clear the request)."""
    if requested:
        _stop_requested.set()
    else:
        _stop_requested.clear()


def output_path(path: Path, option: str = "--out") -> Path:
    """`path` absolute with symlinks resolved; ConfigError when it cannot be a directory.

    Refused: a symlink loop, a path below a file (`cfg.yaml/sub`), a name too long.
    """
    absolute = Path(os.path.realpath(path))
    try:
        absolute.stat()
    except FileNotFoundError:
        return absolute
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise ConfigError([Problem(option, "is a symbolic link loop; name a directory", str(path))]) from None
        if err.errno == errno.ENOTDIR:
            above = next((up for up in absolute.parents if up.exists() and not up.is_dir()), absolute.parent)
            raise ConfigError(
                [Problem(option, f"{above} is a file, so it cannot hold a directory; name a directory", str(path))]
            ) from None
        if err.errno == errno.ENAMETOOLONG:
            raise ConfigError([Problem(option, "the name is too long for the file system", str(path))]) from None
        raise
    return absolute


def check_replaceable(outdir: Path) -> None:
    """ConfigError unless `outdir` is absent, an empty directory or an earlier output (`is_output`).

    The swap replaces the whole directory, so `--out .` or `--out src` would otherwise
    delete whatever the directory held.
    """
    if not os.path.lexists(outdir) or (outdir.is_dir() and (not any(outdir.iterdir()) or is_output(outdir))):
        return
    if not outdir.is_dir():
        what = "not a directory"
    elif (outdir / MANIFEST).exists():
        what = f"holds {MANIFEST} but no {MARKER} matching it (an output of an older version: delete it once)"
    else:
        what = f"a directory with files but no {MARKER}"
    raise ConfigError(
        [
            Problem(
                "--out",
                f"{what}, so not an earlier synth output; synth replaces the whole directory: "
                "name a new or empty directory, or an earlier output",
                str(outdir),
            )
        ]
    )


def is_output(directory: Path) -> bool:
    """True when `directory` holds MARKER written by this tool for the MANIFEST beside it."""
    try:
        if (directory / MARKER).stat().st_size > 4096 or (directory / MANIFEST).stat().st_size > 1 << 24:
            return False
        marker = json.loads((directory / MARKER).read_text(encoding="utf-8"))
        digest = hashlib.sha256((directory / MANIFEST).read_bytes()).hexdigest()
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker == {"written_by": WRITTEN_BY, "manifest_sha256": digest}


def _write_marker(staging: Path) -> None:
    digest = hashlib.sha256((staging / MANIFEST).read_bytes()).hexdigest()
    text = json.dumps({"written_by": WRITTEN_BY, "manifest_sha256": digest}) + "\n"
    (staging / MARKER).write_text(text, encoding="utf-8")


def _sibling(outdir: Path, kind: str) -> Path:
    return outdir.with_name(f".{outdir.name}.{kind}{secrets.token_hex(4)}")


def _leftovers(outdir: Path) -> tuple[list[Path], list[Path]]:
    """Staging and retired directories of `outdir` that killed runs left; also those of earlier
    versions (`.<name>.<8 characters>` and the same with `.old`, from `tempfile.mkdtemp`)."""
    earlier = re.compile(rf"\.{re.escape(outdir.name)}\.[a-z0-9_]{{8}}(\.old)?")
    staging, retired = [], []
    for entry in sorted(outdir.parent.iterdir()):
        if not entry.is_dir() or entry.is_symlink():
            continue
        legacy = earlier.fullmatch(entry.name)
        if entry.name.startswith(f".{outdir.name}.{_RETIRED}") or (legacy and legacy[1]):
            retired.append(entry)
        elif entry.name.startswith(f".{outdir.name}.{_STAGING}") or legacy:
            staging.append(entry)
    return staging, retired


def recover(outdir: Path) -> None:
    """Undo what a killed run left (call it holding the lock): restore a retired output when
    `outdir` is missing, then delete every staging and retired directory."""
    staging, retired = _leftovers(outdir)
    if retired and not os.path.lexists(outdir):
        newest = max(retired, key=lambda entry: entry.stat().st_mtime)
        os.rename(newest, outdir)
        retired.remove(newest)
    for entry in staging + retired:
        shutil.rmtree(entry)


@contextlib.contextmanager
def _locked(outdir: Path) -> Iterator[None]:
    """Hold an exclusive fcntl lock on the directory that holds `outdir` (created if missing)."""
    outdir.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(outdir.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another synth into {outdir.parent} to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _new_staging(outdir: Path) -> Path:
    """An empty staging directory beside `outdir`, mode 0777 less the umask (`write_output` then
    gives it the mode of the `outdir` it replaces)."""
    staging = _sibling(outdir, _STAGING)
    os.mkdir(staging, 0o777)
    return staging


def _swap(staging: Path, outdir: Path) -> None:
    """Put `staging` at `outdir`; afterwards `staging` holds the old tree (or nothing)."""
    if not os.path.lexists(outdir):
        os.rename(staging, outdir)
        return
    try:
        rename_exchange(staging, outdir)
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        retired = _sibling(outdir, _RETIRED)
        os.rename(outdir, retired)
        try:
            os.rename(staging, outdir)  # a kill before this line: the next run's `recover` restores `retired`
        except BaseException:
            os.rename(retired, outdir)
            raise
        os.rename(retired, staging)


def rename_exchange(first: Path, second: Path) -> None:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); OSError(ENOSYS) where there is none."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_fdcwd, rename_exchange_flag = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange_flag) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(first), None, str(second))


def _carry_user_files(old: Path, new: Path) -> None:
    """Link USER_FILES of the stacks that remain from `old` into `new`; under the cdktf CLI, an
    empty directory for each stack that is gone (the CLI deletes it)."""
    old_stacks = old / "stacks"
    if not old_stacks.is_dir():
        return
    for previous in old_stacks.iterdir():
        stack = new / "stacks" / previous.name
        if not stack.is_dir():
            if CDKTF_CLI_VARIABLE in os.environ and previous.is_dir() and not previous.is_symlink():
                stack.mkdir()
            continue
        if not previous.is_dir() or previous.is_symlink():
            continue
        for entry in previous.iterdir():
            kept = any(fnmatch.fnmatchcase(entry.name, pattern) for pattern in USER_FILES)
            if kept and not os.path.lexists(stack / entry.name):
                _link_tree(entry, stack / entry.name)


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link `source` (a file, symlink or directory tree) at `target`; copy where links fail."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
