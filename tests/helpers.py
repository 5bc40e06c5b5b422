"""Shared test helpers: the default config as data, cached synthesis, the command line in and out of process."""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.config import ConfigError, Deployment, load_text
from modules.config.names import owned_by

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "pipelines.yaml"
DEFAULT_DATA: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG.read_text())
#: The outputs of the default config's stack and of its exported module (the same names).
DEFAULT_OUTPUTS = {"cluster_name", "cluster_arn"} | {
    f"news-encoder_{variant}_{suffix}"
    for variant in ("control", "treatment")
    for suffix in (
        "service_name",
        "service_arn",
        "task_definition_family",
        "task_definition_arn",
        "log_group_name",
        "task_role_arn",
        "execution_role_arn",
        "security_group_id",
    )
}


def default_data() -> dict[str, Any]:
    """A fresh, mutable copy of the default config."""
    return copy.deepcopy(DEFAULT_DATA)


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def load(data: dict[str, Any]) -> Deployment:
    """The one Deployment of a config without environments."""
    (deployment,) = load_all(data)
    return deployment


def load_all(data: dict[str, Any]) -> list[Deployment]:
    return load_text(to_yaml(data))


@functools.lru_cache(maxsize=64)
def _synth_text(text: str) -> str:
    from modules.constructs.stack import PipelinesStack
    from modules.runtime import cdk

    stacks = {}
    for deployment in load_text(text):
        app = cdk.Testing.app()
        stacks[deployment.stack] = json.loads(
            cdk.Testing.synth(PipelinesStack(app, deployment.stack, deployment=deployment))
        )
    return json.dumps(stacks)


def synth_all(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The synthesized JSON of every stack of a config, by stack name (each config synthesized once)."""
    return json.loads(_synth_text(to_yaml(data)))


def synth(data: dict[str, Any]) -> dict[str, Any]:
    """The synthesized JSON of the one stack of a config without environments."""
    (stack,) = synth_all(data).values()
    return stack


def resources_of(stack: dict[str, Any], stem: str) -> dict[str, Any]:
    """Every resource whose Terraform name is `stem` or starts with `stem_`, by address."""
    found = {}
    for rtype, by_name in stack.get("resource", {}).items():
        for name, body in by_name.items():
            if owned_by(name, stem):
                found[f"{rtype}.{name}"] = body
    return found


def config_problems(data: dict[str, Any]) -> list[str]:
    """The problems (as users read them) of a config that must be refused."""
    with pytest.raises(ConfigError) as caught:
        load_all(data)
    return [str(problem) for problem in caught.value.problems]


#: One backlog source of each kind (autoscaling).
SQS = {"source": "sqs", "queue_name": "news-articles", "target": 100}
KINESIS = {"source": "kinesis", "stream_name": "news-clicks", "target": 60000}
MSK_LAG = {
    "source": "cloudwatch",
    "namespace": "AWS/Kafka",
    "metric_name": "SumOffsetLag",
    "dimensions": {"Cluster Name": "features", "Consumer Group": "encoder", "Topic": "articles"},
    "statistic": "Maximum",
    "per_task": True,
    "target": 5000,
}
CUSTOM = {"source": "cloudwatch", "namespace": "Features", "metric_name": "PendingBatches", "target": 3}


def every_source() -> dict[str, Any]:
    """The default config with one autoscaled variant per backlog source (one synthesis for all of them)."""
    data = default_data()
    variants = data["pipelines"]["news-encoder"]["variants"]
    variants["control"]["autoscaling"] = {"min": 1, "max": 4, "cpu_target": 70, "memory_target": 80, "backlog": SQS}
    variants["treatment"]["autoscaling"] = {
        "min": 1,
        "max": 3,
        "backlog": KINESIS,
        "scale_in_cooldown": 600,
        "scale_out_cooldown": 30,
        "schedules": {
            "night": {"schedule": "cron(0 22 * * ? *)", "timezone": "Asia/Tokyo", "min": 0, "max": 0},
            "morning": {"schedule": "cron(0 7 ? * MON-FRI *)", "timezone": "Asia/Tokyo", "min": 1, "max": 3},
        },
    }
    variants["canary"] = {"image_tag": "c", "autoscaling": {"min": 0, "max": 2, "backlog": MSK_LAG}}
    variants["shadow"] = {"image_tag": "s", "autoscaling": {"min": 2, "max": 2, "backlog": CUSTOM}}
    return data


def tree_digest(path: Path) -> str:
    """One digest of every file under `path`: names and bytes."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Result:
    """What a run of the command line returned and printed."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _working_directory(cwd: Path) -> Iterator[None]:
    previous, outdir = Path.cwd(), os.environ.pop("CDKTF_OUTDIR", None)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(previous)
        if outdir is not None:
            os.environ["CDKTF_OUTDIR"] = outdir


def run(*args: str, cwd: Path = ROOT) -> Result:
    """`python main.py ARGS` in this process (`modules.cli.main`): exit status, stdout, stderr."""
    from modules.cli import main

    out, err = io.StringIO(), io.StringIO()
    with _working_directory(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as stop:  # argparse: --help, usage errors
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    return Result(code, out.getvalue(), err.getvalue())


def run_process(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` as its own process, as users and `cdktf synth` run it."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    if env is None or "CDKTF_OUTDIR" not in env:
        environment.pop("CDKTF_OUTDIR", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, capture_output=True, text=True, env=environment
    )


def strings(value: Any) -> Iterator[str]:
    """Every string in a parsed YAML/JSON value, mapping keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


HOSTILE = sorted((ROOT / "tests" / "corpus" / "hostile").glob("*.yaml"))
#: The hostile configs that must synthesize with their text reaching AWS as written.
LITERAL = [path for path in HOSTILE if path.read_text().startswith("# expect: literal\n")]


def templates_in(path: Path) -> set[str]:
    """The config's strings that Terraform would evaluate if written as they are."""
    return {text for text in strings(yaml.safe_load(path.read_text())) if "${" in text or "%{" in text}
