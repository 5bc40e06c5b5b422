"""The plan-review workflow users run as is: actionlint (with shellcheck) finds nothing."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT
from tests.review.synthesized import output, rename_treatment

WORKFLOW = ROOT / ".github" / "workflows" / "terraform-plan.yml"
PROVIDER_CACHE = ROOT / ".github" / "workflows" / "provider-cache.yml"
REVIEW_SCRIPT = ROOT / ".github" / "scripts" / "review.sh"
HCL_DIFF_SCRIPT = ROOT / ".github" / "scripts" / "hcl-diff.sh"
DRIFT = ROOT / ".github" / "workflows" / "drift.yml"
DRIFT_SCRIPT = ROOT / ".github" / "scripts" / "drift.sh"
BIN = Path(sys.executable).parent


def test_actionlint_and_shellcheck_pass():
    assert (BIN / "actionlint").is_file() and (BIN / "shellcheck").is_file(), "run `make setup`"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    workflows = sorted(str(path.relative_to(ROOT)) for path in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert len(workflows) == 3
    result = subprocess.run(
        [str(BIN / "actionlint"), "-no-color", *workflows],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    for path in (REVIEW_SCRIPT, HCL_DIFF_SCRIPT, DRIFT_SCRIPT):
        script = subprocess.run([str(BIN / "shellcheck"), str(path)], capture_output=True, text=True)
        assert (script.returncode, script.stdout) == (0, ""), path.name


def steps_of(job: dict) -> dict:
    return {step.get("name", step.get("uses")): step for step in job["steps"]}


def test_pull_request_code_never_runs_where_a_credential_or_write_token_is():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert list(workflow[True]) == ["pull_request"], "`on:` parses as True in YAML 1.1"
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert list(jobs) == ["base", "synthesize", "comment", "stacks", "plan", "plan-review"]
    for name in ("base", "synthesize", "stacks"):
        assert jobs[name]["permissions"] == {"contents": "read"}
        assert "secrets." not in json.dumps(jobs[name])
    for name in ("base", "comment", "stacks", "plan", "plan-review"):
        checkouts = [step for step in jobs[name]["steps"] if step.get("uses", "").startswith("actions/checkout@")]
        assert [step["with"]["ref"] for step in checkouts] == ["${{ github.event.pull_request.base.sha }}"], name
        assert not re.search(r"(?<![\w/])head/", json.dumps(jobs[name])), (
            f"{name}: nothing of the pull request's checkout"
        )
    for name in ("comment", "stacks", "plan", "plan-review"):
        assert "make synth" not in json.dumps(jobs[name])
    assert jobs["comment"]["permissions"] == {"contents": "read", "pull-requests": "write", "security-events": "write"}
    assert jobs["plan"]["permissions"] == {"contents": "read", "id-token": "write"}, "credentials, no write token"
    assert jobs["plan-review"]["permissions"] == jobs["comment"]["permissions"], "a write token, no credentials"
    assert "github.event.pull_request.head.repo.full_name == github.repository" in jobs["stacks"]["if"]
    assert jobs["plan"]["needs"][-1] == jobs["plan-review"]["needs"][-2] == "stacks"


def test_the_base_output_is_built_by_base_code_alone_and_read_by_artifact_id_into_its_own_directory():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    base = steps_of(jobs["base"])
    synth = base["Install and synthesize the base branch"]
    assert synth["working-directory"] == "base"
    assert synth["run"].splitlines()[:2] == [
        "if [ -f Makefile ] && [ -f pipelines.yaml ]; then",
        "  make synth OUT=cdktf.out",
    ], "a base branch without pipelines.yaml yet (a first pull request) has no base output"
    assert base["Keep the base output"]["with"]["if-no-files-found"] == "ignore"
    assert not any("actions/cache" in step.get("uses", "") for step in jobs["base"]["steps"]), (
        "a pull request's runs may fill their own cache scope, which a restore reads first"
    )
    assert base["Keep the base output"]["with"]["path"] == "base/cdktf.out/"
    assert jobs["synthesize"]["steps"][0]["with"] == {"path": "head", "persist-credentials": False}
    for name in ("comment", "stacks", "plan-review"):
        assert jobs[name]["needs"][:2] == ["base", "synthesize"]
        downloads = [step for step in jobs[name]["steps"] if step.get("uses", "").startswith("actions/download-")]
        downloads = [step for step in downloads if "artifact-ids" in step["with"]]
        assert [(step["with"]["artifact-ids"], step["with"]["path"]) for step in downloads] == [
            ("${{ needs.base.outputs.artifact-id }}", "artifacts/base"),
            ("${{ needs.synthesize.outputs.artifact-id }}", "artifacts/head"),
        ], "by id (an artifact replaced under the same name is not read), each into its own directory"
        assert "trusted" not in json.dumps(downloads)
        assert downloads[0]["if"] == "needs.base.outputs.artifact-id != ''", "an empty id downloads every artifact"
    assert jobs["base"]["outputs"]["artifact-id"] == "${{ steps.upload.outputs.artifact-id }}"
    assert jobs["synthesize"]["outputs"]["artifact-id"] == "${{ steps.upload.outputs.artifact-id }}"


#: `uses: owner/repo[/path]@<40 hex> # v<major>.<minor>.<patch>`
PINNED = re.compile(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v[0-9]+\.[0-9]+\.[0-9]+")


@pytest.mark.parametrize("workflow", [WORKFLOW, PROVIDER_CACHE, DRIFT], ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(workflow):
    uses = [line.strip().removeprefix("- ") for line in workflow.read_text().splitlines() if "uses:" in line]
    assert uses and [line for line in uses if not PINNED.fullmatch(line)] == []
    releases: dict[str, set[str]] = {}
    for line in uses:
        action, commit = line.removeprefix("uses: ").split(" # ")[0].split("@")
        releases.setdefault(action.split("/")[0] + "/" + action.split("/")[1], set()).add(commit)
    assert all(len(commits) == 1 for commits in releases.values()), releases


def test_only_changed_stacks_are_planned_each_in_its_own_job_then_reviewed_in_one_comment():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    digest = steps_of(jobs["stacks"])["The stacks whose synthesized output changed"]
    assert 'python -m modules.review.digest "${base[@]}" --head artifacts/head' in digest["run"]
    assert jobs["stacks"]["outputs"]["changed"] == "${{ steps.digest.outputs.changed }}"
    assert jobs["plan"]["if"] == "needs.stacks.outputs.changed != '[]'"
    assert jobs["plan"]["strategy"]["matrix"] == {"stack": "${{ fromJSON(needs.stacks.outputs.changed) }}"}
    assert jobs["plan"]["strategy"]["fail-fast"] is False
    steps = steps_of(jobs["plan"])
    names = list(steps)
    guard = steps["Refuse stacks the generator cannot have written"]
    assert guard["run"] == "trusted/.venv/bin/python -m modules.policy.plannable artifacts/head"
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in steps["Install no provider but hashicorp/aws"]["run"]
    plan = steps["terraform init, validate and plan the stack"]
    assert names.index(guard["name"]) < names.index("AWS credentials (OIDC)") < names.index(plan["name"])
    for command in ("init -input=false", "validate", "plan -input=false", "show -json tfplan"):
        assert command in plan["run"]
    assert plan["env"] == {"STACK": "${{ matrix.stack }}"} and "${{" not in plan["run"], "the name is data"
    assert steps["AWS credentials (OIDC)"]["with"]["role-to-assume"] == "${{ vars.AWS_PLAN_ROLE_ARN }}"
    assert steps["Keep the plan"]["with"]["name"] == "plan-${{ matrix.stack }}"
    review = steps_of(jobs["plan-review"])
    assert review["Download the plans"]["with"] == {"pattern": "plan-*", "merge-multiple": True, "path": "plans"}
    merged = review["Review every stack's plan in one comment"]["run"]
    assert 'plan_args+=(--plan "$stack=$plan")' in merged
    assert merged.rstrip().endswith('bash trusted/.github/scripts/review.sh "${plan_args[@]}"')
    assert "needs.plan.result == 'skipped'" in jobs["plan-review"]["if"], "no stack changed: still labelled"
    assert "!cancelled()" in review["Upload the plans"]["if"]


#: What determines the trimmed provider assembly (modules/runtime/provider_assembly.py `cached_trim`).
ASSEMBLY_INPUTS = ("requirements*.txt", "modules/runtime/imports.py", "modules/runtime/provider_assembly.py")


def _hashed(key: str) -> list[str]:
    inside = key[key.index("hashFiles(") + len("hashFiles(") : key.index(")")]
    return [part.strip().strip("'") for part in inside.split(",")]


def test_the_trimmed_assembly_is_cached_where_make_setup_builds_it_keyed_on_what_determines_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from modules.runtime.provider_assembly import cache_dir

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/home/runner")
    where = "~/" + str(cache_dir().relative_to("/home/runner"))
    build = yaml.safe_load(PROVIDER_CACHE.read_text())
    assert list(build[True]) == ["push", "workflow_dispatch"] and build[True]["push"] == {"branches": ["main"]}
    saved = steps_of(build["jobs"]["build"])["Trimmed provider assembly cache"]
    assert saved["uses"].startswith("actions/cache@") and saved["with"]["path"] == where
    assert _hashed(saved["with"]["key"]) == list(ASSEMBLY_INPUTS)
    assert steps_of(build["jobs"]["build"])["Build the trimmed provider assembly"]["run"] == "make .venv/.assembly"
    # pull requests restore what the default branch saved (same key for the same files), never save
    restored = steps_of(yaml.safe_load(WORKFLOW.read_text())["jobs"]["synthesize"])[
        "Restore the trimmed provider assembly"
    ]
    assert restored["uses"].startswith("actions/cache/restore@") and restored["with"]["path"] == where
    assert _hashed(restored["with"]["key"]) == [f"head/{path}" for path in ASSEMBLY_INPUTS]
    prefix = saved["with"]["key"][: saved["with"]["key"].index("${{ hashFiles")]
    assert restored["with"]["key"].startswith(prefix) and restored["with"]["restore-keys"] == prefix
    makefile = (ROOT / "Makefile").read_text()
    assert "$(VENV)/.assembly: $(VENV)/.runtime node_modules/.installed modules/runtime/imports.py " in makefile


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


def test_a_long_review_is_cut_at_a_line_end_so_no_row_is_cut_in_half(tmp_path):
    rows = "".join(f"| `aws_ecs_service.p{i:05}_v` | update |\n" for i in range(3000))
    ((_, args),) = post_review(tmp_path, "| address | action |\n|---|---|\n" + rows, [])
    kept = args["body"].split("\n\n(cut: ")[0]
    assert kept.endswith("| update |"), kept[-80:]


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


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, synth_outputs):
    """The comment job's workspace: the trusted checkout (this repository) and the two downloaded
    outputs in artifacts/base and artifacts/head, the pull request renaming the treatment."""
    root = tmp_path_factory.mktemp("workspace")
    (root / "trusted").mkdir()
    for name in ("main.py", "modules", ".venv"):
        (root / "trusted" / name).symlink_to(ROOT / name)
    (root / "artifacts").mkdir()
    (root / "artifacts" / "base").symlink_to(output(synth_outputs))
    (root / "artifacts" / "head").symlink_to(output(synth_outputs, rename_treatment))
    return root


def run_review_step(workspace, *args):
    """The workflow's review step as GitHub runs it: its outputs, its job summary, review.md."""
    for name in ("output", "summary", "review.md", "review.json", "review.sarif"):
        (workspace / name).unlink(missing_ok=True)
    env = {
        **os.environ,
        "GITHUB_OUTPUT": str(workspace / "output"),
        "GITHUB_STEP_SUMMARY": str(workspace / "summary"),
    }
    result = subprocess.run(["bash", str(REVIEW_SCRIPT), *args], cwd=workspace, env=env, capture_output=True, text=True)
    read = {
        name: (workspace / name).read_text() if (workspace / name).exists() else None for name in ("output", "summary")
    }
    return result.returncode, read["output"], read["summary"]


