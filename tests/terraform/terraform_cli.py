"""The real Terraform CLI for tests: its CLI config (provider mirror, shared plugin cache) and its runs.

`TF_PROVIDER_MIRROR` names a filesystem mirror root (the directory holding `registry.terraform.io/`):
Terraform then installs hashicorp/aws from it and from nowhere else, offline. Unset, Terraform installs
providers the ordinary way, from the registry.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIRROR_VARIABLE = "TF_PROVIDER_MIRROR"
REGISTRY_HOST = "registry.terraform.io"
AWS_PROVIDER = f"{REGISTRY_HOST}/hashicorp/aws"


def cli_config(mirror: Path | None, plugin_cache: Path) -> str:
    """Terraform CLI config: one shared plugin cache and, given a mirror, hashicorp/aws from it only."""
    lines = [
        f"plugin_cache_dir = {json.dumps(str(plugin_cache))}",
        # Without a lock file to compare against, Terraform would skip the cache on every init.
        "plugin_cache_may_break_dependency_lock_file = true",
    ]
    if mirror is not None:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f"    path    = {json.dumps(str(mirror))}",
            f"    include = [{json.dumps(AWS_PROVIDER)}]",
            "  }",
            "  direct {",
            f"    exclude = [{json.dumps(REGISTRY_HOST + '/*/*')}]",
            "  }",
            "}",
        ]
    return "\n".join(lines) + "\n"


def mirror_problem(mirror: Path) -> str | None:
    """Why `mirror` is not a provider mirror root holding hashicorp/aws, or None when it is."""
    if not (mirror / AWS_PROVIDER).is_dir():
        return f"{MIRROR_VARIABLE}={mirror} holds no {AWS_PROVIDER}/ (it must name the mirror root)"
    return None


def registry_reachable(timeout: float = 3.0) -> bool:
    """Whether a TCP connection to the Terraform registry opens."""
    try:
        with socket.create_connection((REGISTRY_HOST, 443), timeout=timeout):
            return True
    except OSError:
        return False


def unavailable_reason(environ: dict[str, str]) -> str | None:
    """Why real Terraform cannot run these tests here, or None when it can."""
    if shutil.which("terraform", path=environ.get("PATH")) is None:
        return "the terraform CLI is not on PATH"
    mirror = environ.get(MIRROR_VARIABLE)
    if mirror:
        return mirror_problem(Path(mirror))
    if not registry_reachable():
        return f"{MIRROR_VARIABLE} is unset and {REGISTRY_HOST} is unreachable: set it to a provider mirror root"
    return None


class TerraformError(AssertionError):
    """A terraform command exited with a code its caller did not expect."""


#: For Terraform and the provider plugins it starts (Go), in every tier: no garbage collection until a process's
#: heap nears the limit. Each provider start builds the whole AWS schema, mostly garbage soon after; with the
#: collector off a `validate` costs about a third less CPU (peak RSS about 590 MB instead of 320 MB). The
#: environment's own GOGC / GOMEMLIMIT win.
GO_RUNTIME = {"GOGC": "off", "GOMEMLIMIT": "768MiB"}


@dataclass(frozen=True)
class Terraform:
    """Runs `terraform` with its own CLI config file; every run non-interactive."""

    env: dict[str, str]

    @classmethod
    def configured(cls, home: Path, environ: dict[str, str]) -> Terraform:
        """A Terraform whose CLI config (written into `home`) uses the mirror `environ` names, if any.

        Its plugin cache is `environ`'s TF_PLUGIN_CACHE_DIR when set (.ci/run shares one between the
        `make test`, `make slow` and `make e2e` sessions: the provider is installed once), else `home`'s own.
        """
        mirror = environ.get(MIRROR_VARIABLE)
        plugin_cache = Path(environ.get("TF_PLUGIN_CACHE_DIR") or home / "plugin-cache")
        plugin_cache.mkdir(parents=True, exist_ok=True)
        config = home / "terraform.rc"
        config.write_text(cli_config(Path(mirror) if mirror else None, plugin_cache))
        env = {
            **GO_RUNTIME,
            **environ,
            "TF_CLI_CONFIG_FILE": str(config),
            # The same cache for the cdktf CLI, which otherwise creates and fills ~/.terraform.d/plugin-cache.
            "TF_PLUGIN_CACHE_DIR": str(plugin_cache),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        }
        return cls(env=env)

    def run(
        self, cwd: Path, *args: str, expect: tuple[int, ...] = (0,), timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        """`terraform <args>` in `cwd`; TerraformError (with its output) on an exit code not in `expect`."""
        done = subprocess.run(
            ["terraform", *args], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode not in expect:
            output = f"{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
            raise TerraformError(f"terraform {' '.join(args)} in {cwd} exited {done.returncode}\n{output}")
        return done

    def init(self, cwd: Path, *, backend: bool = True) -> None:
        self.run(cwd, "init", "-input=false", "-no-color", f"-backend={str(backend).lower()}")

    def validate(self, cwd: Path) -> dict[str, Any]:
        """`terraform validate -json`, parsed (whatever its exit code)."""
        return json.loads(self.run(cwd, "validate", "-json", "-no-color", expect=(0, 1)).stdout)


def diagnostics(result: dict[str, Any]) -> list[str]:
    """One line per diagnostic of a `validate -json` result: severity, summary, where, detail."""
    lines = []
    for item in result.get("diagnostics", []):
        where = item.get("range", {})
        place = f"{where.get('filename', '?')}:{where.get('start', {}).get('line', '?')}" if where else ""
        lines.append(f"{item['severity']}: {item['summary']} {place} {item.get('detail', '')}".strip())
    return lines


def environment() -> dict[str, str]:
    """This process's environment, as a plain dict."""
    return dict(os.environ)


