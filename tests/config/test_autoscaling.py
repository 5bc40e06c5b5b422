"""The autoscaling block and image_owner: inheritance, defaults, and one clear line per bad input."""

import pytest

from tests.helpers import config_problems, default_data, load, to_yaml

PIPELINE = "pipelines.news-encoder"
TREATMENT = f"{PIPELINE}.variants.treatment"
CPU = {"min": 1, "max": 4, "cpu_target": 70}


def with_scaling(pipeline=None, **variants):
    data = default_data()
    if pipeline is not None:
        data["pipelines"]["news-encoder"]["autoscaling"] = pipeline
    for name, block in variants.items():
        data["pipelines"]["news-encoder"]["variants"][name]["autoscaling"] = block
    return data


def test_defaults_are_no_autoscaling_and_terraform_owned_images():
    for spec in load(default_data()).variants:
        assert spec.settings.autoscaling is None
        assert spec.settings.image_owner == "terraform"


def test_a_variant_inherits_the_pipeline_block_and_documented_cooldowns():
    control, treatment = load(with_scaling(CPU)).variants
    assert control.settings.autoscaling == treatment.settings.autoscaling
    assert (
        control.settings.autoscaling.min,
        control.settings.autoscaling.max,
        control.settings.autoscaling.cpu_target,
    ) == (1, 4, 70)
    assert (control.settings.autoscaling.scale_in_cooldown, control.settings.autoscaling.scale_out_cooldown) == (
        300,
        60,
    )


def test_a_variant_block_replaces_the_pipeline_block_whole():
    pipeline = {**CPU, "backlog": {"source": "sqs", "queue_name": "articles", "target": 50}}
    control, treatment = load(with_scaling(pipeline, treatment={"min": 0, "max": 2, "memory_target": 80})).variants
    assert control.settings.autoscaling.backlog.queue_name == "articles"
    assert treatment.settings.autoscaling.backlog is None and treatment.settings.autoscaling.cpu_target is None
    assert (
        treatment.settings.autoscaling.min,
        treatment.settings.autoscaling.max,
        treatment.settings.autoscaling.memory_target,
    ) == (0, 2, 80)


def test_enabled_false_turns_the_pipeline_block_off_for_one_variant():
    control, treatment = load(with_scaling(CPU, treatment={"enabled": False})).variants
    assert control.settings.autoscaling is not None
    assert treatment.settings.autoscaling is None


def test_image_owner_is_inherited_and_overridable():
    data = default_data()
    data["pipelines"]["news-encoder"]["image_owner"] = "ci"
    data["pipelines"]["news-encoder"]["variants"]["control"]["image_owner"] = "terraform"
    control, treatment = load(data).variants
    assert (control.settings.image_owner, treatment.settings.image_owner) == ("terraform", "ci")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            {"min": 5, "max": 2, "cpu_target": 70},
            f"{TREATMENT}.autoscaling.min: min is above max 2: set min <= max (got 5)",
        ),
        ({"min": -1, "max": 2, "cpu_target": 70}, f"{TREATMENT}.autoscaling.min: a task count: use 0-1000 (got -1)"),
        (
            {"min": 0, "max": 1001, "cpu_target": 70},
            f"{TREATMENT}.autoscaling.max: a task count: use 0-1000 (got 1001)",
        ),
        (
            {"min": 1, "max": 2, "cpu_target": 0},
            f"{TREATMENT}.autoscaling.cpu_target: a utilisation target is a percentage: use 1-100 (got 0)",
        ),
        (
            {"min": 1, "max": 2, "memory_target": 150},
            f"{TREATMENT}.autoscaling.memory_target: a utilisation target is a percentage: use 1-100 (got 150)",
        ),
        ({"max": 2, "cpu_target": 50}, f"{TREATMENT}.autoscaling.min: required key is missing"),
        (
            {"min": 1, "max": 2},
            f"{TREATMENT}.autoscaling: nothing to scale on: set cpu_target, memory_target, backlog, steps or schedules "
            "(or enabled: false)",
        ),
        (
            {"min": 1, "max": 2, "backlog": {"source": "kafka", "target": 10}},
            f"{TREATMENT}.autoscaling.backlog.source: unknown metric source; use sqs (queue backlog per running task), "
            "kinesis (GetRecords.IteratorAgeMilliseconds), cloudwatch (any CloudWatch metric, e.g. MSK consumer lag) "
            "(got 'kafka')",
        ),
        (
            {"min": 1, "max": 2, "backlog": {"source": "sqs", "target": 10}},
            f"{TREATMENT}.autoscaling.backlog.queue_name: required for source sqs",
        ),
        (
            {"min": 1, "max": 2, "backlog": {"source": "kinesis", "stream_name": "s", "queue_name": "q", "target": 9}},
            f"{TREATMENT}.autoscaling.backlog.queue_name: not used by source kinesis; remove it "
            "(it belongs to another source)",
        ),
        (
            {"min": 1, "max": 2, "backlog": {"source": "cloudwatch", "namespace": "AWS/Kafka", "target": 9}},
            f"{TREATMENT}.autoscaling.backlog.metric_name: required for source cloudwatch",
        ),
        (
            {"min": 1, "max": 2, "schedules": {"night": {"schedule": "cron(0 22 * * *)", "min": 0}}},
            f"{TREATMENT}.autoscaling.schedules.night.schedule: cron(...) takes 6 fields (minutes hours day-of-month "
            "month day-of-week year), got 5; e.g. cron(0 22 * * ? *) for 22:00 every day (got 'cron(0 22 * * *)')",
        ),
        (
            {"min": 1, "max": 2, "schedules": {"night": {"schedule": "rate(1 days)", "min": 0}}},
            f"{TREATMENT}.autoscaling.schedules.night.schedule: write rate(1 day) (singular unit for 1, plural "
            "otherwise) (got 'rate(1 days)')",
        ),
        (
            {"min": 1, "max": 2, "schedules": {"night": {"schedule": "rate(1 day)"}}},
            f"{TREATMENT}.autoscaling.schedules.night: set min, max or both: the bounds this schedule applies",
        ),
        (
            {"min": 1, "max": 2, "schedules": {"night": {"schedule": "rate(1 day)", "min": 3, "max": 1}}},
            f"{TREATMENT}.autoscaling.schedules.night.min: min is above max 1: set min <= max (got 3)",
        ),
        (
            {"min": 1, "max": 2, "schedules": {"peak": {"schedule": "rate(1 day)", "min": 5}}},
            f"{TREATMENT}.autoscaling.schedules.peak.min: above the block's max 2, which this schedule leaves as is; "
            "set max here too (got 5)",
        ),
        (
            {"min": 2, "max": 4, "schedules": {"night": {"schedule": "rate(1 day)", "max": 0}}},
            f"{TREATMENT}.autoscaling.schedules.night.max: below the block's min 2, which this schedule leaves as is; "
            "set min here too (got 0)",
        ),
    ],
)
def test_bad_autoscaling_is_one_line_with_the_path_and_the_fix(block, expected):
    assert config_problems(with_scaling(treatment=block)) == [expected]


