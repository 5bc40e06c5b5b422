"""What can differ between CDK runtimes (CDK for Terraform, CDK Terrain): the bytes the seam produces.

Every case is one command of `main.py` run in this process on the installed runtime: `synth` of
`pipelines.yaml`, of every `examples/*.yaml` (environments: one stack each), of every hostile corpus
file that synthesizes and of the test configs of every option, autoscaling signal and backend, and
`module` (the exported module) of every deployment of those configs. A case's output is every file it
wrote, by path.

    python -m tests.runtime.parity record DIR

writes every case's output into DIR (what `.ci/run` does on cdktf, `make parity-record`);
tests/runtime/test_parity.py (`make parity`, on cdktn) synthesizes the same cases on its runtime and
compares them with DIR: byte for byte, but for JSON whitespace and the runtime's own version (`comparable`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from modules.config import load_file, load_text
from modules.output_dir import MANIFEST, MARKER
from tests.helpers import LITERAL, ROOT, run, to_yaml

#: Which runtime recorded a reference directory, and the digest of each case's output.
INDEX = "parity.json"


@dataclass(frozen=True)
class Case:
    """One command whose output is compared: `synth` or `module` (of one environment) of a config file,
    or of a test config (`text`, written to a file named `source` first)."""

    command: str
    source: str
    text: str | None = None
    environment: str | None = None

    @property
    def name(self) -> str:
        return f"{self.command} {self.source}" + (f" --environment {self.environment}" if self.environment else "")

    @property
    def directory(self) -> str:
        """The case's directory name inside a reference directory."""
        return self.name.replace("/", "_").replace(":", "_").replace(" --environment ", "@").replace(" ", "_")

    def produce(self, out: Path) -> dict[str, bytes]:
        """Run the case into `out` (which must not exist) on this process's runtime; every file, by path.

        It runs in `out` and writes `out/output`, named the same every run: the exported module's README
        names `--out` as seen from where the export ran."""
        config = ROOT / self.source
        if self.text is not None:  # the exported module's README names the file: the same name every run
            config = out.parent / f"{out.name}-config" / f"{self.source.rsplit(':', 1)[-1]}.yaml"
            config.parent.mkdir(parents=True)
            config.write_text(self.text)
        out.mkdir(parents=True)
        args = [self.command, "--config", str(config), "--out", "output"]
        if self.environment:
            args += ["--environment", self.environment]
        result = run(*args, cwd=out)
        if result.returncode != 0:
            raise AssertionError(f"{self.name} exited {result.returncode}:\n{result.stderr}")
        return files_of(out / "output")


def configs() -> dict[str, str | None]:
    """Every config compared, by name: the default, the examples and the hostile files that synthesize (their
    text None: read from the file), and the test configs of every option, autoscaling signal and backend
    (tests/test_terraform_accepts.py)."""
    from tests.test_terraform_accepts import variations

    files = [ROOT / "pipelines.yaml", *sorted((ROOT / "examples").glob("*.yaml")), *LITERAL]
    found: dict[str, str | None] = {path.relative_to(ROOT).as_posix(): None for path in files}
    found |= {f"test-config:{name}": to_yaml(data) for name, data in variations() if name != "default"}
    return found


def cases() -> list[Case]:
    found = []
    for source, text in configs().items():
        found.append(Case("synth", source, text))
        deployments = load_text(text) if text is not None else load_file(ROOT / source)
        found += [Case("module", source, text, deployment.environment) for deployment in deployments]
    return found


#: What stands for the runtime's own version, the one thing the runtimes write differently on purpose.
RUNTIME_VERSION = "<runtime version>"


def comparable(files: dict[str, bytes], version: str) -> dict[str, bytes]:
    """A case's output with what differs between runtimes by design normalized; everything else as written.

    The runtimes' JSON writers differ in whitespace (cdktf writes an empty list over two lines, cdktn as
    `[]`) and each writes its own version (`//.metadata.version` of a stack, `version` of manifest.json).
    So every JSON file is compared as its parsed value, keys in their written order, with that version
    replaced when, and only when, it is the runtime's; the synth marker's digest is checked against the
    output's own manifest.json. Every other file (the exported module's HCL, its README) byte for byte.
    """
    shown = dict(files)
    for name, data in files.items():
        if not name.endswith(".json"):
            continue
        value = json.loads(data)
        if name.endswith("cdk.tf.json") and value.get("//", {}).get("metadata", {}).get("version") == version:
            value["//"]["metadata"]["version"] = RUNTIME_VERSION
        elif name == MANIFEST and value.get("version") == version:
            value["version"] = RUNTIME_VERSION
        elif name == MARKER and value.get("manifest_sha256") == hashlib.sha256(files.get(MANIFEST, b"")).hexdigest():
            value["manifest_sha256"] = "<that of its manifest.json>"
        shown[name] = json.dumps(value, indent=2, ensure_ascii=False).encode()
    return shown


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def digest(files: dict[str, bytes]) -> str:
    total = hashlib.sha256()
    for name, data in sorted(files.items()):
        total.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return total.hexdigest()


def installed() -> tuple[str, str]:
    """The installed runtime's name and the version of its core package."""
    from modules.runtime.imports import installed_runtime

    runtime = installed_runtime()
    return runtime.name, importlib.metadata.version(runtime.core)


def record(directory: Path, selected: list[Case] | None = None) -> dict[str, str]:
    """Every case's output (or the `selected` ones') on this runtime, written into `directory` (replaced);
    the digests by case."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    digests = {}
    with tempfile.TemporaryDirectory(prefix="parity-") as scratch:
        for index, case in enumerate(cases() if selected is None else selected):
            out = Path(scratch) / str(index)
            files = case.produce(out)
            shutil.copytree(out / "output", directory / case.directory)
            digests[case.name] = digest(files)
    name, version = installed()
    index = {"runtime": name, "version": version, "cases": digests}
    (directory / INDEX).write_text(json.dumps(index, indent=2) + "\n")
    return digests


def recorded(directory: Path, case: Case) -> dict[str, bytes]:
    """A case's output as `record` wrote it into `directory`."""
    return files_of(directory / case.directory)


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> Iterator[str]:
    """One line per file missing, extra or different (with the first differing line)."""
    for name in sorted(expected.keys() - actual.keys()):
        yield f"missing: {name}"
    for name in sorted(actual.keys() - expected.keys()):
        yield f"extra: {name}"
    for name in sorted(expected.keys() & actual.keys()):
        if expected[name] != actual[name]:
            before = [*expected[name].decode(errors="replace").splitlines(), "<end>"]
            after = [*actual[name].decode(errors="replace").splitlines(), "<end>"]
            line = next(i for i, (old, new) in enumerate(zip(before, after, strict=False)) if old != new)
            yield f"differs: {name} line {line + 1}: expected {before[line][:200]!r}, got {after[line][:200]!r}"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "record":
        print("usage: python -m tests.runtime.parity record DIR", file=sys.stderr)
        return 2
    digests = record(Path(argv[1]))
    print(f"parity reference ({' '.join(installed())}): {len(digests)} cases in {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
