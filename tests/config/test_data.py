"""`input` and `output`: every variant its own queue and namespace; sharing a queue is refused with the reason."""

import pytest

from modules.config.data import InputQueues, namespace
from modules.config.names import LIMITS
from modules.config.warnings import variant_warnings
from tests.helpers import config_problems, default_data, load

TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:news-articles"
BUCKET = "arn:aws:s3:::features"
PIPELINE = "pipelines.news-encoder"
TREATMENT = f"{PIPELINE}.variants.treatment"


def isolated(**pipeline):
    data = default_data()
    data["pipelines"]["news-encoder"].update(
        {"input": {"sns": {"topic_arn": TOPIC}}, "output": {"s3": {"bucket_arn": BUCKET}}, **pipeline}
    )
    return data


def by_variant(data):
    return {spec.variant: spec for spec in load(data).variants}


def test_a_backlog_naming_no_queue_scales_each_variant_on_its_own_input_queue():
    specs = by_variant(isolated(autoscaling={"min": 1, "max": 3, "backlog": {"source": "sqs", "target": 10}}))
    assert specs["control"].settings.autoscaling.backlog.queue_name == "feature-pipelines_news-encoder_control"
    assert specs["treatment"].settings.autoscaling.backlog.queue_name == "feature-pipelines_news-encoder_treatment"


def test_step_scaling_naming_no_queue_scales_on_the_own_input_queue_too():
    steps = {"source": "sqs", "scale_out": [{"at_least": 1, "add": 1}]}
    specs = by_variant(isolated(autoscaling={"min": 0, "max": 3, "steps": steps}))
    assert specs["treatment"].settings.autoscaling.steps.queue_name == "feature-pipelines_news-encoder_treatment"


def test_without_input_an_sqs_signal_still_needs_its_queue():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 1, "max": 3, "backlog": {"source": "sqs", "target": 9}}
    assert config_problems(data) == [f"{PIPELINE}.autoscaling.backlog.queue_name: required for source sqs"]


def test_two_variants_consuming_one_queue_are_refused_with_the_reason():
    shared = {"min": 1, "max": 3, "backlog": {"source": "sqs", "queue_name": "news-articles", "target": 10}}
    (problem,) = config_problems(isolated(autoscaling=shared))
    assert problem.startswith(
        f"{PIPELINE}.autoscaling.backlog.queue_name: the SQS queue is also news-encoder/control's"
    )
    assert "each variant would see only part of the stream and the A/B comparison is biased" in problem
    assert problem.endswith("(got 'news-articles')")


def test_scaling_on_another_variants_input_queue_is_refused():
    data = isolated()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["autoscaling"] = {
        "min": 1,
        "max": 3,
        "backlog": {"source": "sqs", "queue_name": "feature-pipelines_news-encoder_control", "target": 10},
    }
    (problem,) = config_problems(data)
    assert problem.startswith(
        f"{TREATMENT}.autoscaling.backlog.queue_name: the SQS queue is also news-encoder/control's ({PIPELINE}.input)"
    )


def test_variants_without_input_may_still_scale_on_one_queue():
    data = default_data()
    data["pipelines"]["news-encoder"]["autoscaling"] = {
        "min": 1,
        "max": 3,
        "backlog": {"source": "sqs", "queue_name": "news-articles", "target": 10},
    }
    assert len(load(data).variants) == 2


@pytest.mark.parametrize("key", ["environment", "secrets"])
def test_the_variables_the_stack_sets_are_not_set_again(key):
    value = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/q" if key == "secrets" else "q"
    data = isolated()
    data["pipelines"]["news-encoder"]["variants"]["treatment"][key] = {"FEATURE_INPUT_QUEUE_URL": value}
    (problem,) = config_problems(data)
    assert problem.startswith(f"{TREATMENT}.{key}.FEATURE_INPUT_QUEUE_URL: set by the stack (`input.sns`")


@pytest.mark.parametrize(
    ("block", "path", "why"),
    [
        ({"input": {"sns": {"topic_arn": TOPIC + ".fifo"}}}, "input.sns.topic_arn", "a FIFO topic delivers only"),
        (
            {"input": {"sns": {"topic_arn": "arn:aws:sqs:ap-northeast-1:123456789012:q"}}},
            "input.sns.topic_arn",
            "not an SNS topic ARN",
        ),
        (
            {"input": {"sns": {"topic_arn": TOPIC, "max_receive_count": 0}}},
            "input.sns.max_receive_count",
            "greater than or equal to 1",
        ),
        ({"input": {}}, "input", "set one of sns (a topic fanned out to a queue per variant), kinesis"),
        ({"output": {"s3": {"bucket_arn": "features"}}}, "output.s3.bucket_arn", "not an S3 bucket ARN"),
        ({"output": {"s3": {"bucket_arn": BUCKET, "prefix": "a/*"}}}, "output.s3.prefix", "no leading or trailing"),
        ({"output": {"s3": {"bucket_arn": BUCKET, "prefix": "${x}"}}}, "output.s3.prefix", "not a key prefix"),
        ({"output": {"s3": {"bucket_arn": BUCKET, "prefix": "a//b"}}}, "output.s3.prefix", "not a key prefix"),
    ],
)
def test_bad_blocks_are_refused_at_their_path(block, path, why):
    data = default_data()
    data["pipelines"]["news-encoder"].update(block)
    problems = config_problems(data)
    assert any(p.startswith(f"{PIPELINE}.{path}: ") and why in p for p in problems), problems


