"""The scheduled drift workflow (.github/workflows/drift.yml): trusted code only, refresh-only plans,
one issue per stack opened, updated and closed by .github/scripts/drift_issue.py."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT
from tests.review.plans.record import load
from tests.review.synthesized import output

WORKFLOW = ROOT / ".github" / "workflows" / "drift.yml"
SCRIPT = ROOT / ".github" / "scripts" / "drift.sh"
STACK = "feature-pipelines"
REPO = "acme/pipelines"
RUN = "https://github.com/acme/pipelines/actions/runs/42"

_spec = importlib.util.spec_from_file_location("drift_issue", ROOT / ".github" / "scripts" / "drift_issue.py")
assert _spec and _spec.loader
drift_issue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(drift_issue)


def test_only_the_default_branchs_code_runs_on_a_schedule_with_no_more_than_it_needs():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert set(workflow[True]) == {"schedule", "workflow_dispatch"}, "never a pull request's code"
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write", "id-token": "write"}
    assert job["if"] == "vars.AWS_PLAN_ROLE_ARN != ''"
    steps = {step.get("name", step.get("uses")): step for step in job["steps"]}
    names = list(steps)
    assert names.index("Install and synthesize") < names.index("AWS credentials (OIDC)")
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in steps["Install no provider but hashicorp/aws"]["run"]
    check = steps["Refresh-only plan and drift review per stack"]
    assert check["run"] == "bash .github/scripts/drift.sh" and "env" not in check
    issues = steps["Open, update or close each stack's drift issue"]
    assert names[-2:] == [check["name"], issues["name"]]
    assert issues["run"] == ".venv/bin/python .github/scripts/drift_issue.py drift"
    assert issues["if"] == "${{ !cancelled() }}", "a failed stack does not keep the others' issues from updating"
    assert [name for name, step in steps.items() if "github.token" in json.dumps(step)] == [issues["name"]]
    assert "plan -refresh-only -detailed-exitcode" in SCRIPT.read_text()
    assert " apply" not in SCRIPT.read_text(), "nothing is applied"


class FakeApi:
    """GitHub's issues API in memory: the calls made, the issues as they end."""

    def __init__(self, issues: list[dict[str, Any]]) -> None:
        self.issues = issues
        self.calls: list[tuple[str, str, Any]] = []

    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        self.calls.append((method, path, body))
        if method == "GET":
            return [issue for issue in self.issues if issue["state"] == "open"]
        if method == "POST" and path.endswith("/issues"):
            self.issues.append({**body, "number": 9, "state": "open", "user": {"type": "Bot"}})
            return self.issues[-1]
        return {}


def issue(number: int, title: str, user: str = "Bot", **extra: Any) -> dict[str, Any]:
    return {"number": number, "title": title, "state": "open", "user": {"type": user}, **extra}


def test_drift_opens_the_stacks_issue_then_updates_the_same_one_and_no_drift_closes_it():
    api = FakeApi([issue(3, "Drift: other-stack")])
    assert drift_issue.sync(api, REPO, STACK, True, "## Drift: x\n", RUN) == "opened #9"
    ((_, _, _), (method, path, body)) = api.calls
    assert (method, path) == ("POST", f"/repos/{REPO}/issues")
    assert body == {
        "title": f"Drift: {STACK}",
        "body": f"## Drift: x\n\nChecked by [this run]({RUN}).\n",
        "labels": ["drift"],
    }
    api.calls.clear()
    assert drift_issue.sync(api, REPO, STACK, True, "## Drift: y\n", RUN) == "updated #9"
    assert api.calls[1][:2] == ("PATCH", f"/repos/{REPO}/issues/9")
    assert api.calls[0] == ("GET", f"/repos/{REPO}/issues?state=open&labels=drift&per_page=100", None)
    api.calls.clear()
    assert drift_issue.sync(api, REPO, STACK, False, "", RUN) == "closed #9"
    assert [call[:2] for call in api.calls[1:]] == [
        ("POST", f"/repos/{REPO}/issues/9/comments"),
        ("PATCH", f"/repos/{REPO}/issues/9"),
    ]
    assert api.calls[2][2] == {"state": "closed", "state_reason": "completed"}


def test_no_drift_and_no_issue_does_nothing_and_a_persons_issue_or_a_pull_request_is_never_touched():
    assert drift_issue.sync(FakeApi([]), REPO, STACK, False, "", RUN) == "no drift, no issue"
    theirs = [issue(1, f"Drift: {STACK}", user="User"), issue(2, f"Drift: {STACK}", pull_request={})]
    api = FakeApi(theirs)
    assert drift_issue.sync(api, REPO, STACK, False, "", RUN) == "no drift, no issue"
    assert drift_issue.sync(api, REPO, STACK, True, "drift\n", RUN) == "opened #9"