@pytest.fixture(scope="module")
def reviewed(workspace):
    """The review step run once on the workspace (the two tests below read what it wrote)."""
    status, output_text, summary = run_review_step(workspace)
    files = {name: (workspace / name).read_text() for name in ("review.md", "review.json", "review.sarif")}
    return status, output_text, summary, files


def test_the_review_step_records_dangers_without_failing_and_fills_the_summary(reviewed):
    status, output_text, summary, files = reviewed
    assert (status, output_text) == (0, "status=3\n"), "dangers (a rename) raise a warning, not a failure"
    review = files["review.md"]
    assert review.startswith("## Plan review\n") and "**7 dangers** (replace 1, data_loss 1, observability 5)" in review
    assert summary == review


def test_the_review_step_writes_the_labels_and_the_sarif_of_the_same_review(reviewed):
    files = reviewed[3]
    document = json.loads(files["review.json"])
    assert document["labels"] == {"add": ["plan: destroy"], "remove": ["plan: replace", "plan: no change"]}
    log = json.loads(files["review.sarif"])
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert len(results) == len(document["dangers"]) == 7
    assert {r["ruleId"] for r in results} == {"review/replace", "review/data_loss", "review/observability"}
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pipelines.yaml" for r in results)


def test_a_first_pull_request_is_reviewed_without_a_base_output(workspace, tmp_path):
    root = tmp_path / "workspace"
    (root / "artifacts").mkdir(parents=True)
    (root / "trusted").symlink_to(workspace / "trusted")
    (root / "artifacts" / "head").symlink_to(workspace / "artifacts" / "head")
    status, output_text, summary = run_review_step(root)
    assert (status, output_text) == (0, "status=0\n")
    assert summary.startswith("## Plan review\n\n**No dangers**")
    assert json.loads((root / "review.json").read_text())["labels"]["add"] == []


