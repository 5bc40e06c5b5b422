"""The observability block: key-by-key inheritance (top level, pipeline, variant), defaults, and one line per bad
value at its dotted path."""

import pytest

from modules.config import ConfigError
from modules.config.observability import partition_of
from tests.helpers import default_data, load

PIPELINE = "pipelines.news-encoder"
TREATMENT = f"{PIPELINE}.variants.treatment"
TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:pipeline-alarms"
SQS = {"min": 1, "max": 4, "backlog": {"source": "sqs", "queue_name": "articles", "target": 50}}


def with_observability(top=None, pipeline=None, **variants):
    data = default_data()
    if top is not None:
        data["observability"] = top
    if pipeline is not None:
        data["pipelines"]["news-encoder"]["observability"] = pipeline
    for name, block in variants.items():
        data["pipelines"]["news-encoder"]["variants"][name]["observability"] = block
    return data


def problems(data) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(data)
    return [str(p) for p in caught.value.problems]


def test_on_by_default_with_the_documented_defaults():
    for spec in load(default_data()).variants:
        obs = spec.observability
        assert obs is not None
        assert obs.alarm_topic_arns == ()
        assert obs.error_terms == ("ERROR", "Exception", "Traceback")
        assert (obs.tasks_below_desired_minutes, obs.error_threshold, obs.period) == (5, 10, 60)
        assert (obs.cpu_threshold, obs.memory_threshold, obs.saturation_minutes) == (90, 90, 15)
        assert obs.stream_lag_threshold is None, "no autoscaling.backlog: no stream signal to alarm on"
        assert obs.deployment_failure_events is False


def test_keys_merge_one_by_one_from_top_level_to_pipeline_to_variant():
    data = with_observability(
        top={"alarm_topic_arns": [TOPIC], "cpu_threshold": 80},
        pipeline={"cpu_threshold": 85, "error_threshold": 3},
        treatment={"error_threshold": 7},
    )
    control, treatment = (spec.observability for spec in load(data).variants)
    assert control.alarm_topic_arns == treatment.alarm_topic_arns == (TOPIC,)
    assert control.cpu_threshold == treatment.cpu_threshold == 85
    assert (control.error_threshold, treatment.error_threshold) == (3, 7)


def test_enabled_false_turns_it_off_at_any_level_and_a_nearer_level_turns_it_back_on():
    control, treatment = load(with_observability(treatment={"enabled": False})).variants
    assert control.observability is not None and treatment.observability is None
    off_everywhere = load(with_observability(top={"enabled": False}))
    assert all(spec.observability is None for spec in off_everywhere.variants)
    control, treatment = load(with_observability(top={"enabled": False}, control={"enabled": True})).variants
    assert control.observability is not None and treatment.observability is None


def test_a_key_written_as_null_is_refused_at_its_path_not_taken_as_off():
    data = with_observability(top={"cpu_threshold": 80}, pipeline={"enabled": None}, treatment={"cpu_threshold": None})
    assert problems(data) == [
        f"{PIPELINE}.observability.enabled: null is not a value here; remove the key to inherit it (got None)",
        f"{PIPELINE}.variants.treatment.observability.cpu_threshold: null is not a value here; remove the key to "
        "inherit it (got None)",
    ]


def test_the_lag_threshold_defaults_to_three_times_the_backlog_target():
    data = with_observability(treatment={"stream_lag_threshold": 400})
    data["pipelines"]["news-encoder"]["autoscaling"] = SQS
    control, treatment = load(data).variants
    assert control.observability.stream_lag_threshold == 150
    assert treatment.observability.stream_lag_threshold == 400


def test_a_topic_in_another_partition_is_refused_at_its_dotted_path():
    china = "arn:aws-cn:sns:cn-north-1:123456789012:alarms"
    assert problems(with_observability(pipeline={"alarm_topic_arns": [TOPIC, china]})) == [
        f"{PIPELINE}.observability.alarm_topic_arns[1]: the topic must be in the stack's partition aws "
        f"(region ap-northeast-1) (got '{china}')"
    ]


def test_not_an_sns_arn_is_refused_with_the_format():
    queue = "arn:aws:sqs:ap-northeast-1:123456789012:alarms"
    (line,) = problems(with_observability(top={"alarm_topic_arns": [queue]}))
    assert line.startswith("observability.alarm_topic_arns[0]: ")
    assert "not an SNS topic ARN; use arn:<partition>:sns:<region>:<12-digit account>:<topic>" in line


def test_deployment_events_need_a_topic():
    assert problems(with_observability(treatment={"deployment_failure_events": True})) == [
        f"{TREATMENT}.observability.deployment_failure_events: no topic to send the events to: set "
        "alarm_topic_arns (got True)"
    ]


@pytest.mark.parametrize(
    ("block", "key", "fragment"),
    [
        ({"period": 120}, "period", "use one of 60, 300, 900, 3600 seconds"),
        ({"cpu_threshold": 0}, "cpu_threshold", "greater than or equal to 1"),
        ({"memory_threshold": 101}, "memory_threshold", "less than or equal to 100"),
        ({"tasks_below_desired_minutes": 0}, "tasks_below_desired_minutes", "greater than or equal to 1"),
        ({"error_terms": ['ERR"OR']}, "error_terms[0]", "an error term is 1-64 letters, digits and _ . : -"),
        ({"error_terms": []}, "error_terms", "at least 1 item"),
        ({"stream_lag_threshold": -1}, "stream_lag_threshold", "greater than 0"),
        ({"thresholds": 1}, "thresholds", "unknown key"),
    ],
)
def test_bad_values_are_reported_at_their_dotted_path(block, key, fragment):
    (line,) = problems(with_observability(treatment=block))
    assert line.startswith(f"{TREATMENT}.observability.{key}: "), line
    assert fragment in line


@pytest.mark.parametrize(
    ("region", "partition"),
    [("ap-northeast-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-east-1", "aws")],
)
def test_partition_of_region(region, partition):
    assert partition_of(region) == partition


@pytest.mark.parametrize("key", ["enabled", "alarm_topic_arns", "cpu_threshold", "error_terms", "period"])
def test_a_key_written_null_is_refused_at_its_path_not_taken_as_a_value(key):
    assert problems(with_observability(pipeline={key: None})) == [
        f"{PIPELINE}.observability.{key}: null is not a value here; remove the key to inherit it (got None)"
    ]


def test_a_topic_listed_twice_is_refused():
    (found,) = problems(with_observability(top={"alarm_topic_arns": [TOPIC, TOPIC], "deployment_failure_events": True}))
    assert found.startswith(
        f"observability.alarm_topic_arns: items 0 and 1 are the same; list each once (got [{TOPIC!r}"
    )
