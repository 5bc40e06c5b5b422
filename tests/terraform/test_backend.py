"""The state Terraform uses is where the config says, in both output formats: real `terraform init` of a
synthesized S3 backend against a local stand-in for S3 that records every request.

Terraform reads the `terraform` block's JSON strings literally and a quoted HCL string as a template, so
backend text holding `${` or `%{` is written raw in JSON and escaped in HCL; either way the object key
Terraform asks S3 for, and the one it records in `.terraform/terraform.tfstate`, is the config's text.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from modules.config import load_text
from modules.output_dir import synthesize
from tests.helpers import default_data, to_yaml
from tests.terraform.terraform_cli import Terraform

#: `{{`/`}}` are the templates' own escapes of `{`/`}`.
BACKEND = {
    "type": "s3",
    "bucket": "state",
    "key": "s/${{x}}/%{{y}}/{stack}.tfstate",
    "workspace_key_prefix": "p${z}%{w}",
}
KEY = "s/${x}/%{y}/feature-pipelines.tfstate"
PREFIX = "p${z}%{w}"
_EMPTY_LISTING = (
    b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Name>state</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
    b"</ListBucketResult>"
)
_NO_SUCH_KEY = b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>'


class _S3(http.server.BaseHTTPRequestHandler):
    """An empty bucket: listings are empty, every object is missing; each request is recorded."""

    requests: list[tuple[str, str]]

    def _answer(self) -> None:
        self.requests.append((self.command, self.path))
        listing = self.command == "GET" and "list-type=2" in self.path
        body = _EMPTY_LISTING if listing else _NO_SUCH_KEY
        self.send_response(200 if listing else 404)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _answer  # noqa: N815 (http.server names them)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def s3() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """The stand-in's endpoint URL and the requests it received."""
    requests: list[tuple[str, str]] = []
    handler = type("Handler", (_S3,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _offline(endpoint: str) -> str:
    """Partial backend configuration (`-backend-config`): fake keys, no AWS account lookups, the stand-in."""
    return "\n".join(
        [
            'access_key = "AKIAIOSFODNN7EXAMPLE"',
            'secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
            "skip_credentials_validation = true",
            "skip_requesting_account_id = true",
            "skip_metadata_api_check = true",
            "use_path_style = true",
            f"endpoints = {{ s3 = {json.dumps(endpoint)} }}",
        ]
    )


@pytest.mark.parametrize("form", ["json", "hcl"])
def test_terraform_keeps_state_at_the_configs_key_in_both_formats(terraform: Terraform, s3, tmp_path: Path, form):
    endpoint, requests = s3
    data = default_data()
    data["backend"] = BACKEND
    synthesize(load_text(to_yaml(data)), tmp_path / "out", format=form)
    workdir = tmp_path / "out" / "stacks" / "feature-pipelines"
    (tmp_path / "offline.tfbackend").write_text(_offline(endpoint))
    terraform.run(workdir, "init", "-input=false", "-no-color", f"-backend-config={tmp_path / 'offline.tfbackend'}")
    recorded = json.loads((workdir / ".terraform" / "terraform.tfstate").read_text())["backend"]["config"]
    assert (recorded["key"], recorded["workspace_key_prefix"]) == (KEY, PREFIX)
    paths = {urllib.parse.unquote(urllib.parse.urlsplit(path).path) for _, path in requests}
    assert f"/state/{KEY}" in paths, requests
    queries = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) for _, path in requests]
    assert {query["prefix"][0] for query in queries if "prefix" in query} == {f"{PREFIX}/"}
