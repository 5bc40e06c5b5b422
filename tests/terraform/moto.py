"""moto for the e2e tests: a server per config, what the config refers to created in it first, and the
provider/backend override files that point Terraform at it (as a user points at any test API).

moto runs in its own virtualenv, `.venv-e2e` (`make e2e` builds it from requirements-e2e.txt): its
botocore pins python-dateutil < 3, which the runtime pins (4.0) exclude.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.helpers import ROOT

E2E_PYTHON = ROOT / ".venv-e2e" / "bin" / "python"


def require_moto() -> None:
    """Skip (with CI=true: fail) unless moto's virtualenv is installed (`make e2e` installs it)."""
    if not E2E_PYTHON.exists():
        from tests.terraform.conftest import skip_or_fail

        skip_or_fail(f"no {E2E_PYTHON.relative_to(ROOT)} (moto): run `make e2e`")


#: Services our stacks call, by the provider's `endpoints` argument name.
ENDPOINTS = (
    "ecs",
    "iam",
    "sts",
    "ec2",
    "cloudwatchlogs",
    "applicationautoscaling",
    "cloudwatch",
    "events",
    "kms",
    "secretsmanager",
    "ssm",
    "s3",
    "sns",
    "sqs",
    "kinesis",
)
FAKE_KEYS = {"access_key": "test", "secret_key": "test"}
SKIPS = {
    "skip_credentials_validation": True,
    "skip_metadata_api_check": True,
    "skip_requesting_account_id": True,
    "skip_region_validation": True,
}
KMS_KEY = re.compile(r"arn:aws:kms:[^:]+:\d{12}:key/[0-9a-f-]+")
#: A Secrets Manager secret ARN (name, AWS's 6 random characters) with an optional `:json-key:stage:version`.
SECRET = re.compile(r"arn:aws:secretsmanager:[^:]+:\d{12}:secret:([^:]+)-[A-Za-z0-9]{6}((?::[^:]*){3})?")
PARAMETER = re.compile(r"arn:aws:ssm:[^:]+:\d{12}:parameter(/.+)")
#: An SNS topic ARN in moto's default account (123456789012), where moto keeps what it is asked to create.
#: An S3 bucket ARN (a pipeline's `output.s3.bucket_arn`).
BUCKET = re.compile(r"arn:aws:s3:::([a-z0-9][a-z0-9.-]+)")
#: A Kinesis stream ARN in moto's default account (a pipeline's `input.kinesis.stream_arn`).
STREAM = re.compile(r"arn:aws:kinesis:[^:]+:123456789012:stream/([A-Za-z0-9_.-]+)")
TOPIC = re.compile(r"arn:aws:sns:[^:]+:123456789012:([A-Za-z0-9_-]+)")


