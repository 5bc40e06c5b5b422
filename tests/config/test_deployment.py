"""The `deployment`, `exec` and `fargate_base` keys: merging, defaults and the refusals, with dotted paths."""

from __future__ import annotations

import dataclasses

import pytest

from modules.config.deployment import DeploymentConfig, DeploymentSpec, resolve_deployment, stalls
from tests.helpers import config_problems, default_data, load

P, V = "pipelines.news-encoder", "pipelines.news-encoder.variants.control"
SQS = {"source": "sqs", "queue_name": "q", "target": 10}


def spec(data, variant="control"):
    return next(s for s in load(data).variants if s.variant == variant)


def test_defaults_keep_every_old_task_until_its_replacement_runs_and_wait_for_steady_state():
    deployment = spec(default_data()).deployment
    assert (deployment.minimum_healthy_percent, deployment.maximum_percent) == (100, 200)
    assert deployment.rollback and deployment.wait_for_steady_state
    assert deployment.alarms == () and deployment.timeouts == ()
    assert spec(default_data()).settings.fargate_base == 0 and not spec(default_data()).exec_enabled


def test_the_specs_defaults_are_the_declared_ones_of_every_deployment_key():
    """A construct given no deployment behaves as a variant that sets no `deployment` key."""
    assert [f.name for f in dataclasses.fields(DeploymentSpec)] == list(DeploymentConfig.model_fields)
    resolved, problems = resolve_deployment([], observability=None, desired_count=1, autoscaling=None)
    assert (resolved, problems) == (DeploymentSpec(), [])


def test_a_variant_with_a_lag_alarm_watches_its_deployments_with_it_by_default():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 1, "max": 4, "backlog": SQS}
    assert spec(data).deployment.alarms == ("stream_lag",)


def test_deployment_merges_key_by_key_variant_over_pipeline():
    data = default_data()
    data["pipelines"]["news-encoder"]["deployment"] = {"minimum_healthy_percent": 0, "maximum_percent": 100}
    data["pipelines"]["news-encoder"]["variants"]["control"]["deployment"] = {
        "alarms": ["tasks"],
        "rollback": False,
        "timeouts": {"update": 30},
    }
    control, treatment = spec(data), spec(data, "treatment")
    assert (control.deployment.minimum_healthy_percent, control.deployment.maximum_percent) == (0, 100)
    assert control.deployment.alarms == ("tasks",) and not control.deployment.rollback
    assert control.deployment.timeouts == (("update", 30),)
    assert treatment.deployment.alarms == () and treatment.deployment.rollback


def test_exec_is_per_variant_and_off_unless_enabled():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["exec"] = {"enabled": True}
    assert spec(data).exec_enabled and not spec(data, "treatment").exec_enabled


@pytest.mark.parametrize(
    ("minimum", "maximum", "tasks", "stuck"),
    [
        (100, 100, 1, True),
        (50, 100, 1, True),
        (0, 100, 1, False),
        (100, 200, 1, False),
        (50, 100, 4, False),
        (100, 150, 1, True),
        (100, 150, 2, False),
        (0, 100, 0, False),
    ],
)
def test_stalls_is_ecs_rounding_minimum_up_and_maximum_down(minimum, maximum, tasks, stuck):
    assert stalls(minimum, maximum, tasks) is stuck


def test_percents_with_which_a_deployment_cannot_progress_are_refused_at_the_key():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["deployment"] = {"maximum_percent": 100}
    assert config_problems(data) == [
        f"{V}.deployment.maximum_percent: with minimum_healthy_percent 100 ECS can neither start nor stop a task at "
        "1 desired task(s), so a deployment never progresses; raise maximum_percent or lower minimum_healthy_percent "
        "(got 100)"
    ]


def test_percents_are_checked_at_every_autoscaled_count():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 2, "max": 4, "cpu_target": 60}
    data["pipelines"]["news-encoder"]["deployment"] = {"minimum_healthy_percent": 75, "maximum_percent": 100}
    (problem,) = set(config_problems(data))
    assert problem.startswith(f"{P}.deployment.maximum_percent: with minimum_healthy_percent 75")
    assert "at 2 desired task(s)" in problem


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("minimum_healthy_percent", 101, "Input should be less than or equal to 100"),
        ("maximum_percent", 99, "Input should be greater than or equal to 100"),
        ("maximum_percent", 201, "Input should be less than or equal to 200"),
    ],
)
def test_percents_outside_ecs_ranges_are_refused(key, value, message):
    data = default_data()
    data["pipelines"]["news-encoder"]["deployment"] = {key: value}
    (problem,) = set(config_problems(data))
    assert problem.startswith(f"{P}.deployment.{key}: ") and message in problem


def test_an_alarm_the_variant_does_not_have_is_refused_at_its_index():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["deployment"] = {"alarms": ["tasks", "stream_lag"]}
    assert config_problems(data) == [
        f"{V}.deployment.alarms[1]: the variant has no stream_lag alarm; it has tasks, errors, cpu, memory "
        "(stream_lag needs autoscaling.backlog) (got 'stream_lag')"
    ]


def test_an_alarm_with_observability_off_is_refused():
    data = default_data()
    data["pipelines"]["news-encoder"]["observability"] = {"enabled": False}
    data["pipelines"]["news-encoder"]["deployment"] = {"alarms": ["errors"]}
    assert set(config_problems(data)) == {
        f"{P}.deployment.alarms[0]: the variant has no alarms: observability is off (got 'errors')"
    }


def test_a_fargate_base_above_the_task_count_is_refused():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["fargate_base"] = 2
    assert config_problems(data) == [
        f"{V}.fargate_base: more than the variant's 1 task(s) (desired_count); use 0-1 (got 2)"
    ]


def test_a_fargate_base_up_to_autoscaling_max_is_accepted():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 1, "max": 4, "cpu_target": 60}
    data["pipelines"]["news-encoder"]["fargate_base"] = 4
    assert spec(data).settings.fargate_base == 4
    data["pipelines"]["news-encoder"]["fargate_base"] = 5
    assert set(config_problems(data)) == {
        f"{P}.fargate_base: more than the variant's 4 task(s) (autoscaling.max); use 0-4 (got 5)"
    }


def test_exec_logging_keys_are_checked():
    data = default_data()
    data.setdefault("cluster", {})["exec_logging"] = {"log_retention_days": 2, "kms_key_arn": "alias/x"}
    problems = config_problems(data)
    assert any(p.startswith("cluster.exec_logging.log_retention_days: ") for p in problems)
    assert any(p.startswith("cluster.exec_logging.kms_key_arn: not a KMS key ARN") for p in problems)


@pytest.mark.parametrize("key", ["minimum_healthy_percent", "maximum_percent", "rollback", "timeouts"])
def test_a_key_written_null_is_refused_at_its_path_not_taken_as_a_value(key):
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["deployment"] = {key: None}
    assert config_problems(data) == [
        f"{V}.deployment.{key}: null is not a value here; remove the key to inherit it (got None)"
    ]


def test_availability_zone_rebalancing_takes_only_what_ecs_accepts():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["control"]["availability_zone_rebalancing"] = "enabled"
    (problem,) = config_problems(data)
    assert problem.startswith(f"{V}.availability_zone_rebalancing: ") and "'ENABLED'" in problem, problem
