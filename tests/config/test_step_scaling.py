"""`autoscaling.steps` and `disable_scale_in`: defaults, and one clear line per step that AWS would refuse."""

import pytest

from tests.helpers import config_problems, default_data, load

STEPS = "pipelines.news-encoder.variants.treatment.autoscaling.steps"
QUEUE = {"source": "sqs", "queue_name": "articles"}


def with_steps(steps, **block):
    data = default_data()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = {
        "min": 0,
        "max": 8,
        "steps": steps,
        **block,
    }
    return data


def test_defaults_one_minute_to_scale_out_five_to_scale_in_and_scale_in_on():
    steps = {**QUEUE, "scale_out": [{"at_least": 1, "add": 1}], "scale_in": [{"at_most": 0, "remove": 1}]}
    scaling = load(with_steps(steps)).variants[1].settings.autoscaling
    assert (scaling.steps.scale_out_minutes, scaling.steps.scale_in_minutes) == (1, 5)
    assert scaling.disable_scale_in is False


def test_steps_alone_are_something_to_scale_on():
    scaling = load(with_steps({**QUEUE, "scale_out": [{"at_least": 1, "add": 1}]})).variants[1].settings.autoscaling
    assert scaling.steps.scale_out[0].add == 1 and scaling.cpu_target is None and scaling.backlog is None


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ({**QUEUE}, [f"{STEPS}: nothing to scale: set scale_out, scale_in or both"]),
        (
            {**QUEUE, "scale_out": [{"at_least": 100, "add": 2}, {"at_least": 1, "add": 1}]},
            [
                f"{STEPS}.scale_out[1].at_least: not above the step before (100): list scale_out lowest at_least "
                "first, each step higher (a step spans up to the next one) (got 1)"
            ],
        ),
        (
            {**QUEUE, "scale_out": [{"at_least": 1, "add": 1}, {"at_least": 1, "add": 2}]},
            [
                f"{STEPS}.scale_out[1].at_least: not above the step before (1): list scale_out lowest at_least "
                "first, each step higher (a step spans up to the next one) (got 1)"
            ],
        ),
        (
            {**QUEUE, "scale_in": [{"at_most": 0, "remove": 1}, {"at_most": 10, "remove": 2}]},
            [
                f"{STEPS}.scale_in[1].at_most: not below the step before (0): list scale_in highest at_most first, "
                "each step lower (a step spans down to the next one) (got 10)"
            ],
        ),
        (
            {**QUEUE, "scale_out": [{"at_least": 5, "add": 1}], "scale_in": [{"at_most": 5, "remove": 1}]},
            [
                f"{STEPS}.scale_in[0].at_most: not below scale_out's lowest at_least (5): at that signal both alarms "
                "would fire, adding and removing tasks; keep every at_most below every at_least (got 5)"
            ],
        ),
        (
            {**QUEUE, "statistic": "Sum", "scale_out": [{"at_least": 1, "add": 1}]},
            [f"{STEPS}.statistic: not used by source sqs; remove it (it belongs to another source)"],
        ),
        (
            {"source": "cloudwatch", "namespace": "AWS/Kafka", "scale_out": [{"at_least": 1, "add": 1}]},
            [f"{STEPS}.metric_name: required for source cloudwatch"],
        ),
    ],
    ids=["empty", "descending-out", "duplicate-out", "ascending-in", "in-meets-out", "sqs-statistic", "no-metric"],
)
def test_bad_steps_are_one_line_each_with_the_path_and_the_fix(steps, expected):
    assert config_problems(with_steps(steps)) == expected


@pytest.mark.parametrize(
    ("steps", "key", "message"),
    [
        ({**QUEUE, "scale_out": [{"at_least": 1, "add": 0}]}, "scale_out[0].add", "greater than or equal to 1"),
        ({**QUEUE, "scale_in": [{"at_most": 0, "remove": -1}]}, "scale_in[0].remove", "greater than or equal to 1"),
        ({**QUEUE, "scale_out": [{"at_least": float("nan"), "add": 1}]}, "scale_out[0].at_least", "finite number"),
        ({**QUEUE, "scale_out": [{"at_least": 1, "above": 1, "add": 1}]}, "scale_out[0].above", "unknown key"),
        ({**QUEUE, "scale_out": [{"at_least": 1, "add": 1}] * 21}, "scale_out", "at most 20 items"),
        ({**QUEUE, "scale_out": [{"at_least": 1, "add": 1}], "scale_in_minutes": 0}, "scale_in_minutes", ">= 1"),
        ({**QUEUE, "per_task": True, "scale_out": [{"at_least": 1, "add": 1}]}, "per_task", "unknown key"),
    ],
)
def test_step_types_and_ranges(steps, key, message):
    (line,) = config_problems(with_steps(steps))
    assert line.startswith(f"{STEPS}.{key}: "), line
    assert message.replace(">= 1", "greater than or equal to 1") in line, line


def test_disable_scale_in_is_strict():
    (line,) = config_problems(with_steps({**QUEUE, "scale_in": [{"at_most": 0, "remove": 1}]}, disable_scale_in="yes"))
    assert line.startswith("pipelines.news-encoder.variants.treatment.autoscaling.disable_scale_in: "), line
