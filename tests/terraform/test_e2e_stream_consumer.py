"""examples/stream-consumer.yaml on moto: plan, apply, what the provider read back, a re-plan with no
changes, destroy (tests/terraform/cycles.py). Marked e2e: `make e2e`."""

from __future__ import annotations

import pytest

from tests.terraform.cycles import checked, service_arns, together

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def outcomes(terraform, tmp_path_factory):
    return together(terraform, tmp_path_factory, "stream_consumer")


def test_the_stream_consumer_example_applies_as_a_careful_operator_runs_it(outcomes):
    """examples/stream-consumer.yaml: what the provider read back after apply is a 0/100 deployment rolled
    back by its own lag and running-tasks alarms, one task on on-demand FARGATE before Spot, and a health
    checked consumer that waits for its healthy OpenTelemetry sidecar."""
    (done,) = checked(outcomes).values()
    assert len(service_arns(done.outputs)) == 2
    for variant in ("control", "treatment"):
        service = done.services[f"aws_ecs_service.click-embedder_{variant}"]
        percents = service["deployment_minimum_healthy_percent"], service["deployment_maximum_percent"]
        assert percents == (0, 100)
        (alarms,) = service["alarms"]
        assert (alarms["enable"], alarms["rollback"]) == (True, True)
        assert sorted(alarms["alarm_names"]) == [
            f"clickstream_click-embedder_{variant}_{suffix}" for suffix in ("stream_lag", "tasks")
        ]
        strategy = {
            s["capacity_provider"]: (s["base"] or 0, s["weight"]) for s in service["capacity_provider_strategy"]
        }
        assert strategy == {"FARGATE": (1, 1), "FARGATE_SPOT": (0, 3)}
        containers = {c["name"]: c for c in done.containers[f"aws_ecs_task_definition.click-embedder_{variant}"]}
        main = containers["click-embedder"]
        assert main["dependsOn"] == [{"containerName": "otel-collector", "condition": "HEALTHY"}]
        assert main["healthCheck"]["command"][0] == "CMD-SHELL" and "healthCheck" in containers["otel-collector"]
