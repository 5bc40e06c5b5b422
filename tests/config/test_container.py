"""Container settings (config/container.py): health check, restart policy, init process, ulimits,
depends_on and sidecars, as a config states them and as they resolve."""

from __future__ import annotations

from typing import Any

import pytest

from modules.config.container import check_image
from tests.helpers import config_problems, default_data, load

PIPELINE = "pipelines.news-encoder"
CONTROL = f"{PIPELINE}.variants.control"
OTEL = {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}
ROUTER_REPOSITORY = "arn:aws:ecr:ap-northeast-1:123456789012:repository/fluent-bit"


def with_pipeline(**settings: Any) -> dict[str, Any]:
    data = default_data()
    data["pipelines"]["news-encoder"].update(settings)
    return data


def specs(data: dict[str, Any]) -> dict[str, Any]:
    return {spec.variant: spec for spec in load(data).variants}


def test_defaults_no_health_check_no_restarts_init_process_on_no_sidecars():
    control = specs(default_data())["control"]
    assert control.settings.health_check is None
    assert control.settings.restart_policy is None
    assert control.settings.init_process_enabled is True
    assert (
        dict(control.settings.ulimits) == {}
        and dict(control.settings.sidecars) == {}
        and dict(control.settings.depends_on) == {}
    )


def test_health_check_takes_ecs_defaults_and_a_variant_replaces_it_whole():
    data = with_pipeline(health_check={"command": ["CMD-SHELL", "test -f /tmp/ok"], "interval": 10})
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["health_check"] = {"command": ["CMD", "/bin/check"]}
    by_variant = specs(data)
    control, treatment = by_variant["control"].settings.health_check, by_variant["treatment"].settings.health_check
    assert (control.interval, control.timeout, control.retries, control.start_period) == (10, 5, 3, 0)
    assert treatment.command == ["CMD", "/bin/check"] and treatment.interval == 30


@pytest.mark.parametrize(
    ("check", "where", "fragment"),
    [
        ({"command": ["test -f /tmp/ok"]}, "health_check.command", "at least 2"),
        ({"command": ["sh", "-c", "true"]}, "health_check.command", 'start with "CMD"'),
        ({"command": ["CMD-SHELL", "true", "false"]}, "health_check.command", "exactly one string"),
        ({"command": ["CMD", "true"], "interval": 4}, "health_check.interval", "greater than or equal to 5"),
        ({"command": ["CMD", "true"], "timeout": 61}, "health_check.timeout", "less than or equal to 60"),
        ({"command": ["CMD", "true"], "retries": 11}, "health_check.retries", "less than or equal to 10"),
        ({"command": ["CMD", "true"], "start_period": 301}, "health_check.start_period", "less than or equal to 300"),
    ],
)
def test_health_check_outside_ecs_ranges_is_refused(check, where, fragment):
    (problem,) = config_problems(with_pipeline(health_check=check))
    assert problem.startswith(f"{PIPELINE}.{where}") and fragment in problem, problem


def test_restart_policy_defaults_and_enabled_false_turns_a_pipelines_policy_off_for_one_variant():
    data = with_pipeline(restart_policy={"ignored_exit_codes": [0]})
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["restart_policy"] = {"enabled": False}
    by_variant = specs(data)
    assert by_variant["control"].settings.restart_policy.restart_attempt_period == 300
    assert by_variant["control"].settings.restart_policy.ignored_exit_codes == [0]
    assert by_variant["treatment"].settings.restart_policy is None