def test_a_long_drift_is_cut_at_a_line_end_below_githubs_limit():
    body = "".join(f"| `aws_ecs_service.p{i:05}` | changed |\n" for i in range(3000))
    text = drift_issue.cut(body, RUN)
    assert len(text) < 65_536
    assert text.split("\n(cut: ")[0].endswith("| changed |\n")


class _Handler(BaseHTTPRequestHandler):
    """A GitHub API stand-in: one open drift issue of this workflow's; records every request."""

    def _answer(self, data: Any) -> None:
        self.server.seen.append(  # type: ignore[attr-defined]
            (self.command, self.path, self.headers["Authorization"], self._body())
        )
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length)) if length else None

    def do_GET(self) -> None:
        self._answer([issue(5, f"Drift: {STACK}")])

    def do_PATCH(self) -> None:
        self._answer({"number": 5})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def github_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


FAKE_TERRAFORM = """#!/usr/bin/env bash
case "$2" in
  init) exit 0 ;;
  plan) echo "$*" >> "$CALLS"; exit 2 ;;
  show) cat "$PLAN_JSON" ;;
esac
"""


def test_the_drift_step_reviews_each_stacks_refresh_only_plan_and_the_issue_step_updates_its_issue(
    synth_outputs, tmp_path: Path, github_api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """drift.sh as the job runs it (terraform: a stand-in answering with the real refresh-only plan), then
    the issue step (in-process) against a GitHub API stand-in holding the stack's open issue."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    for name in ("main.py", "modules", ".venv"):
        (workspace / name).symlink_to(ROOT / name)
    (workspace / ".github").mkdir()
    (workspace / ".github" / "scripts").symlink_to(ROOT / ".github" / "scripts")
    (workspace / "cdktf.out").symlink_to(output(synth_outputs))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "terraform").write_text(FAKE_TERRAFORM)
    (bin_dir / "terraform").chmod(0o755)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(load("drift")["plan"]))
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PLAN_JSON": str(plan),
        "CALLS": str(tmp_path / "calls"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    done = subprocess.run(["bash", str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "calls").read_text().split() == [
        f"-chdir=cdktf.out/stacks/{STACK}/",
        *["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-lock=false", "-no-color"],
        "-out=drift.tfplan",
    ]
    review = (workspace / "drift" / f"{STACK}.md").read_text()
    assert review.startswith(f"## Drift: {STACK}\n\n6 resources of {STACK} changed outside Terraform")
    assert (tmp_path / "summary").read_text() == review
    assert sorted(path.name for path in (workspace / "drift").iterdir()) == [f"{STACK}.json", f"{STACK}.md", "plans"]

    for name, value in {
        "GITHUB_API_URL": f"http://127.0.0.1:{github_api.server_port}",
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "42",
        "GITHUB_TOKEN": "t0ken",
    }.items():
        monkeypatch.setenv(name, value)
    drift_issue.main([str(workspace / "drift")])
    assert capsys.readouterr().out == f"{STACK}: updated #5\n"
    (get, patch) = github_api.seen
    assert get[:3] == ("GET", f"/repos/{REPO}/issues?state=open&labels=drift&per_page=100", "Bearer t0ken")
    assert patch[:2] == ("PATCH", f"/repos/{REPO}/issues/5")
    assert patch[3] == {"body": f"{review.rstrip()}\n\nChecked by [this run]({RUN}).\n"}


def test_a_stack_whose_plan_fails_has_no_review_and_fails_the_step(synth_outputs, tmp_path: Path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    for name in ("main.py", "modules", ".venv"):
        (workspace / name).symlink_to(ROOT / name)
    (workspace / "cdktf.out").symlink_to(output(synth_outputs))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "terraform").write_text('#!/usr/bin/env bash\n[ "$2" = init ] || exit 1\n')
    (bin_dir / "terraform").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_STEP_SUMMARY": "/dev/null"}
    done = subprocess.run(["bash", str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True)
    assert done.returncode == 1
    assert f"::error title=Drift check::{STACK}: terraform plan -refresh-only failed (exit 1)" in done.stdout
    assert list((workspace / "drift").iterdir()) == [workspace / "drift" / "plans"]
    assert drift_issue.reviews(workspace / "drift") == [], "its issue stays as it is"
