"""Run checkov over synthesized stacks, offline, with the skips listed in checkov-skips.yaml.

checkov lives in its own virtualenv (.venv-checkov, `make setup`): its dependencies conflict
with the runtime pins. `python -m modules.policy.checkov [OUTDIR]` scans every `*.tf.json`
below OUTDIR (default cdktf.out) and exits 1 on any failed check or parsing error.

checkov 3.3.30 crashes on a `terraform.required_version` in a cdk.tf.json (checkov issue
#7454, open) and then reports "0 failed" with a parsing error: the scan therefore runs on
copies without that one setting, and a parsing error is a failure, never a pass.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
SKIPS_FILE = ROOT / "checkov-skips.yaml"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
CHECK_ID = re.compile(r"CKV2?_[A-Z0-9]+_\d+")


@dataclass(frozen=True)
class Check:
    """One check result: check id, resource, and the scanned file relative to the scanned directory."""

    check_id: str
    resource: str
    file: str


@dataclass(frozen=True)
class ScanResult:
    passed: tuple[Check, ...]
    failed: tuple[Check, ...]
    skipped: tuple[Check, ...]
    parsing_errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.parsing_errors and bool(self.passed)


def load_skips(path: Path = SKIPS_FILE) -> dict[str, str]:
    """check id -> reason; ValueError for a malformed id or an empty reason."""
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of check id -> reason")
    for check_id, reason in data.items():
        if not CHECK_ID.fullmatch(str(check_id)):
            raise ValueError(f"{path}: {check_id!r} is not a checkov check id")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: {check_id} needs a written reason")
    return data


def stack_files(outdir: Path) -> list[Path]:
    """Every Terraform JSON file below `outdir` (stacks and exported modules)."""
    return sorted(outdir.rglob("*.tf.json"))


def prepare(outdir: Path, into: Path) -> None:
    """Copy the Terraform JSON of `outdir` into `into`, dropping terraform.required_version (#7454)."""
    for file in stack_files(outdir):
        data = json.loads(file.read_text())
        data.get("terraform", {}).pop("required_version", None)
        target = into / file.relative_to(outdir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=2))


def run_checkov(directory: Path, skips: Sequence[str], checkov: Path = CHECKOV) -> ScanResult:
    """checkov --framework terraform_json over `directory` as it is, parsed from its JSON report.

    Every check runs; failures of a check listed in `skips` are reported as skipped (checkov's
    own --skip-check would hide them, and with them a skip that is no longer needed).
    """
    if not checkov.exists():
        raise FileNotFoundError(f"{checkov} is missing: run `make setup`")
    command = [str(checkov), "--skip-download", "--framework", "terraform_json", "-d", str(directory), "-o", "json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"checkov exited {done.returncode}: {done.stderr[-2000:]}")
    reports = json.loads(done.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    results: dict[str, list[Check]] = {"passed_checks": [], "failed_checks": [], "skipped_checks": []}
    errors: list[str] = []
    for report in reports:
        found = report.get("results", {})
        for kind, checks in results.items():
            checks += [Check(c["check_id"], c["resource"], c["file_path"].lstrip("/")) for c in found.get(kind, [])]
        errors += found.get("parsing_errors", [])
    failed = results["failed_checks"]
    return ScanResult(
        passed=tuple(results["passed_checks"]),
        failed=tuple(c for c in failed if c.check_id not in skips),
        skipped=tuple(results["skipped_checks"] + [c for c in failed if c.check_id in skips]),
        parsing_errors=tuple(errors),
    )


def scan(outdir: Path, skips: Sequence[str] = (), checkov: Path = CHECKOV) -> ScanResult:
    """Scan prepared copies of every stack below `outdir`."""
    if not stack_files(outdir):
        raise FileNotFoundError(f"no *.tf.json below {outdir}: synthesize first")
    with tempfile.TemporaryDirectory(prefix="checkov.") as scratch:
        prepare(outdir, Path(scratch))
        return run_checkov(Path(scratch), skips, checkov)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    outdir = Path(args[0] if args else "cdktf.out")
    skips = load_skips()
    result = scan(outdir, list(skips))
    for check in result.failed:
        print(f"FAILED {check.check_id} {check.file} {check.resource}")
    for error in result.parsing_errors:
        print(f"PARSING ERROR {error}")
    for check_id in sorted({c.check_id for c in result.skipped}):
        print(f"skipped {check_id}: {' '.join(skips[check_id].split())}")
    print(
        f"checkov: {len(result.passed)} passed, {len(result.failed)} failed, {len(result.skipped)} skipped, "
        f"{len(result.parsing_errors)} parsing errors ({len(stack_files(outdir))} files below {outdir})"
    )
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