@pytest.mark.parametrize(
    ("policy", "where", "fragment"),
    [
        ({"restart_attempt_period": 59}, "restart_policy.restart_attempt_period", "greater than or equal to 60"),
        ({"restart_attempt_period": 1801}, "restart_policy.restart_attempt_period", "less than or equal to 1800"),
        ({"ignored_exit_codes": list(range(51))}, "restart_policy.ignored_exit_codes", "at most 50"),
        ({"ignored_exit_codes": [256]}, "restart_policy.ignored_exit_codes[0]", "less than or equal to 255"),
    ],
)
def test_restart_policy_outside_ecs_limits_is_refused(policy, where, fragment):
    (problem,) = config_problems(with_pipeline(restart_policy=policy))
    assert problem.startswith(f"{PIPELINE}.{where}") and fragment in problem, problem


def test_init_process_can_be_turned_off_per_variant():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["init_process_enabled"] = False
    by_variant = specs(data)
    assert (
        by_variant["control"].settings.init_process_enabled
        and not by_variant["treatment"].settings.init_process_enabled
    )


def test_ulimits_merge_by_name():
    data = with_pipeline(ulimits={"nofile": {"soft": 65536, "hard": 65536}, "nproc": {"soft": 100, "hard": 200}})
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["ulimits"] = {"nofile": {"soft": 1024, "hard": 4096}}
    treatment = specs(data)["treatment"]
    assert {name: (u.soft, u.hard) for name, u in treatment.settings.ulimits.items()} == {
        "nofile": (1024, 4096),
        "nproc": (100, 200),
    }


@pytest.mark.parametrize(
    ("ulimits", "where", "fragment"),
    [
        ({"nofiles": {"soft": 1, "hard": 1}}, "ulimits.nofiles", "'nofile'"),
        ({"nofile": {"soft": 2, "hard": 1}}, "ulimits.nofile", "soft 2 is above hard 1"),
        ({"nofile": {"soft": 1, "hard": 1048577}}, "ulimits.nofile.hard", "fs.nr_open 1048576"),
        ({"nofile": {"soft": -1, "hard": 1}}, "ulimits.nofile.soft", "greater than or equal to 0"),
    ],
)
def test_bad_ulimits_are_refused(ulimits, where, fragment):
    (problem,) = config_problems(with_pipeline(ulimits=ulimits))
    assert problem.startswith(f"{PIPELINE}.{where}") and fragment in problem, problem


@pytest.mark.parametrize(
    "image",
    [
        "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1",
        "otel/opentelemetry-collector-contrib:0.115.0",
        "localhost:5000/tools/agent:1",
        f"public.ecr.aws/datadog/agent:latest@sha256:{'a' * 64}",
        f"fluent/fluent-bit@sha256:{'0' * 64}",
    ],
)
def test_pinned_image_references_are_accepted(image):
    assert check_image(image) == image


@pytest.mark.parametrize(
    ("image", "fragment"),
    [
        ("fluent/fluent-bit", "no tag or digest"),
        ("public.ecr.aws/aws-observability/aws-otel-collector:latest", "`latest` is not pinned"),
        ("localhost:5000/tools/agent", "no tag or digest"),
        ("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/fluent-bit:3.2.4", "set repository_arn"),
        ("Upper/Case:1", "not an image reference"),
    ],
)
def test_unpinned_or_private_ecr_images_are_refused(image, fragment):
    (problem,) = config_problems(with_pipeline(sidecars={"agent": {"image": image, "user": "1000"}}))
    assert problem.startswith(f"{PIPELINE}.sidecars.agent.image") and fragment in problem, problem


def test_sidecars_merge_by_name_and_a_variants_sidecar_replaces_the_pipelines_whole():
    data = with_pipeline(sidecars={"otel-collector": {**OTEL, "cpu": 0.25}, "agent": {**OTEL, "essential": True}})
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["sidecars"] = {"otel-collector": {**OTEL}}
    by_variant = specs(data)
    assert list(by_variant["control"].settings.sidecars) == ["agent", "otel-collector"]
    assert by_variant["control"].settings.sidecars["otel-collector"].cpu == 0.25
    assert by_variant["treatment"].settings.sidecars["otel-collector"].cpu is None
    assert by_variant["treatment"].settings.sidecars["agent"].essential is True
    assert by_variant["treatment"].settings.sidecars["otel-collector"].essential is False


