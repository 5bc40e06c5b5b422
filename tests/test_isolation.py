"""Changing, adding or removing one variant leaves every other variant byte-identical."""

import json

import pytest

from tests.helpers import default_data, resources_of, synth

OTHER = "news-encoder_control"


def other_variant_bytes(data) -> str:
    return json.dumps(resources_of(synth(data), OTHER), sort_keys=True)


def change(data, **settings):
    data["pipelines"]["news-encoder"]["variants"]["treatment"].update(settings)
    return data


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: change(d, cpu=4, memory=16),
        lambda d: change(d, image_tag="2027-01-01"),
        lambda d: change(d, environment={"MODEL_VERSION": "v3", "NEW": "x"}),
        lambda d: change(d, desired_count=5, fargate_spot_weight=2),
        lambda d: change(d, architecture="arm64", ephemeral_storage=40, log_retention_days=30),
        lambda d: d["pipelines"]["news-encoder"]["variants"].pop("treatment"),
        lambda d: d["pipelines"]["news-encoder"]["variants"].update(canary={"image_tag": "x"}),
        lambda d: d["pipelines"].update(
            other={
                "repository_arn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/other",
                "variants": {"control": {"image_tag": "1"}},
            }
        ),
    ],
    ids=["size", "image", "environment", "counts", "platform", "remove", "add-variant", "add-pipeline"],
)
def test_other_variant_is_byte_identical(mutate):
    before = other_variant_bytes(default_data())
    data = default_data()
    mutate(data)
    assert other_variant_bytes(data) == before


OTEL = {"image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", "user": "10001"}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: change(d, sidecars={"otel-collector": OTEL}),
        lambda d: change(d, sidecars={"otel-collector": {**OTEL, "cpu": 0.5, "image": OTEL["image"] + "1"}}),
        lambda d: change(d, health_check={"command": ["CMD", "/check"]}, restart_policy={}),
        lambda d: change(d, init_process_enabled=False, ulimits={"nofile": {"soft": 1, "hard": 2}}),
    ],
    ids=["add-sidecar", "change-sidecar", "health-and-restarts", "init-and-ulimits"],
)
def test_one_variants_container_settings_leave_the_other_byte_identical(mutate):
    base = default_data()
    change(base, sidecars={"otel-collector": OTEL})
    before = other_variant_bytes(base)
    data = default_data()
    change(data, sidecars={"otel-collector": OTEL})
    mutate(data)
    assert other_variant_bytes(data) == before
    assert other_variant_bytes(default_data()) == before, "a sidecar on one variant leaves the other as it was"
