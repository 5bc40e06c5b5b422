"""The cross-field checks of a merged variant (config/resolve.py): compliant and non-compliant cases."""

from __future__ import annotations

from typing import Any

import pytest

from modules.config.autoscaling import AutoscalingConfig
from modules.config.model import ContainerSettings
from modules.config.resolve import (
    CROSS_FIELD_CHECKS,
    MergedVariant,
    autoscaling_settings,
    capacity_weights,
    environment_apart_from_secrets,
    fits_fargate,
    kms_keys_have_secrets,
    repository_set,
    tags_within_limit,
)
from tests.helpers import config_problems, default_data

PIPELINE, VARIANT = "pipelines.p", "pipelines.p.variants.v"
REPOSITORY = "arn:aws:ecr:ap-northeast-1:123456789012:repository/news-encoder"
KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#: A compliant variant: every key a check reads, set on the variant unless `origin` says otherwise.
COMPLIANT: dict[str, Any] = {
    "repository_arn": REPOSITORY,
    "cpu": 1.0,
    "memory": 2.0,
    "fargate_weight": 1,
    "fargate_spot_weight": 0,
    "secrets_kms_key_arns": [],
    "secrets": {},
    "environment": {"MODE": "batch"},
    "tags": {},
    "autoscaling": None,
    "ulimits": {},
    "depends_on": {},
    "health_check": None,
    "sidecars": {},
    "fargate_base": 0,
    "desired_count": 1,
}


def merged(origin: dict[str, str] | None = None, tags: int = 3, **values: Any) -> MergedVariant:
    """A merged variant: COMPLIANT with `values`, each set by the variant unless `origin` says so."""
    levels = {key: "variant" for key in COMPLIANT} | (origin or {})
    paths = {"pipeline": PIPELINE, "variant": VARIANT, "default": PIPELINE}
    settings = ContainerSettings.model_construct(**{**COMPLIANT, **values})
    return MergedVariant(settings, levels, paths, {f"t{i}": "x" for i in range(tags)})


def test_a_compliant_variant_passes_every_check():
    assert [problem for check in CROSS_FIELD_CHECKS for problem in check(merged())] == []


def test_repository_set():
    assert repository_set(merged()) == []
    (problem,) = repository_set(merged(repository_arn=None))
    assert problem.path == f"{VARIANT}.repository_arn"
    assert "no ECR repository: set repository_arn on the pipeline or the variant" in str(problem)


@pytest.mark.parametrize(("cpu_level", "path"), [("variant", VARIANT), ("pipeline", PIPELINE)])
def test_fits_fargate_reports_where_the_size_was_set(cpu_level, path):
    assert fits_fargate(merged(cpu=2.0, memory=8.0)) == []
    origin = {"cpu": cpu_level, "memory": cpu_level}
    (problem,) = fits_fargate(merged(origin, cpu=2.0, memory=3.0))
    assert problem.path == f"{path}.memory"
    assert "does not fit cpu 2" in str(problem)


def test_capacity_weights():
    assert capacity_weights(merged(fargate_weight=0, fargate_spot_weight=1)) == []
    origin = {"fargate_weight": "pipeline", "fargate_spot_weight": "default"}
    (problem,) = capacity_weights(merged(origin, fargate_weight=0))
    assert problem.path == f"{PIPELINE}.fargate_spot_weight"
    assert "fargate_weight and fargate_spot_weight are both 0; set one of them above 0" in str(problem)


def test_kms_keys_have_secrets():
    assert kms_keys_have_secrets(merged(secrets_kms_key_arns=[KEY], secrets={"TOKEN": "arn"})) == []
    (problem,) = kms_keys_have_secrets(merged({"secrets_kms_key_arns": "pipeline"}, secrets_kms_key_arns=[KEY]))
    assert problem.path == f"{PIPELINE}.secrets_kms_key_arns"
    assert "no secrets to decrypt" in str(problem)


def test_environment_apart_from_secrets():
    assert environment_apart_from_secrets(merged(secrets={"TOKEN": "arn"})) == []
    (problem,) = environment_apart_from_secrets(
        merged(environment={"TOKEN": "x", "A": "1", "B": "2"}, secrets={"B": "arn", "TOKEN": "arn"})
    )
    assert problem.path == f"{VARIANT}.secrets"
    assert "names set both as environment and as secrets" in str(problem) and "['B', 'TOKEN']" in str(problem)


def test_tags_within_limit():
    assert tags_within_limit(merged(tags=50)) == []
    (problem,) = tags_within_limit(merged(tags=51))
    assert problem.path == f"{VARIANT}.tags"
    assert "over 50 tags on a resource (the AWS limit)" in str(problem) and "51" in str(problem)


def test_autoscaling_settings():
    ok = AutoscalingConfig.model_validate({"min": 1, "max": 3, "cpu_target": 60})
    assert autoscaling_settings(merged(autoscaling=ok)) == []
    assert autoscaling_settings(merged(autoscaling=None)) == []
    bad = AutoscalingConfig.model_validate({"min": 4, "max": 3, "cpu_target": 60})
    problems = autoscaling_settings(merged({"autoscaling": "pipeline"}, autoscaling=bad))
    assert problems and all(problem.path.startswith(f"{PIPELINE}.autoscaling") for problem in problems)


def test_resolving_a_config_reports_each_check_at_the_path_a_user_wrote():
    data = default_data()
    control = data["pipelines"]["news-encoder"]["variants"]["control"]
    control.update(fargate_weight=0, fargate_spot_weight=0, memory=1)
    found = config_problems(data)
    assert [line.split(":")[0] for line in found] == [
        "pipelines.news-encoder.variants.control.memory",
        "pipelines.news-encoder.variants.control.fargate_spot_weight",
    ]
