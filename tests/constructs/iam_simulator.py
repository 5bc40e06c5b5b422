"""IAM policy evaluation of synthesized roles with @cloud-copilot/iam-simulate (iam_simulate.mjs, one node process
for a list of requests): every condition operator, which moto's IAM enforcement does not evaluate."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import ROOT

SCRIPT = Path(__file__).with_name("iam_simulate.mjs")
PACKAGE = ROOT / "node_modules" / "@cloud-copilot" / "iam-simulate"
#: A reference to another resource's ARN in a synthesized policy string.
REFERENCE = re.compile(r"\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.arn\}")
#: A KMS key policy that leaves the decision to IAM policies (AWS's default key policy): KMS requires the key
#: policy to allow too, so without it every KMS request would be denied whatever the role may do.
KEY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}
    ],
}


def unavailable_reason() -> str | None:
    """Why the simulator cannot run here, or None."""
    if node() is None:
        return "node is not installed"
    if not PACKAGE.is_dir():
        return "@cloud-copilot/iam-simulate is not in node_modules (`make setup` installs it)"
    return None


def node() -> str | None:
    local = ROOT / "node_modules" / ".bin" / "node"
    return str(local) if local.exists() else shutil.which("node")


def arn_of(stack: dict[str, Any], resource_type: str, name: str, *, account: str) -> str:
    """The ARN AWS gives a resource of the stack, from its own arguments (what `${<type>.<name>.arn}` becomes)."""
    region = stack["provider"]["aws"][0]["region"]
    values = stack["resource"][resource_type][name]
    if resource_type == "aws_sqs_queue":
        return f"arn:aws:sqs:{region}:{account}:{values['name']}"
    if resource_type == "aws_kinesis_stream_consumer":
        return f"{values['stream_arn']}/consumer/{values['name']}:1767225600"
    if resource_type == "aws_cloudwatch_log_group":
        return f"arn:aws:logs:{region}:{account}:log-group:{values['name']}"
    raise ValueError(f"no ARN shape known for {resource_type} (add it here)")


def role_policies(stack: dict[str, Any], role: str, *, account: str) -> list[dict[str, Any]]:
    """The inline policies of the stack's role `role` (its resource name), references resolved to ARNs."""
    reference = f"${{aws_iam_role.{role}.id}}"
    policies = []
    for name, values in stack["resource"].get("aws_iam_role_policy", {}).items():
        if values["role"] != reference:
            continue
        text = REFERENCE.sub(lambda m: arn_of(stack, m[1], m[2], account=account), values["policy"])
        policies.append({"name": name, "policy": json.loads(text)})
    return policies


@dataclass(frozen=True)
class Request:
    """One API call by a role: `identity_policies` from `role_policies`."""

    identity_policies: list[dict[str, Any]]
    action: str
    resource: str
    account: str
    context: dict[str, str | list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        key_policy = json.loads(json.dumps(KEY_POLICY).replace("{account}", self.account))
        return {
            "identityPolicies": self.identity_policies,
            "resourcePolicy": key_policy if self.action.startswith("kms:") else None,
            "principal": f"arn:aws:iam::{self.account}:role/probe",
            "action": self.action,
            "resource": self.resource,
            "accountId": self.account,
            "context": self.context,
        }


def evaluate(requests: list[Request]) -> list[str]:
    """Each request's decision: "Allowed", "ImplicitlyDenied" or "ExplicitlyDenied" (one node process)."""
    done = subprocess.run(
        [node() or "node", str(SCRIPT)],
        input=json.dumps([request.as_json() for request in requests]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"iam_simulate.mjs failed ({done.returncode}): {done.stderr}")
    results = json.loads(done.stdout)
    refused = [(req, result) for req, result in zip(requests, results, strict=True) if not isinstance(result, str)]
    if refused:
        raise RuntimeError(f"the simulator refused requests: {refused}")
    return results