def validated(terraform: Terraform, workdir: Path) -> list[str]:
    """Init (no backend) and validate `workdir`: every diagnostic, and an error line unless valid."""
    terraform.init(workdir, backend=False)
    result = terraform.validate(workdir)
    problems = diagnostics(result)
    if not result["valid"]:
        problems.append("error: terraform validate: the configuration is not valid")
    return problems


#: What Terraform says of a backend block in a module it calls as a child: the harness's artefact
#: (`validated_together` calls each stack, unedited, from one root), not a problem of the stack.
IGNORED_BACKEND = "Backend configuration ignored"
#: Where that warning points: `terraform.backend` in a JSON stack, the `terraform` block in HCL.
BACKEND_CONTEXTS = ("terraform.backend", "terraform")


def validated_together(
    terraform: Terraform, root: Path, children: dict[str, Path], *, initialized: bool = False
) -> dict[str, list[str]]:
    """Init (no backend) and validate `root`, which calls each of `children` (by module name) as a child
    module (tests/terraform/stacks.py `calling_root`): one process, one load of the provider's schema.

    Each child's diagnostics, attributed by the file they name (those naming no child's file go to every
    child); when the whole is not valid and no error names a child's file, an error line for every child.
    A backend block's "ignored" warning is left out once per child, where its stack writes a backend
    (it names `terraform.backend`, or in HCL the `terraform` block). `initialized`: `root` was initialized
    already (no backend).
    """
    if not initialized:
        terraform.init(root, backend=False)
    result = terraform.validate(root)
    places = {name: os.path.relpath(child, root) + os.sep for name, child in children.items()}
    problems: dict[str, list[str]] = {name: [] for name in children}
    backends: dict[str, int] = dict.fromkeys(children, 0)
    for item in result.get("diagnostics", []):
        filename = item.get("range", {}).get("filename", "")
        owners = [name for name, place in places.items() if filename.startswith(place)] or list(children)
        (line,) = diagnostics({"diagnostics": [item]})
        for owner in owners:
            snippet = item.get("snippet", {}).get("context")
            if item["summary"] == IGNORED_BACKEND and snippet in BACKEND_CONTEXTS and len(owners) == 1:
                backends[owner] += 1
                if backends[owner] == 1:
                    continue
            problems[owner].append(line)
    if not result["valid"] and not any(line.startswith("error") for lines in problems.values() for line in lines):
        for lines in problems.values():
            lines.append("error: terraform validate: the configuration is not valid")
    return problems
