"""The plan-review workflow users run as is: actionlint (with shellcheck) finds nothing."""

import json
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
    assert "!cancelled()" in steps["Upload the plans"]["if"], "plans made before a failing stack are kept"
    for step in ("Review", "terraform init, validate and plan every stack"):
        assert 'cat review.md >> "$GITHUB_STEP_SUMMARY"' in steps[step]["run"], "a cut comment links the summary"


SCRIPT = ROOT / ".github" / "scripts" / "post-review.js"
#: Runs the comment script against an in-memory pull request, as actions/github-script would.
HARNESS = """
const post = require(process.argv[1]);
const state = JSON.parse(process.argv[2]);
const calls = [];
const github = {
  paginate: async () => state.comments,
  rest: { issues: {
    listComments: () => {},
    createComment: async (args) => calls.push(["create", args]),
    updateComment: async (args) => calls.push(["update", args]),
  } },
};
const context = {
  repo: { owner: "acme", repo: "pipelines" }, issue: { number: 7 },
  serverUrl: "https://github.com", runId: 42,
};
post({ github, context, file: process.argv[3] }).then(() => console.log(JSON.stringify(calls)));
"""
MARKER = "<!-- feature-pipelines-plan-review -->"


def post_review(tmp_path, text: str, comments: list[dict]) -> list:
    """The GitHub calls the comment script makes for a review `text` and the existing comments."""
    node = shutil.which("node", path=str(ROOT / "node_modules" / ".bin")) or shutil.which("node")
    assert node, "node is installed by `make setup`"
    review = tmp_path / "review.md"
    review.write_text(text)
    result = subprocess.run(
        [node, "-e", HARNESS, str(SCRIPT), json.dumps({"comments": comments}), str(review)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_first_run_creates_the_comment_and_later_runs_update_it(tmp_path):
    ((action, args),) = post_review(tmp_path, "## Plan review\n", [])
    assert (action, args["issue_number"], args["body"]) == ("create", 7, f"{MARKER}\n## Plan review\n")
    human = {"id": 1, "user": {"type": "User"}, "body": f"{MARKER}\nquoted by a person"}
    ours = {"id": 2, "user": {"type": "Bot"}, "body": f"{MARKER}\nthe last run's review"}
    ((action, args),) = post_review(tmp_path, "new\n", [human, ours])
    assert (action, args["comment_id"], args["body"]) == ("update", 2, f"{MARKER}\nnew\n")
    ((action, _),) = post_review(tmp_path, "new\n", [human])
    assert action == "create", "a person's comment is never overwritten"


def test_a_long_review_is_cut_below_githubs_limit_and_points_to_the_full_one(tmp_path):
    ((_, args),) = post_review(tmp_path, "x" * 70_000, [])
    assert len(args["body"]) <= 65_536
    assert args["body"].endswith(
        "(cut: the full review is in the [run's job summary](https://github.com/acme/pipelines/actions/runs/42))\n"
    )


def test_make_synth_installs_what_synth_needs_and_not_checkov(tmp_path):
    """The workflow runs `make synth` in two checkouts: checkov's virtualenv (minutes) is for `make scan`."""
    missing = tmp_path / "no-checkov-venv"
    dry = {
        target: subprocess.run(
            ["make", "-n", target, f"CHECKOV_VENV={missing}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        for target in ("synth", "cdktf-synth", "scan")
    }
    assert str(missing) not in dry["synth"] + dry["cdktf-synth"]
    assert f"-m venv {missing}" in dry["scan"]