def test_the_review_is_uploaded_to_code_scanning_and_labels_once_per_run():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    comment, plan = steps_of(jobs["comment"]), steps_of(jobs["plan-review"])
    no_plan = "vars.AWS_PLAN_ROLE_ARN == '' || github.event.pull_request.head.repo.full_name != github.repository"
    for steps, upload, label in [
        (comment, "Upload the dangers to code scanning", "Label the pull request"),
        (plan, "Upload the plan's dangers to code scanning", "Label the pull request by the plan"),
    ]:
        assert steps[upload]["uses"].startswith("github/codeql-action/upload-sarif@")
        assert steps[upload]["with"] == {
            "sarif_file": "review.sarif",
            "checkout_path": "trusted",
            "category": "plan-review",
        }
        assert "label-review.js" in steps[label]["with"]["script"]
    assert comment["Upload the dangers to code scanning"]["if"] == comment["Label the pull request"]["if"] == no_plan
    for job in ("comment", "plan-review"):
        assert jobs[job]["permissions"]["security-events"] == "write"


LABEL_SCRIPT = ROOT / ".github" / "scripts" / "label-review.js"
LABEL_HARNESS = """
const label = require(process.argv[1]);
const calls = [];
const github = {
  paginate: async () => JSON.parse(process.argv[2]).map((name) => ({ name })),
  rest: { issues: {
    listLabelsOnIssue: () => {},
    addLabels: async (args) => calls.push(["add", args.labels]),
    removeLabel: async (args) => calls.push(["remove", args.name]),
  } },
};
const context = { repo: { owner: "acme", repo: "pipelines" }, issue: { number: 7 } };
label({ github, context, file: process.argv[3] }).then(() => console.log(JSON.stringify(calls)));
"""