@pytest.mark.parametrize(
    ("sidecar", "where", "fragment"),
    [
        ({"user": "1000"}, "sidecars.agent", "no image"),
        ({**OTEL, "repository_arn": ROUTER_REPOSITORY, "image_tag": "1"}, "sidecars.agent", "not both"),
        ({"repository_arn": ROUTER_REPOSITORY}, "sidecars.agent.image_tag", "set image_tag or image_digest"),
        ({"repository_arn": ROUTER_REPOSITORY, "image_tag": "latest"}, "sidecars.agent.image_tag", "`latest`"),
        ({**OTEL, "environment": {"A": "1"}, "secrets": {"A": ROUTER_REPOSITORY}}, "sidecars.agent.secrets.A", "not a"),
        ({**OTEL, "cpu": 0.1}, "sidecars.agent.cpu", "multiple of 1/1024"),
        ({**OTEL, "memory": 0.001}, "sidecars.agent.memory", "at least 6"),
        ({**OTEL, "cpu": 1}, "sidecars.agent.cpu", "not below the task's 1 vCPU"),
        ({**OTEL, "memory": 2}, "sidecars.agent.memory", "not below the task's 2 GiB"),
        ({**OTEL, "user": "-1"}, "sidecars.agent.user", "uid[:gid]"),
        ({**OTEL, "privileged": True}, "sidecars.agent.privileged", "unknown key"),
    ],
)
def test_bad_sidecars_are_refused_at_their_path(sidecar, where, fragment):
    problems = config_problems(with_pipeline(sidecars={"agent": sidecar}))
    assert any(p.startswith(f"{PIPELINE}.{where}") and fragment in p for p in problems), problems


def test_sidecar_shares_add_up_against_the_variants_task_size():
    data = with_pipeline(sidecars={"a": {**OTEL, "memory": 1}, "b": {**OTEL, "memory": 0.5}})
    assert specs(data)["treatment"].settings.sidecars["a"].memory == 1  # 8 GiB task: fits
    data["pipelines"]["news-encoder"]["sidecars"]["b"]["memory"] = 1
    (problem,) = config_problems(data)
    assert problem.startswith(f"{PIPELINE}.sidecars.b.memory") and "adds up to 2 GiB" in problem


def test_a_sidecar_named_like_the_main_container_is_refused():
    (problem,) = config_problems(with_pipeline(sidecars={"news-encoder": OTEL}))
    assert problem.startswith(f"{PIPELINE}.sidecars.news-encoder") and "rename it" in problem


@pytest.mark.parametrize(
    ("main_depends_on", "sidecars", "where", "fragment"),
    [
        ({"otel": "START"}, {}, "depends_on.otel", "no such container; containers: news-encoder"),
        ({}, {"otel": {**OTEL, "depends_on": {"otel": "START"}}}, "sidecars.otel.depends_on.otel", "itself"),
        ({"otel": "HEALTHY"}, {"otel": OTEL}, "depends_on.otel", "HEALTHY needs a health_check on otel"),
        ({"otel": "SUCCESS"}, {"otel": {**OTEL, "essential": True}}, "depends_on.otel", "it is essential"),
        (
            {},
            {"otel": {**OTEL, "depends_on": {"news-encoder": "COMPLETE"}}},
            "sidecars.otel.depends_on.news-encoder",
            "it is essential",
        ),
        (
            {"otel": "START"},
            {"otel": {**OTEL, "depends_on": {"news-encoder": "START"}}},
            "depends_on.otel",
            "a dependency cycle (news-encoder -> otel -> news-encoder)",
        ),
        ({"bad_name": "START"}, {}, "depends_on.bad_name", "invalid name"),
        ({"otel": "RUNNING"}, {"otel": OTEL}, "depends_on.otel", "'START'"),
    ],
)
def test_bad_dependencies_are_refused_at_their_dotted_path(main_depends_on, sidecars, where, fragment):
    problems = config_problems(with_pipeline(depends_on=main_depends_on, sidecars=sidecars))
    assert any(p.startswith(f"{PIPELINE}.{where}") and fragment in p for p in problems), problems


