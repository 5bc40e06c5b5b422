"""`npx cdktf deploy`, `npx cdktf diff` and `npx cdktf destroy` of the default example, on moto.

The cdktf CLI runs our app (`cdktf.json`: `python3 main.py`) and then the same Terraform. `cdktf synth`
runs first and the moto override file goes into the stack directory, as a user adds one; `deploy`
synthesizes again (and synth keeps the file); `diff` and `destroy` run on that synth (`--skip-synth`:
synthesizing the same config again would prove nothing new). With a provider mirror
(TF_PROVIDER_MIRROR), `--skip-provider-lock`: cdktf's `terraform providers lock` asks the registry,
not the mirror. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT, to_yaml
from tests.terraform.conftest import skip_or_fail
from tests.terraform.moto import MotoServer, point_at_moto, rebind, require_moto, seed_spec
from tests.terraform.terraform_cli import MIRROR_VARIABLE, Terraform

pytestmark = pytest.mark.e2e

STACK = "feature-pipelines"


def project(directory: Path, config: str) -> Path:
    """A cdktf project: this repository's cdktf.json, its app run with this Python on the project's own
    pipelines.yaml (`config`; bare main.py reads the repository's), package.json and node_modules
    (what `npx cdktf` resolves)."""
    settings = json.loads((ROOT / "cdktf.json").read_text())
    settings["app"] = f"{sys.executable} {ROOT / 'main.py'} synth --config pipelines.yaml"
    (directory / "cdktf.json").write_text(json.dumps(settings, indent=2))
    (directory / "pipelines.yaml").write_text(config)
    for name in ("package.json", "node_modules"):
        (directory / name).symlink_to(ROOT / name)
    return directory


def npx_cdktf(directory: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["npx", "cdktf", *args], cwd=directory, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, (
        f"npx cdktf {' '.join(args)} exited {done.returncode}\n{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
    )
    return done


def test_cdktf_deploy_diff_and_destroy_a_stack(terraform: Terraform, tmp_path: Path):
    require_moto()
    if not (ROOT / "node_modules" / ".bin" / "cdktf").exists():
        skip_or_fail("no node_modules/.bin/cdktf: run `make setup`")
    server = MotoServer(tmp_path / "moto.log")
    try:
        data = yaml.safe_load((ROOT / "pipelines.yaml").read_text())
        directory = project(tmp_path, to_yaml(rebind(data, server.seed(seed_spec(data)))))
        env = {
            **terraform.env,
            "PATH": os.pathsep.join(
                [str(ROOT / ".venv" / "bin"), str(ROOT / "node_modules" / ".bin"), os.environ["PATH"]]
            ),
            "CI": "true",
        }
        stack_dir = directory / "cdktf.out" / "stacks" / STACK
        npx_cdktf(directory, env, "synth")
        point_at_moto(stack_dir, server.endpoint)
        lock = ["--skip-provider-lock"] if env.get(MIRROR_VARIABLE) else []

        npx_cdktf(directory, env, "deploy", STACK, "--auto-approve", *lock)
        assert (stack_dir / "moto_override.tf.json").is_file(), "deploy's synth kept the override file"
        deployed = terraform.run(stack_dir, "state", "list").stdout.split()
        assert "aws_ecs_service.news-encoder_control" in deployed, deployed

        diff = npx_cdktf(directory, env, "diff", STACK, "--skip-synth", *lock)
        assert "No changes." in diff.stdout, diff.stdout[-6000:]

        npx_cdktf(directory, env, "destroy", STACK, "--auto-approve", "--skip-synth", *lock)
        assert terraform.run(stack_dir, "state", "list").stdout.split() == []
    finally:
        server.stop()
