"""Open, update or close the one drift issue of each stack checked (.github/workflows/drift.yml).

    python drift_issue.py drift

For each stack .github/scripts/drift.sh reviewed, the directory holds `STACK.json` (`python main.py drift
--format json` of its refresh-only plan) and `STACK.md`, the issue's body (every value from AWS already
escaped as data by the review); a stack whose check failed has neither, and its issue stays as it is.
The issue is found among the open issues
labelled `drift` that a bot (this workflow's token) opened, by its title `Drift: STACK`: drift opens it
or updates its body; no drift closes it with a comment. Standard library only; the environment gives
GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL and GITHUB_RUN_ID (GitHub Actions sets
all but the token).
"""

from __future__ import annotations

import argparse
import json
import os
import urllib.request
from pathlib import Path
from typing import Any, Protocol

LABEL = "drift"
#: GitHub refuses an issue body above 65,536 characters.
LIMIT = 65_000


def title(stack: str) -> str:
    """The stack's issue title: the same on every run, so the next run finds it."""
    return f"Drift: {stack}"


class Api(Protocol):
    def __call__(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any: ...


def github(api_url: str, token: str) -> Api:
    """A GitHub REST call: method, path (below the API URL), JSON body; the parsed answer."""
    if not api_url.startswith(("https://", "http://")):
        raise ValueError(f"GITHUB_API_URL must be an http(s) URL: {api_url!r}")

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 (an http(s) URL: checked above)
            api_url.rstrip("/") + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (as above)
            return json.loads(answer.read() or b"null")

    return call


def cut(body: str, run_url: str) -> str:
    """`body` below GitHub's limit, cut at a line end (a table row is never cut in half), and the run."""
    if len(body) > LIMIT:
        end = body.rfind("\n", 0, LIMIT)
        body = (
            body[: end + 1 if end > 0 else LIMIT] + f"\n(cut: the whole drift is in the [run's summary]({run_url}))\n"
        )
    return f"{body.rstrip()}\n\nChecked by [this run]({run_url}).\n"


def existing(api: Api, repo: str, stack: str) -> dict[str, Any] | None:
    """The stack's open drift issue that a bot opened, if any (a person's issue is never touched)."""
    issues = api("GET", f"/repos/{repo}/issues?state=open&labels={LABEL}&per_page=100")
    return next(
        (
            issue
            for issue in issues
            if "pull_request" not in issue
            and issue.get("title") == title(stack)
            and (issue.get("user") or {}).get("type") == "Bot"
        ),
        None,
    )


def sync(api: Api, repo: str, stack: str, drifted: bool, body: str, run_url: str) -> str:
    """Open or update the stack's issue when it drifted, close it when it no longer does: what was done."""
    issue = existing(api, repo, stack)
    if drifted and issue:
        api("PATCH", f"/repos/{repo}/issues/{issue['number']}", {"body": cut(body, run_url)})
        return f"updated #{issue['number']}"
    if drifted:
        opened = api(
            "POST", f"/repos/{repo}/issues", {"title": title(stack), "body": cut(body, run_url), "labels": [LABEL]}
        )
        return f"opened #{opened['number']}"
    if issue:
        comment = f"No drift any more: AWS matches the state ([run]({run_url})). Closing."
        api("POST", f"/repos/{repo}/issues/{issue['number']}/comments", {"body": comment})
        api("PATCH", f"/repos/{repo}/issues/{issue['number']}", {"state": "closed", "state_reason": "completed"})
        return f"closed #{issue['number']}"
    return "no drift, no issue"


def reviews(directory: Path) -> list[tuple[str, bool, str]]:
    """Each reviewed stack in `directory`: its name, whether it drifted, its issue body."""
    found = []
    for path in sorted(directory.glob("*.json")):
        for review in json.loads(path.read_text()):
            found.append((review["stack"], bool(review["drifted"]), path.with_suffix(".md").read_text()))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("directory", type=Path, help="where drift.sh wrote STACK.json and STACK.md")
    args = parser.parse_args(argv)
    env = os.environ
    repo = env["GITHUB_REPOSITORY"]
    run_url = f"{env.get('GITHUB_SERVER_URL', 'https://github.com')}/{repo}/actions/runs/{env.get('GITHUB_RUN_ID', '')}"
    api = github(env.get("GITHUB_API_URL", "https://api.github.com"), env["GITHUB_TOKEN"])
    for stack, drift, body in reviews(args.directory):
        print(f"{stack}: {sync(api, repo, stack, drift, body, run_url)}")


if __name__ == "__main__":
    main()
