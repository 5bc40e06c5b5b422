"""Every string the config takes, value or mapping key, is checked whole: a trailing line break (which
Python's `$` lets through) is refused in one printable line naming where, or, in free text, kept exactly.

The slots are generated from the config model, so a new string setting is covered once a sample
config below sets it (`test_the_samples_set_every_string_of_the_model` says which one is missing).
"""

from __future__ import annotations

import ast
import copy
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from modules.config import ConfigError, load_text
from modules.config.model import Config
from tests.helpers import ROOT, default_data, to_yaml

#: Free text, kept as written (a line break included): what the container runs and its environment.
FREE_TEXT = {
    "pipelines.*.environment.*",
    "pipelines.*.entry_point[]",
    "pipelines.*.command[]",
    "pipelines.*.health_check.command[]",
    "pipelines.*.sidecars.*.environment.*",
    "pipelines.*.sidecars.*.entry_point[]",
    "pipelines.*.sidecars.*.command[]",
    "pipelines.*.sidecars.*.health_check.command[]",
}
#: Trimmed, then one line: a waiver's reason.
TRIMMED = {"pipelines.*.waivers.*"}


def _samples() -> list[dict[str, Any]]:
    """Valid configs that between them set every string of the model."""
    every_feature = yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text())
    s3 = default_data()
    s3["assume_role_arn"] = "arn:aws:iam::123456789012:role/deployer"
    s3["backend"] = {
        "type": "s3",
        "bucket": "feature-state",
        "key": "{project}/{stack}.tfstate",
        "region": "ap-northeast-1",
        "kms_key_id": "alias/state",
        "dynamodb_table": "locks",
        "workspace_key_prefix": "envs",
        "role_arn": "arn:aws:iam::123456789012:role/state",
    }
    s3["terraform"] = {"required_version": ">= 1.10", "aws_provider_version": ">= 5.100, < 7"}
    s3["stacks"] = "per_pipeline"
    s3["pricing"] = {
        "currency": "JPY",
        "usd_rates": {"JPY": 150},
        "regions": {
            "ap-northeast-1": {
                "arm64": {
                    "vcpu_hour": 0.04,
                    "gb_hour": 0.004,
                    "storage_gb_hour": 0.0001,
                    "source": "price page",
                    "read_on": "2026-11-28",
                }
            }
        },
    }
    s3["pipelines"]["news-encoder"]["variants"]["control"]["autoscaling"] = {
        "min": 1,
        "max": 2,
        "schedules": {"night": {"schedule": "cron(0 22 * * ? *)", "timezone": "Asia/Tokyo", "min": 0, "max": 0}},
    }
    s3["pipelines"]["news-encoder"]["deployment"] = {"extra_alarm_names": ["other-alarm"]}
    s3["network"]["egress"] = [{"port": 443, "cidr_blocks": ["10.0.0.0/16"], "description": "HTTPS"}]
    s3["environments"] = {"dev": {}, "prod": {}}
    named = default_data()
    named["backend"] = {"type": "cloud", "organization": "ml", "workspace": "fp-{stack}", "hostname": "tfe.example.com"}
    tagged = default_data()
    tagged["backend"] = {"type": "cloud", "organization": "ml", "workspace_tags": ["fp", "{stack}"]}
    tagged["adopt"] = {
        "cluster": "Stack-Cluster-AB12",
        "pipelines": {
            "news-encoder": {
                "variants": {
                    "control": {
                        "service": "Stack-Cluster-AB12/Control-XYZ",
                        "launch_type": "none",
                        "family": "ControlTaskDef",
                        "execution_role": "ControlExecutionRole",
                        "task_role": "ControlTaskRole",
                        "log_group": "Control-Logs",
                        "security_group": "sg-0123456789abcdef0",
                        "security_group_name": "control",
                        "security_group_description": "control tasks",
                    }
                }
            }
        },
    }
    more = default_data()
    more["observability"] = {"error_terms": ["ERROR"]}
    news = more["pipelines"]["news-encoder"]
    news["observability"] = {"alarm_topic_arns": ["arn:aws:sns:ap-northeast-1:123456789012:alarms"]}
    news["availability_zone_rebalancing"] = "DISABLED"
    news["variants"]["control"]["autoscaling"] = {
        "min": 1,
        "max": 2,
        "steps": {
            "source": "cloudwatch",
            "namespace": "AWS/Kafka",
            "metric_name": "SumOffsetLag",
            "dimensions": {"Consumer Group": "encoder"},
            "statistic": "Sum",
            "scale_out": [{"at_least": 10, "add": 1}],
        },
    }
    news["variants"]["treatment"]["autoscaling"] = {
        "min": 1,
        "max": 2,
        "steps": {"source": "kinesis", "stream_name": "clicks", "scale_out": [{"at_least": 10, "add": 1}]},
    }
    news["sidecars"] = {
        "agent": {
            "repository_arn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/agent",
            "image_digest": "sha256:" + "0" * 64,
            "entry_point": ["/agent"],
            "ulimits": {"nofile": {"soft": 1024, "hard": 1024}},
            "user": "1000",
        },
        "init": {"image": "public.ecr.aws/x/init:1", "depends_on": {"agent": "START"}, "user": "1000"},
    }
    more["pricing"] = copy.deepcopy(s3["pricing"])
    more["pricing"]["regions"]["ap-northeast-1"]["x86_64"] = more["pricing"]["regions"]["ap-northeast-1"].pop("arm64")
    more["environments"] = {"dev": {"tags": {"stage": "dev"}}}
    isolated = yaml.safe_load((ROOT / "examples" / "ab-data.yaml").read_text())
    data = isolated["pipelines"]["news-encoder"]
    data["input"]["sns"]["kms_key_arn"] = data["output"]["s3"]["kms_key_arn"]
    data["output"]["s3"]["prefix"] = "features/v1"
    key = data["output"]["s3"]["kms_key_arn"]
    isolated["pipelines"]["click-ranker"]["input"]["kinesis"]["kms_key_arn"] = key
    isolated["pipelines"]["click-ranker"]["output"]["dynamodb"]["prefix"] = "clicks/v2"
    isolated["pipelines"]["click-ranker"]["variants"]["treatment"]["input"] = {
        "sqs": {"queue_arn": "arn:aws:sqs:ap-northeast-1:123456789012:clicks-treatment", "kms_key_arn": key}
    }
    return [every_feature, s3, named, tagged, more, isolated]


