"""Command line: `python main.py [COMMAND] ...`; with no command, synth the default config."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import select
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path

from .commands import adopt_plan, cost, drift, experiment, init, module, promote, review, schema, synth, validate
from .commands.common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from .config import ConfigError
from .lib.wording import plural
from .output_dir import OutputError, request_stop

#: Every command, in --help order. A command is a module: NAME, HELP, add_arguments, run, and
#: READ_ONLY = True when it never writes (its errors then do not say "nothing was written").
COMMANDS = (synth, validate, module, cost, review, drift, adopt_plan, experiment, promote, schema, init)
DISTRIBUTION = "streaming-feature-pipelines"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def version() -> str:
    """The installed package's version, else (a clone, as the project runs) the one pyproject.toml declares."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        found = re.search(r'^version\s*=\s*"([^"]+)"', PYPROJECT.read_text(), re.MULTILINE)
        if found is None:
            raise LookupError(f"{PYPROJECT} declares no version") from None
        return found.group(1)


class _VersionAction(argparse.Action):
    """`--version`: read only when asked (a copy of the app without pyproject.toml still runs)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)  # type: ignore[arg-type]

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        try:
            print(f"{DISTRIBUTION} {version()}")
        except (LookupError, OSError) as err:
            parser.exit(EXIT_FAILED, f"error: python main.py --version: {_one_line(err)}\n")
        parser.exit(EXIT_OK)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description=(
            "Streaming ML feature pipelines on ECS Fargate: validate pipelines.yaml and "
            "synthesize Terraform JSON. With no command, synthesizes ./pipelines.yaml, or the file "
            "$PIPELINES_CONFIG names (that is what `cdktf synth` runs)."
        ),
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_arguments(subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP))
    return parser


def _report(error: ConfigError, source: object, *, read_only: bool) -> int:
    """One header line (whether anything could have been written), then one line per problem."""
    written = "" if read_only else "; nothing was written"
    print(f"error: {source}: {plural(len(error.problems), 'problem')}{written}", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT


#: What interrupting signals exit with: 128 + the signal's number, as shells report it.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _stop_signals(*, quiet: bool) -> Iterator[list[int]]:
    """SIGINT and SIGTERM raise KeyboardInterrupt once (so clean-ups run); the list gets the signal.

    `quiet` (a script's own process): stderr is closed from then on. What follows is noise, such as
    jsii's finalizers reporting a kernel that the signal stopped mid-start ("Exception ignored ...").
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def stop(signum: int, _frame: object) -> None:
        if not received:  # a second signal must not interrupt the clean-up of the first
            received.append(signum)
            if quiet:
                sys.stderr.flush()
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())
            request_stop()  # should this exception be lost (raised in a finalizer), the swap still stops
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    request_stop(False)
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        request_stop(False)


def main(argv: Sequence[str] | None = None, *, script: bool = False) -> int:
    """Run one command; its exit status: 0 done, 2 bad input, 1 environment (disk, permissions), 128+N signal N.

    `script`: the process is this command's own (`python main.py`), so a signal may close stderr.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["synth"])
    command = next(c for c in COMMANDS if args.command == c.NAME)
    with _stop_signals(quiet=script) as received:
        try:
            code = command.run(args)
            return 128 + received[0] if received else code
        except ConfigError as error:
            source = getattr(args, "config", None) or f"python main.py {args.command}"
            return _report(error, source, read_only=getattr(command, "READ_ONLY", False))
        except KeyboardInterrupt:  # quietly, as a shell command stopped by Ctrl-C
            return 128 + (received[0] if received else signal.SIGINT)
        except Exception as error:
            if received:  # the kernel, in the same process group, stopped first: the signal is the cause
                return 128 + received[0]
            if isinstance(error, BrokenPipeError) and _stdout_gone():  # `... | head`: stop quietly
                return EXIT_FAILED
            if isinstance(error, (OutputError, OSError)):
                print(f"error: python main.py {args.command}: {_one_line(error)}", file=sys.stderr)
                return EXIT_FAILED
            raise


def run_as_script() -> int:
    """`main()` for `python main.py`: after an interrupt or an environment error is reported, what
    the interpreter's exit prints is noise (jsii stopping a kernel that a signal or a failed start
    already ended: "Exception ignored ... BrokenPipeError"), so stderr is closed to it."""
    code = main(script=True)
    if code == EXIT_FAILED or code > 128:
        sys.stderr.flush()
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stderr.fileno())
    return code


def _stdout_gone() -> bool:
    """True when stdout is a pipe whose reader closed; it then points at /dev/null, so the exit flush is quiet."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return False
    poller = select.poll()
    poller.register(descriptor, 0)
    if not any(events & select.POLLERR for _, events in poller.poll(0)):
        return False
    os.dup2(os.open(os.devnull, os.O_WRONLY), descriptor)
    return True


def _one_line(error: Exception) -> str:
    """An OSError as `<what>: <file>`; anything else as its text, on one line."""
    if isinstance(error, OSError) and error.strerror:
        text = f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    else:
        text = str(error)
    return " ".join(text.split())
