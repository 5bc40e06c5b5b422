"""The plan-review workflow users run as is: actionlint (with shellcheck) finds nothing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "terraform-plan.yml"
BIN = Path(sys.executable).parent


def test_actionlint_and_shellcheck_pass():
    assert (BIN / "actionlint").is_file() and (BIN / "shellcheck").is_file(), "run `make setup`"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", str(WORKFLOW.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_workflow_does_what_the_readme_says():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert list(workflow[True]) == ["pull_request"], "`on:` parses as True in YAML 1.1"
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["review"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write", "id-token": "write"}
    steps = {step.get("name", step.get("uses")): step for step in job["steps"]}
    assert "main.py review --base base/cdktf.out --head head/cdktf.out" in steps["Review"]["run"]
    plan = steps["terraform init, validate and plan every stack"]["run"]
    for command in ("init -input=false", "validate", "plan -input=false", "show -json tfplan", "--plan "):
        assert command in plan
    assert steps["AWS credentials (OIDC)"]["with"]["role-to-assume"] == "${{ vars.AWS_PLAN_ROLE_ARN }}"
    assert steps["Upload the plans"]["uses"].startswith("actions/upload-artifact@")


def test_comment_script_is_valid_javascript():
    node = shutil.which("node", path=str(ROOT / "node_modules" / ".bin")) or shutil.which("node")
    assert node, "node is installed by `make setup`"
    script = ROOT / ".github" / "scripts" / "post-review.js"
    result = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