SAMPLES = _samples()


def _peel(annotation: Any) -> list[Any]:
    """The types an annotation admits: Annotated and Optional stripped, unions split."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _peel(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) if arg is not type(None) for t in _peel(arg)]
    return [annotation]


def _is_text(annotation: Any) -> bool:
    return annotation is str or typing.get_origin(annotation) is typing.Literal


def model_slots(annotation: Any, pattern: str = "") -> Iterator[str]:
    """Every place the model takes a string: `a.b` values, `a.*` mapping values, `a.<key>` keys, `a[]` items."""
    for kind in _peel(annotation):
        origin = typing.get_origin(kind)
        if _is_text(kind):
            yield pattern
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            for name, field in kind.model_fields.items():
                yield from model_slots(field.annotation, f"{pattern}.{name}" if pattern else name)
        elif origin is dict:
            key, value = typing.get_args(kind)
            if any(_is_text(k) for k in _peel(key)):
                yield f"{pattern}.<key>"
            yield from model_slots(value, f"{pattern}.*")
        elif origin is list:
            yield from model_slots(typing.get_args(kind)[0], f"{pattern}[]")


def _general(pattern: str) -> str:
    """A variant's settings are its pipeline's (one model): one slot for both."""
    return pattern.replace("pipelines.*.variants.*.", "pipelines.*.")


def data_slots(annotation: Any, data: Any, pattern: str = "", path: tuple = ()) -> Iterator[tuple[str, tuple]]:
    """(slot, path) of every string the data sets, a key's path ending in ("<key>", key)."""
    for kind in _peel(annotation):
        origin = typing.get_origin(kind)
        if _is_text(kind) and isinstance(data, str):
            yield _general(pattern), path
        elif isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(data, dict):
            for name, field in kind.model_fields.items():
                if name in data:
                    yield from data_slots(
                        field.annotation, data[name], f"{pattern}.{name}" if pattern else name, (*path, name)
                    )
        elif origin is dict and isinstance(data, dict):
            key, value = typing.get_args(kind)
            for item_key, item in data.items():
                if any(_is_text(k) for k in _peel(key)):
                    yield _general(f"{pattern}.<key>"), (*path, "<key>", item_key)
                yield from data_slots(value, item, f"{pattern}.*", (*path, item_key))
        elif origin is list and isinstance(data, list):
            for index, item in enumerate(data):
                yield from data_slots(typing.get_args(kind)[0], item, f"{pattern}[]", (*path, index))
        else:
            continue
        return


def with_newline(data: dict[str, Any], path: tuple) -> dict[str, Any]:
    """A copy of `data` whose string (or mapping key) at `path` ends in a line break."""
    changed = copy.deepcopy(data)
    parent = changed
    if "<key>" in path:
        *where, _, key = path
        for part in where:
            parent = parent[part]
        parent[f"{key}\n"] = parent.pop(key)
        return changed
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] += "\n"
    return changed


CASES = {
    f"{slot} @ {'.'.join(map(str, path))}": (sample, path, slot)
    for sample in SAMPLES
    for slot, path in data_slots(Config, sample)
}


def test_the_samples_set_every_string_of_the_model():
    in_model = {_general(slot) for slot in model_slots(Config)}
    set_by_samples = {slot for _, _, slot in CASES.values()}
    assert in_model - set_by_samples == set(), "add a value for these to a sample config"


@pytest.mark.parametrize("case", list(CASES))
def test_a_trailing_line_break_is_refused_in_one_line_or_kept_as_free_text(case):
    sample, path, slot = CASES[case]
    try:
        load_text(to_yaml(with_newline(sample, path)))
    except ConfigError as error:
        problems = [str(problem) for problem in error.problems]
        assert problems and all(problem.isprintable() for problem in problems), problems
    else:
        assert slot in FREE_TEXT | TRIMMED, f"{case}: a line break was accepted"


def test_free_text_keeps_its_line_break():
    data = default_data()
    data["pipelines"]["news-encoder"]["environment"]["SOURCE_STREAM"] = "news\n"
    data["pipelines"]["news-encoder"]["command"] = ["--banner", "two\nlines\n"]
    control, _ = load_text(to_yaml(data))[0].variants
    assert control.settings.environment["SOURCE_STREAM"] == "news\n"
    assert list(control.settings.command) == ["--banner", "two\nlines\n"]


def test_config_checks_match_whole_values():
    """`re.match`/`search` and `$` stop before a final line break; the checks use `fullmatch` (a
    `search` or `match` only over a multi-line document, with re.MULTILINE)."""
    found = []
    for path in sorted((ROOT / "modules" / "config").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            multiline = "MULTILINE" in ast.unparse(node)
            if node.func.attr in ("match", "search") and not multiline:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node.func)}")
            pattern = node.args[0] if node.args and node.func.attr in ("compile", "fullmatch") else None
            if isinstance(pattern, ast.Constant) and str(pattern.value).endswith("$") and not multiline:
                found.append(f"{path.name}:{node.lineno}: {pattern.value!r}")
    assert found == []