def test_queue_names_fit_sqs_and_stay_apart():
    long = "p" * 64
    queues = InputQueues.of("c" * 64, long, "control")
    assert len(queues.queue) <= LIMITS["sqs_queue"] and len(queues.dead_letter) <= LIMITS["sqs_queue"]
    assert queues.queue != queues.dead_letter != InputQueues.of("c" * 64, long, "treatment").dead_letter


def test_each_variant_writes_under_the_prefix_and_its_name():
    specs = by_variant(isolated())
    assert namespace(specs["control"].settings.output.s3, "news-encoder", "control") == "news-encoder/control/"
    specs = by_variant(isolated(output={"s3": {"bucket_arn": BUCKET, "prefix": "features/v1"}}))
    assert namespace(specs["treatment"].settings.output.s3, "news-encoder", "treatment") == "features/v1/treatment/"


STREAM = "arn:aws:kinesis:ap-northeast-1:123456789012:stream/news-clicks"


def test_a_kinesis_signal_naming_no_stream_scales_on_the_variants_own_consumer_lag():
    data = isolated(
        input={"kinesis": {"stream_arn": STREAM}},
        autoscaling={"min": 1, "max": 3, "backlog": {"source": "kinesis", "target": 60000}},
    )
    backlog = by_variant(data)["treatment"].settings.autoscaling.backlog
    assert (backlog.source, backlog.namespace, backlog.metric_name, backlog.statistic) == (
        "cloudwatch",
        "AWS/Kinesis",
        "SubscribeToShardEvent.MillisBehindLatest",
        "Maximum",
    )
    assert backlog.dimensions == {
        "StreamName": "news-clicks",
        "ConsumerName": "feature-pipelines_news-encoder_treatment",
    }
    assert not backlog.per_task and backlog.target == 60000


def test_a_kinesis_signal_naming_its_stream_is_kept():
    signal = {"source": "kinesis", "stream_name": "news-clicks", "target": 60000}
    data = isolated(input={"kinesis": {"stream_arn": STREAM}}, autoscaling={"min": 1, "max": 3, "backlog": signal})
    assert by_variant(data)["control"].settings.autoscaling.backlog.source == "kinesis"


@pytest.mark.parametrize(
    "block, why",
    [
        ({"sns": {"topic_arn": TOPIC}, "kinesis": {"stream_arn": STREAM}}, "set one of sns"),
        ({"kinesis": {"stream_arn": "arn:aws:kinesis:ap-northeast-1:123456789012:news"}}, "not a Kinesis stream ARN"),
    ],
)
def test_an_input_names_one_source(block, why):
    (problem,) = config_problems(isolated(input=block))
    assert problem.startswith(f"{PIPELINE}.input") and why in problem


@pytest.mark.parametrize(
    "block, why",
    [
        ({}, "set one of s3 (a bucket) or dynamodb (a table)"),
        ({"s3": {"bucket_arn": BUCKET}, "dynamodb": {"table_arn": "arn:aws:dynamodb:ap-northeast-1:1:t"}}, "not a"),
        ({"dynamodb": {"table_arn": "arn:aws:dynamodb:ap-northeast-1:123456789012:table/f", "prefix": "a*"}}, "not"),
    ],
)
def test_an_output_names_one_sink(block, why):
    problems = config_problems(isolated(output=block))
    assert any(p.startswith(f"{PIPELINE}.output") and why in p for p in problems), problems


def test_min_0_on_the_own_consumer_lag_is_warned_like_a_kinesis_iterator_age():
    data = isolated(
        input={"kinesis": {"stream_arn": STREAM}},
        autoscaling={"min": 0, "max": 3, "backlog": {"source": "kinesis", "target": 60000}},
    )
    (control,) = [w for w in variant_warnings(by_variant(data)["control"]) if w.path.endswith("autoscaling.min")]
    assert "the kinesis iterator age comes from consumers reading the stream" in control.message
    assert "metric_name IncomingRecords" in control.message


QUEUE = "arn:aws:sqs:ap-northeast-1:123456789012:news-articles"


def existing_queues(**variants):
    data = isolated()
    data["pipelines"]["news-encoder"].pop("input")
    data["pipelines"]["news-encoder"]["autoscaling"] = {"min": 1, "max": 3, "backlog": {"source": "sqs", "target": 5}}
    for variant, queue in variants.items():
        data["pipelines"]["news-encoder"]["variants"][variant]["input"] = {"sqs": {"queue_arn": queue}}
    return data


def test_existing_queues_named_per_variant_are_each_scaled_on():
    specs = by_variant(existing_queues(control=f"{QUEUE}-control", treatment=f"{QUEUE}-treatment"))
    assert specs["control"].settings.autoscaling.backlog.queue_name == "news-articles-control"
    assert specs["treatment"].settings.autoscaling.backlog.queue_name == "news-articles-treatment"


def test_one_existing_queue_for_two_variants_is_refused_with_the_reason():
    (problem,) = config_problems(existing_queues(control=QUEUE, treatment=QUEUE))
    assert problem.startswith(
        f"{TREATMENT}.input: the SQS queue is also news-encoder/control's ({PIPELINE}.variants.control.input): "
        "SQS hands each message to one consumer"
    )
    assert "`input.sqs` set on each variant" in problem
