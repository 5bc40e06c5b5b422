"""Synthesize Deployments (one stack each) into a cdktf output directory, crash-safely.

How `--out` is replaced (docs/output.md, "The output directory", states the same guarantees):

- Synth replaces exactly what it wrote and nothing else. MARKER lists every file and directory
  it wrote; everything else in `--out` (Terraform's workspaces, state, plans and crash logs,
  the user's own files, at any depth) is hard-linked (copied where links fail) into the new
  tree at its path before the swap, so it is there before and after. A file synth wrote is
  replaced, edited or not, or dropped when the new output no longer has it; a new file synth
  would write where the user has one refuses the synth. A stack directory the config no longer
  has stays when it holds anything synth did not write (said on stderr).
- The app is written into a staging directory beside `--out`, then swapped into place with one
  rename-exchange (Linux `renameat2(RENAME_EXCHANGE)`): `--out` names the complete old tree until
  the instant it names the complete new one, so a reader never finds it missing or mixed, and a
  kill at any moment leaves one complete output. The old tree, now under the staging name, is
  deleted after, once what appeared in it since the carry is in the new one. Where the OS or
  filesystem has no rename-exchange, two renames do it (`--out` to `.<name>.retired-<tag>`,
  staging to `--out`); a kill between them leaves `--out` missing, and the next run restores it.
- Staging and retired directories are named `.<name>.staging-<tag>` / `.<name>.retired-<tag>`,
  the tag a digest of this tool's name and `<name>` (`leftover_path`), and each holds a MARKER
  from its first instant to its last (the staging directory gets one before anything else; a
  tree is deleted with its MARKER last): only a directory of exactly that name holding a MARKER,
  or nothing (a kill between creating it and writing its MARKER), is ours to recover or delete.
  A fixed tag rather than a random token keeps the output byte-for-byte reproducible.
- Why not make `--out` a symlink to versioned directories (one atomic rename of a symlink):
  `--out` stays a real directory, as cdktf, Terraform and users expect of it. Terraform runs in
  `stacks/<name>` and keeps `.terraform/` there, the cdktf CLI lists and deletes directories in
  it, and an existing `cdktf.out` would need a non-atomic first conversion.
- An fcntl lock (flock) on the directory that holds `--out` serializes synths into it. Locking
  that directory rather than a lock file beside `--out` leaves no file behind (a refused synth
  writes nothing) and cannot race with a lock file's removal; synths into two sibling
  directories wait for each other too, which costs seconds at most. Once `--out` is known to be
  replaceable, the lock holder recovers what a killed run left (`recover`).
- `--out` is replaced only when absent, empty, or an earlier output: it holds `MARKER`, which
  holds the digest of its `manifest.json` (`check_replaceable`); anything else is refused
  untouched. The new tree gets the mode of the directory it replaces (new: 0777 less the umask).
- The cdktf CLI lists `stacks/` before running the app and deletes the directories of stacks
  the app no longer has afterwards (whatever they hold), failing (ENOENT) if one is already
  gone. So under the CLI the new tree keeps an empty directory for each such stack, for the CLI
  to delete, and a synth that would leave one holding files synth did not write is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import posixpath
import re
import shutil
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config.errors import ConfigError, Problem

if TYPE_CHECKING:
    from .config.resolve import Deployment
    from .config.split import Migration

#: What every synthesized output holds (cdktf writes it).
MANIFEST = "manifest.json"
#: What proves a directory is an earlier output of this tool: written last, it holds the digest of
#: MANIFEST and what synth wrote (`written`).
MARKER = ".feature-pipelines-synth.json"
WRITTEN_BY = "streaming-feature-pipelines synth"
#: The most read of an earlier output's MARKER or MANIFEST.
_READ_LIMIT = 1 << 24
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
    deployment: str
    """The deployment's stack (`Deployment.stack`) this stack is part of: itself unless split."""


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
    states: Mapping[str, Mapping[str, Any]] | None = None,
    migrated: dict[str, Migration] | None = None,
) -> list[StackSummary]:
    """Write `outdir` (cdktf layout: manifest.json, stacks/<name>/cdk.tf.json per stack).

    `verify`, when given, is called with the complete staging directory, Terraform JSON, before
    the swap; whatever it raises leaves `outdir` untouched (the policy checks refuse to write this
    way). `format` "hcl" then turns each stack into `cdk.tf`, keeping its JSON as `metadata.json`. `states`: by
    shared stack name, the single stack's `terraform show -json` to split (`app.add_migration`; what it added goes
    into `migrated`).
    """

    def build(staging: Path) -> None:
        from .app import add_migration, hcl_stacks, synthesize_app

        _synth(lambda: synthesize_app(deployments, staging))
        if states:
            (migrated if migrated is not None else {}).update(add_migration(staging, deployments, states))
        if verify is not None:
            verify(staging)
        if format == "hcl":
            hcl_stacks(staging)

    outdir = write_output(outdir, build)
    summaries = []
    for deployment in deployments:
        parts = [deployment.for_pipeline(name) for name in deployment.pipelines()] if deployment.split else []
        for stack, pipelines, variants in [
            (deployment.stack, 0 if parts else len(deployment.pipelines()), 0 if parts else len(deployment.variants)),
            *((part.stack, 1, len(part.variants)) for part in parts),
        ]:
            stack_dir = outdir / "stacks" / stack
            synthesized = stack_dir / ("cdk.tf.json" if format == "json" else "metadata.json")
            summaries.append(
                StackSummary(
                    name=stack,
                    path=stack_dir / ("cdk.tf.json" if format == "json" else "cdk.tf"),
                    pipelines=pipelines,
                    variants=variants,
                    resources=count_resources(json.loads(synthesized.read_text())),
                    deployment=deployment.stack,
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

    ConfigError (nothing touched) when `outdir` is not replaceable or the new output would replace
    a file synth did not write; OutputError when the file system refuses (the earlier output unchanged).
    """
    outdir = output_path(outdir)
    try:
        with _locked(outdir):
            check_replaceable(outdir)
            recover(outdir)
            earlier = written(outdir) if is_output(outdir) else None
            staging = _new_staging(outdir)
            remove_old = True
            try:
                build(staging)
                kept = _complete(staging, outdir, earlier)
                if outdir.is_dir():
                    os.chmod(staging, stat.S_IMODE(outdir.stat().st_mode))
                if _stop_requested.is_set():
                    raise KeyboardInterrupt
                _swap(staging, outdir)
                if earlier is not None:
                    remove_old = False  # until what only the old tree holds is in `outdir`
                    remove_old = _carry_late(staging, outdir, earlier)
                for directory in kept:
                    print(
                        f"kept {directory}: no stack of the config any more, but it holds files synth did not "
                        f"write ({_names(directory)})",
                        file=sys.stderr,
                    )
            finally:
                if remove_old:  # after the swap: the old tree, or nothing
                    _remove(staging)
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
    marker = _marker(directory)
    try:
        if marker is None or (directory / MANIFEST).stat().st_size > _READ_LIMIT:
            return False
        digest = hashlib.sha256((directory / MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return False
    if marker.get("manifest_sha256") != digest:
        return False
    if set(marker) == {"written_by", "manifest_sha256"}:  # written before the marker listed what synth wrote
        return True
    listed = [marker.get("files"), marker.get("dirs")]
    return set(marker) == {"written_by", "manifest_sha256", "files", "dirs"} and all(
        isinstance(paths, list) and all(isinstance(path, str) for path in paths) for paths in listed
    )


@dataclass(frozen=True)
class Written:
    """What synth wrote into an output: relative POSIX paths."""

    files: frozenset[str]
    dirs: frozenset[str]


def written(output: Path) -> Written:
    """What synth wrote into `output` (an earlier output, `is_output`), as its marker lists it.

    A marker without the list (written by an earlier version) counts only what manifest.json
    names: files synth wrote that it does not name are kept, as files of the user's would be.
    """
    marker = _marker(output) or {}
    if "files" in marker:
        files, dirs = set(marker["files"]), set(marker["dirs"])
    else:
        manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        stacks = manifest.get("stacks") if isinstance(manifest, dict) else None
        files, dirs = set(), set()
        for stack in stacks.values() if isinstance(stacks, dict) else ():
            for key in ("synthesizedStackPath", "stackMetadataPath"):
                if isinstance(stack, dict) and isinstance(stack.get(key), str):
                    files.add(posixpath.normpath(stack[key]))
    files |= {MANIFEST, MARKER}
    dirs |= {parent for path in files for parent in _parents(path)}
    return Written(frozenset(files), frozenset(dirs))


def _parents(path: str) -> list[str]:
    """'stacks/app/cdk.tf.json' -> ['stacks', 'stacks/app']."""
    parts = path.split("/")
    return [posixpath.join(*parts[:end]) for end in range(1, len(parts))]


def _marker(directory: Path) -> dict | None:
    """The content of MARKER in `directory` when this tool wrote it (a regular file of bounded size)."""
    try:
        info = os.lstat(directory / MARKER)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _READ_LIMIT:
            return None
        marker = json.loads((directory / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and marker.get("written_by") == WRITTEN_BY else None


def _write_marker(directory: Path, content: dict) -> None:
    """Write MARKER in `directory` whole or not at all (a kill leaves the earlier marker)."""
    temporary = directory / f"{MARKER}.new"
    temporary.write_text(json.dumps({"written_by": WRITTEN_BY, **content}) + "\n", encoding="utf-8")
    os.replace(temporary, directory / MARKER)


def _contents(root: Path) -> tuple[list[str], list[str]]:
    """The files (symlinks included) and the directories below `root`, as sorted relative POSIX paths."""
    files: list[str] = []
    dirs: list[str] = []

    def visit(relative: str) -> None:
        for entry in os.scandir(root / relative):
            path = posixpath.join(relative, entry.name)
            if entry.is_dir(follow_symlinks=False):
                dirs.append(path)
                visit(path)
            else:
                files.append(path)

    visit("")
    return sorted(files), sorted(dirs)


def leftover_path(outdir: Path, kind: str) -> Path:
    """Where a synth into `outdir` stages its new tree (`kind` "staging-") or, without rename-exchange,
    moves the old one aside ("retired-"): `.<name>.<kind><tag>`, the tag a digest of this tool's name
    and `<name>`, so no directory made for another reason has it by chance."""
    tag = hashlib.sha256(f"{WRITTEN_BY}\0{outdir.name}".encode()).hexdigest()[:32]
    return outdir.with_name(f".{outdir.name}.{kind}{tag}")


def _leftovers(outdir: Path) -> tuple[list[Path], list[Path]]:
    """The staging and retired directories of `outdir` that a killed run left: of exactly their name
    (`leftover_path`), holding a MARKER (a staging directory gets one before anything else, and a
    tree loses it last) or nothing. A directory that merely looks like one is left alone."""
    found = []
    for kind in (_STAGING, _RETIRED):
        entry = leftover_path(outdir, kind)
        ours = entry.is_dir() and not entry.is_symlink()
        found.append([entry] if ours and (_marker_file(entry) or not any(entry.iterdir())) else [])
    return found[0], found[1]


def _marker_file(directory: Path) -> bool:
    """True when `directory` holds a MARKER file, whole or cut short by a kill."""
    try:
        return stat.S_ISREG(os.lstat(directory / MARKER).st_mode)
    except OSError:
        return False


def recover(outdir: Path) -> None:
    """Undo what a killed run left (call it holding the lock, once `check_replaceable` passed):
    restore a retired output when `outdir` is missing; then carry into `outdir` what synth did not
    write that only a leftover output holds (so a file deleted from `outdir` since the killed run
    may come back: better than losing one), and delete the leftovers (`_leftovers`)."""
    if not os.path.lexists(outdir):
        for entry in _leftovers(outdir)[1]:
            if is_output(entry):
                os.rename(entry, outdir)
    staging, retired = _leftovers(outdir)
    into = is_output(outdir)
    for entry in staging + retired:
        if into and is_output(entry) and not _carry_late(entry, outdir, written(entry)):
            continue
        _remove(entry)


def _remove(tree: Path) -> None:
    """Delete `tree` as far as possible, its MARKER last (until then `recover` knows it)."""
    with contextlib.suppress(FileNotFoundError):
        for entry in list(os.scandir(tree)):
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
    with contextlib.suppress(OSError):
        os.unlink(tree / MARKER)
    with contextlib.suppress(OSError):
        os.rmdir(tree)


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
    """An empty staging directory beside `outdir` holding only a MARKER (of no output: no digest),
    mode 0777 less the umask (`write_output` then gives it the mode of the `outdir` it replaces)."""
    staging = leftover_path(outdir, _STAGING)
    os.mkdir(staging, 0o777)
    try:
        (staging / MARKER).write_text(json.dumps({"written_by": WRITTEN_BY}) + "\n", encoding="utf-8")
    except BaseException:
        _remove(staging)
        raise
    return staging


def _complete(staging: Path, outdir: Path, earlier: Written | None) -> list[Path]:
    """Make the built `staging` the new output: carry in what synth did not write in `outdir` (by
    `earlier`), then write the marker; the directories of `outdir/stacks` that are no stack of the
    new output but stay, as they hold such files.

    Under the cdktf CLI, which deletes those directories after the synth, that is a ConfigError, and
    every other such directory gets an empty one for the CLI to delete.
    """
    files, dirs = _contents(staging)
    files.remove(MARKER)
    stacks = {path.removeprefix("stacks/") for path in dirs if path.count("/") == 1 and path.startswith("stacks/")}
    dropped: list[str] = []
    if earlier is not None:
        _carry(outdir, staging, earlier)
        old = (outdir / "stacks").iterdir() if (outdir / "stacks").is_dir() else ()
        dropped = sorted(entry.name for entry in old if entry.is_dir() and not entry.is_symlink())
        dropped = [name for name in dropped if name not in stacks]
    kept = [name for name in dropped if os.path.lexists(staging / "stacks" / name)]
    if CDKTF_CLI_VARIABLE in os.environ:
        if kept:
            raise ConfigError(
                [
                    Problem(
                        "--out",
                        f"stacks/{name} is no stack of the config any more, but it holds files synth did not "
                        f"write ({_names(staging / 'stacks' / name)}), and the cdktf CLI deletes it after the "
                        "synth: move them away, or synthesize with `python main.py synth`, which keeps them",
                        str(outdir),
                    )
                    for name in kept
                ]
            )
        for name in dropped:
            (staging / "stacks" / name).mkdir()
            dirs.append(f"stacks/{name}")
    digest = hashlib.sha256((staging / MANIFEST).read_bytes()).hexdigest()
    _write_marker(staging, {"manifest_sha256": digest, "files": files, "dirs": sorted(dirs)})
    return [outdir / "stacks" / name for name in kept]


def _names(directory: Path) -> str:
    """The first names in `directory`, for a message."""
    names = sorted(entry.name for entry in directory.iterdir())
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")


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
        retired = leftover_path(outdir, _RETIRED)
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


def _carry(old: Path, new: Path, ours: Written, *, late: bool = False) -> None:
    """Link into `new`, at the same path, everything in `old` that synth did not write (`ours`).

    A directory synth wrote is entered, as is one `new` holds too; any other entry is linked
    whole. One whose path `new` already holds would be replaced by a file synth writes: ConfigError,
    unless `late` (after the swap, when `new` holds what was carried before).
    """
    clashes: list[str] = []

    def visit(relative: str) -> None:
        for entry in sorted(os.scandir(old / relative), key=lambda entry: entry.name):
            path, target = posixpath.join(relative, entry.name), new / relative / entry.name
            directory = entry.is_dir(follow_symlinks=False)
            if not directory and path in ours.files:
                continue
            exists = os.path.lexists(target)
            if directory and ((not exists and path in ours.dirs) or (target.is_dir() and not target.is_symlink())):
                visit(path)
            elif not exists:
                _make_parents(old, new, relative)
                _link_tree(Path(entry.path), target)
            elif not late:
                clashes.append(path)

    visit("")
    if clashes:
        raise ConfigError(
            [
                Problem("--out", f"{path} was not written by synth, which now writes it: move yours away", str(old))
                for path in clashes
            ]
        )


def _carry_late(old: Path, new: Path, ours: Written) -> bool:
    """`_carry` what `old`, an output replaced by `new`, holds and `new` does not (created after
    the carry before the swap); False, keeping `old` for the next run's `recover`, when that fails."""
    try:
        _carry(old, new, ours, late=True)
    except OSError:
        return False
    return True


def _make_parents(old: Path, new: Path, relative: str) -> None:
    """Create the directories of `relative` that `new` lacks, with the modes they have in `old`."""
    for path in _parents(f"{relative}/-") if relative else []:
        if not os.path.lexists(new / path):
            os.mkdir(new / path)
            shutil.copymode(old / path, new / path)


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