@pytest.mark.parametrize(
    ("block", "key", "message"),
    [
        ({"min": "1", "max": 2, "cpu_target": 50}, "min", "Input should be a valid integer (got '1')"),
        ({"min": 1.0, "max": 2, "cpu_target": 50}, "min", "Input should be a valid integer (got 1)"),
        ({"min": 1, "max": 2, "cpu_target": True}, "cpu_target", "Input should be a valid number (got True)"),
        ({"enabled": "yes", "min": 1, "max": 2, "cpu_target": 50}, "enabled", "Input should be a valid boolean"),
        ({"min": 1, "max": 2, "cpu_target": 50, "scale_in_cooldown": "60"}, "scale_in_cooldown", "valid integer"),
        (
            {"min": 1, "max": 2, "backlog": {"source": "sqs", "queue_name": "q", "target": float("inf")}},
            "backlog.target",
            "Input should be a finite number (got inf)",
        ),
        (
            {
                "min": 1,
                "max": 2,
                "backlog": {
                    "source": "cloudwatch",
                    "namespace": "N",
                    "metric_name": "M",
                    "target": 5,
                    "dimensions": {"Topic": 7},
                },
            },
            "backlog.dimensions.Topic",
            "Input should be a valid string (got 7)",
        ),
    ],
)
def test_autoscaling_types_are_strict_and_numbers_finite(block, key, message):
    """As everywhere else in the schema: no coercion of strings, booleans or floats, no inf/nan."""
    (line,) = config_problems(with_scaling(treatment=block))
    assert line.startswith(f"{TREATMENT}.autoscaling.{key}: "), line
    assert message in line, line


def test_a_bad_pipeline_block_is_reported_once_at_the_pipeline():
    assert config_problems(with_scaling({"min": 3, "max": 1, "cpu_target": 50})) == [
        f"{PIPELINE}.autoscaling.min: min is above max 1: set min <= max (got 3)"
    ]


def test_unknown_image_owner():
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["image_owner"] = "github"
    assert config_problems(data) == [f"{TREATMENT}.image_owner: Input should be 'terraform' or 'ci' (got 'github')"]


def test_unknown_key_in_the_block_suggests_the_right_one():
    (line,) = config_problems(with_scaling(treatment={"min": 1, "max": 2, "cpu_traget": 50}))
    assert line.startswith(f"{TREATMENT}.autoscaling.cpu_traget: unknown key; did you mean 'cpu_target'?")


def test_validate_exits_2_with_one_line_per_autoscaling_problem(tmp_path):
    from tests.helpers import run

    data = with_scaling(treatment={"min": 4, "max": 2, "schedules": {"night": {"schedule": "rate(2 hour)", "min": 0}}})
    data["pipelines"]["news-encoder"]["variants"]["control"]["autoscaling"] = {
        "min": 1,
        "max": 2,
        "backlog": {"source": "rabbitmq", "target": 5},
    }
    bad = tmp_path / "bad.yaml"
    bad.write_text(to_yaml(data))
    result = run("validate", "--config", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {bad}: 2 problems"
    assert lines[1].startswith(f"  {PIPELINE}.variants.control.autoscaling.backlog.source: unknown metric source")
    assert lines[2].startswith(f"  {TREATMENT}.autoscaling.schedules.night.schedule: write rate(2 hours)")
