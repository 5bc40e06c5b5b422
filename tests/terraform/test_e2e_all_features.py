"""examples/all-features.yaml (every feature in one config) on moto: plan, apply, what the API holds after
apply, a re-plan with no changes, destroy (tests/terraform/cycles.py). Marked e2e: `make e2e`."""

from __future__ import annotations

import pytest

from tests.terraform.cycles import checked, service_arns, together

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return together(terraform, tmp_path_factory, "all_features")


def test_every_feature_applies_replans_clean_and_destroys(outcomes):
    (done,) = checked(outcomes).values()
    assert done.destroyed
    assert len(service_arns(done.outputs)) == 3


def test_container_settings_reach_the_api_as_synthesized(outcomes):
    """The health checks, restart policies, init process, ulimits, dependencies and sidecars of
    all-features are what the ECS API holds after apply (read back by the provider), not dropped
    on the way (a field the provider did not know would vanish on both sides and still re-plan clean)."""
    (done,) = checked(outcomes).values()
    control = {c["name"]: c for c in done.containers["aws_ecs_task_definition.news-encoder_control"]}
    main, otel = control["news-encoder"], control["otel-collector"]
    assert main["healthCheck"] == {
        "command": ["CMD-SHELL", "test -f /tmp/healthy"],
        "interval": 15,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 60,
    }
    assert main["linuxParameters"]["initProcessEnabled"] is True
    assert main["ulimits"] == [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}]
    assert main["dependsOn"] == [{"containerName": "otel-collector", "condition": "HEALTHY"}]
    assert otel["restartPolicy"] == {"enabled": True, "ignoredExitCodes": [0], "restartAttemptPeriod": 60}
    assert (otel["essential"], otel["cpu"], otel["memory"], otel["user"]) == (False, 256, 256, "10001")
    treatment = {c["name"]: c for c in done.containers["aws_ecs_task_definition.news-encoder_treatment"]}
    assert treatment["news-encoder"]["restartPolicy"]["restartAttemptPeriod"] == 120
    clicks = {c["name"]: c for c in done.containers["aws_ecs_task_definition.click-aggregator_control"]}
    assert "linuxParameters" not in clicks["click-aggregator"] and clicks["log-router"]["essential"] is True


def test_the_experiments_tags_reach_the_api(outcomes):
    """The experiment's tags on every service of its pipeline as the ECS API holds them after apply; the dashboard
    with its header (its hypothesis holds `${LAG}`, planned as written) and overlaid graphs was accepted (the
    clean re-plan reads its body back)."""
    (done,) = checked(outcomes).values()
    experiment = {
        "experiment": "encoder-batch-64",
        "experiment-owner": "ml-platform@example.com",
        "experiment-start": "2026-11-30",
    }
    for variant in ("control", "treatment"):
        service = done.services[f"aws_ecs_service.news-encoder_{variant}"]
        tags = service["tags"]
        assert {key: tags.get(key) for key in experiment} == experiment, (tags, service.get("tags_all"))
    assert not set(experiment) & set(done.services["aws_ecs_service.click-aggregator_control"]["tags"])