def test_the_labels_follow_the_review(tmp_path):
    node = shutil.which("node", path=str(ROOT / "node_modules" / ".bin")) or shutil.which("node")
    assert node, "node is installed by `make setup`"
    review = tmp_path / "review.json"
    review.write_text(
        json.dumps({"labels": {"add": ["plan: replace"], "remove": ["plan: destroy", "plan: no change"]}})
    )
    current = ["bug", "plan: no change"]
    result = subprocess.run(
        [node, "-e", LABEL_HARNESS, str(LABEL_SCRIPT), json.dumps(current), str(review)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [["add", ["plan: replace"]], ["remove", "plan: no change"]]


def test_the_review_step_fails_on_bad_input(workspace, tmp_path):
    plan = tmp_path / "state.json"
    plan.write_text('{"format_version": "1.0", "values": {}}')
    status, output_text, summary = run_review_step(workspace, "--plan", f"feature-pipelines={plan}")
    assert (status, output_text, summary) == (2, None, None)


def test_the_hcl_diff_step_puts_the_stacks_hcl_diff_in_the_summary(workspace):
    for name in ("summary", "hcl.diff"):
        (workspace / name).unlink(missing_ok=True)
    shutil.rmtree(workspace / "hcl", ignore_errors=True)
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(workspace / "summary"), "LIMIT": "400"}
    done = subprocess.run(["bash", str(HCL_DIFF_SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    diff = (workspace / "hcl.diff").read_text()
    assert '-resource "aws_ecs_service" "news-encoder_treatment" {' in diff
    assert '+resource "aws_ecs_service" "news-encoder_canary" {' in diff
    summary = (workspace / "summary").read_text()
    assert summary.startswith("## Synthesized stacks as HCL\n\n```diff\ndiff -ruN hcl/base/feature-pipelines/cdk.tf")
    assert "\n```\n(cut at" in summary
    assert summary.endswith("(cut at 400 characters: the whole diff is hcl.diff in the `review` artifact)\n")


def test_a_value_with_backticks_cannot_close_the_hcl_diffs_fence(workspace, tmp_path):
    root = tmp_path / "workspace"
    (root / "artifacts").mkdir(parents=True)
    (root / "trusted").symlink_to(workspace / "trusted")
    (root / "artifacts" / "base").symlink_to(workspace / "artifacts" / "base")
    head = shutil.copytree(workspace / "artifacts" / "head", root / "artifacts" / "head")
    stack = head / "stacks" / "feature-pipelines" / "cdk.tf.json"
    data = json.loads(stack.read_text())
    data["output"]["cluster_arn"]["description"] = "`````\n# forged"
    stack.write_text(json.dumps(data))
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(root / "summary")}
    done = subprocess.run(["bash", str(HCL_DIFF_SCRIPT)], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    summary = (root / "summary").read_text()
    assert summary.startswith("## Synthesized stacks as HCL\n\n``````diff\n") and summary.endswith("\n``````\n")