def test_a_three_container_cycle_is_found():
    sidecars = {
        "a": {**OTEL, "depends_on": {"b": "START"}},
        "b": {**OTEL, "depends_on": {"c": "START"}},
        "c": {**OTEL, "depends_on": {"a": "START"}},
    }
    problems = config_problems(with_pipeline(sidecars=sidecars))
    assert [p for p in problems if "a dependency cycle (a -> b -> c -> a)" in p], problems


def test_valid_dependencies_both_ways_resolve():
    sidecars = {
        "otel": {**OTEL, "health_check": {"command": ["CMD", "/healthcheck"]}},
        "warmup": {**OTEL, "depends_on": {"otel": "HEALTHY"}},
        "shipper": {**OTEL, "depends_on": {"news-encoder": "START"}},
    }
    control = specs(with_pipeline(depends_on={"otel": "HEALTHY", "warmup": "SUCCESS"}, sidecars=sidecars))["control"]
    assert dict(control.settings.depends_on) == {"otel": "HEALTHY", "warmup": "SUCCESS"}


def test_secrets_kms_keys_count_a_sidecars_secrets():
    key = "arn:aws:kms:ap-northeast-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    secret = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/router-token"
    data = with_pipeline(secrets={}, secrets_kms_key_arns=[key], sidecars={"agent": {**OTEL, "secrets": {"T": secret}}})
    assert specs(data)["control"].settings.sidecars["agent"].secrets == {"T": secret}
    data["pipelines"]["news-encoder"]["sidecars"] = {}
    (problem,) = config_problems(data)
    assert "no secrets to decrypt" in problem


def test_every_container_is_resolved_in_config_the_main_one_first_then_the_sidecars_by_name():
    sidecars = {
        "router": {"repository_arn": ROUTER_REPOSITORY, "image_tag": "3.2", "restart_policy": {"enabled": False}},
        "otel": {**OTEL, "restart_policy": {"enabled": True}},
    }
    control = specs(with_pipeline(sidecars=sidecars))["control"]
    main, otel, router = control.containers
    assert (main.name, otel.name, router.name) == ("news-encoder", "otel", "router")
    assert main.image == control.image.uri and main.repository_arn == control.repository.arn
    assert (otel.repository_arn, otel.image) == (None, OTEL["image"])
    assert router.repository_arn == ROUTER_REPOSITORY and router.image.endswith("/fluent-bit:3.2")
    assert router.restart_policy is None and otel.restart_policy is not None, "enabled: false is no policy"
    assert {c.log_group for c in control.containers} == {control.names.log_group}
    assert [c.tmp_volume for c in control.containers] == ["tmp", "tmp-otel", "tmp-router"]


@pytest.mark.parametrize("cpu", [float("nan"), float("inf"), -float("inf")])
def test_a_task_size_that_is_not_a_number_is_refused_with_sidecars(cpu):
    data = default_data()
    data["pipelines"]["news-encoder"]["sidecars"] = {"otel": {**OTEL, "cpu": 0.25}}
    data["pipelines"]["news-encoder"]["cpu"] = cpu
    (found,) = config_problems(data)
    assert found.startswith(f"{PIPELINE}.cpu: Input should be a finite number")


def test_a_sidecar_tag_without_its_repository_is_refused():
    data = default_data()
    data["pipelines"]["news-encoder"]["sidecars"] = {
        "router": {"repository_arn": None, "image_tag": "3.2", "user": "1"}
    }
    (found,) = config_problems(data)
    assert found.startswith(f"{PIPELINE}.sidecars.router: image_tag and image_digest need repository_arn")