class MotoServer:
    """A moto server subprocess on 127.0.0.1 (free port), stand-ins installed; stops when its stdin closes."""

    def __init__(self, log: Path) -> None:
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "PYTHONPATH": str(ROOT)}
        self._log = log.open("w")
        self._process = subprocess.Popen(
            [str(E2E_PYTHON), "-m", "tests.terraform.moto_server"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"moto server did not start: see {log}")
        self.endpoint = f"http://127.0.0.1:{json.loads(line)['port']}"

    def seed(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Create what `spec` names (see `seed_spec`); ids and ARNs under the same keys."""
        return self.run("tests.terraform.moto_seed", spec)

    def run(self, module: str, spec: dict[str, Any]) -> dict[str, Any]:
        """Run `module` in the moto virtualenv against this server: `spec` as JSON in, its JSON answer out."""
        done = subprocess.run(
            [str(E2E_PYTHON), "-m", module, self.endpoint],
            cwd=ROOT,
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)

    def stop(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


def seed_spec(data: dict[str, Any]) -> dict[str, Any]:
    """What must exist in AWS before a config's stacks apply: one VPC per stack (in the account the stack
    assumes a role into), the KMS keys, secrets, SSM parameters, S3 buckets, SNS topics and Kinesis streams
    its ARNs name, its state bucket."""
    top = data["network"]
    environments = data.get("environments") or {}
    vpcs = {
        name: {
            "role_arn": (settings or {}).get("assume_role_arn", data.get("assume_role_arn")),
            "subnets": len(((settings or {}).get("network") or top)["subnet_ids"]),
        }
        for name, settings in environments.items()
    } or {"": {"role_arn": data.get("assume_role_arn"), "subnets": len(top["subnet_ids"])}}
    strings = _strings(data)
    backend = data.get("backend") or {}
    return {
        "region": data["region"],
        "vpcs": vpcs,
        "kms_keys": sorted({text for text in strings if KMS_KEY.fullmatch(text)}),
        "secrets": sorted({match[1] for text in strings if (match := SECRET.fullmatch(text))}),
        "parameters": sorted({match[1] for text in strings if (match := PARAMETER.fullmatch(text))}),
        "buckets": sorted(
            {match[1] for text in strings if (match := BUCKET.fullmatch(text))}
            | ({backend["bucket"]} if backend.get("type") == "s3" else set())
        ),
        "topics": sorted({match[1] for text in strings if (match := TOPIC.fullmatch(text))}),
        "streams": sorted({match[1] for text in strings if (match := STREAM.fullmatch(text))}),
    }


def rebind(data: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """The config with moto's ids: each stack's network, and every KMS key, secret and parameter ARN."""
    renamed = {key: arn for key, arn in answer["kms_keys"].items()}

    def replace(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: replace(item) for key, item in value.items()}
        if isinstance(value, list):
            return [replace(item) for item in value]
        if isinstance(value, str):
            if value in renamed:
                return renamed[value]
            if match := SECRET.fullmatch(value):
                return answer["secrets"][match[1]] + (match[2] or "")
            if match := PARAMETER.fullmatch(value):
                return answer["parameters"][match[1]]
        return value

    bound = replace(copy.deepcopy(data))
    for name, network in answer["vpcs"].items():
        if name:
            bound["environments"][name] = {**(bound["environments"][name] or {}), "network": network}
        else:
            bound["network"] = network
    return bound


#: The provider's retries of a failed API call (throttling, 5xx, connection errors; 25 by default, with
#: backoff): moto on this machine answers or it does not, so a call moto cannot answer fails in seconds.
MAX_RETRIES = 3


def provider_override(endpoint: str) -> dict[str, Any]:
    """`moto_override.tf.json`: the `aws` provider pointed at moto (merged into the stack's own provider)."""
    return {
        "provider": {
            "aws": {
                "endpoints": [dict.fromkeys(ENDPOINTS, endpoint)],
                "max_retries": MAX_RETRIES,
                **FAKE_KEYS,
                **SKIPS,
            },
        }
    }


def backend_override(stack: dict[str, Any], endpoint: str) -> dict[str, Any] | None:
    """`backend_override.tf.json` for a stack with an S3 backend: the same settings, against moto's S3."""
    s3 = stack.get("terraform", {}).get("backend", {}).get("s3")
    if s3 is None:
        return None
    settings = {**s3, "endpoints": {"s3": endpoint, "sts": endpoint}, "use_path_style": True, **FAKE_KEYS, **SKIPS}
    return {"terraform": {"backend": {"s3": settings}}}


def point_at_moto(workdir: Path, endpoint: str) -> None:
    """Write the override files into a Terraform working directory (its own files untouched)."""
    (workdir / "moto_override.tf.json").write_text(json.dumps(provider_override(endpoint), indent=2))
    stack_file = workdir / "cdk.tf.json"
    backend = backend_override(json.loads(stack_file.read_text()), endpoint) if stack_file.exists() else None
    if backend is not None:
        (workdir / "backend_override.tf.json").write_text(json.dumps(backend, indent=2))
