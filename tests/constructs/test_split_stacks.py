"""`stacks: per_pipeline`: the shared stack and each pipeline's hold the single stack's resources at the same
addresses, with the same bodies but for how they reach the cluster (a lookup by name)."""

import json

import pytest
import yaml

from modules.app import synthesize_app
from modules.config import load_text
from tests.helpers import ROOT, synth, to_yaml

EXAMPLE = yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text())
SHARED = "all-features"
PIPELINES = ("all-features-news-encoder", "all-features-click-aggregator")
#: The references to the cluster that become references to its lookup (`constructs.cluster.ClusterLookup`).
LOOKUPS = {
    "${aws_ecs_cluster.cluster.arn}": "${data.aws_ecs_cluster.cluster.arn}",
    "${aws_ecs_cluster.cluster.name}": "${data.aws_ecs_cluster.cluster.cluster_name}",
    "${aws_cloudwatch_log_group.cluster__exec.arn}": "${data.aws_cloudwatch_log_group.cluster__exec.arn}",
}


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    out = tmp_path_factory.mktemp("split")
    synthesize_app(load_text(to_yaml({**EXAMPLE, "stacks": "per_pipeline"})), out)
    stacks = {name: json.loads((out / "stacks" / name / "cdk.tf.json").read_text()) for name in (SHARED, *PIPELINES)}
    return stacks, json.loads((out / "manifest.json").read_text())


def as_split(body):
    """A single-stack resource body as a pipeline's stack writes it."""
    text = json.dumps(body)
    for single, lookup in LOOKUPS.items():
        text = text.replace(single, lookup)
    found = json.loads(text)
    if found.get("depends_on") == ["aws_ecs_cluster_capacity_providers.cluster"]:
        del found["depends_on"]  # a service's: the shared stack attached them before
    return found


def test_every_resource_keeps_its_address_and_body_in_exactly_one_stack(split):
    stacks, _ = split
    single = synth(EXAMPLE)
    seen = set()
    for name, stack in stacks.items():
        for rtype, by_name in stack["resource"].items():
            for resource, body in by_name.items():
                address = f"{rtype}.{resource}"
                assert address not in seen
                seen.add(address)
                body = {key: value for key, value in body.items() if key != "//"}  # cdktf's metadata
                expected = single["resource"][rtype][resource]
                assert body == (expected if name == SHARED else as_split(expected)), address
    assert seen == {f"{rtype}.{name}" for rtype, by_name in single["resource"].items() for name in by_name}
    assert {name for stack in stacks.values() for name in stack["output"]} == set(single["output"])


def test_the_shared_stack_holds_the_cluster_and_the_pipelines_look_it_up_by_name(split):
    stacks, manifest = split
    assert set(stacks[SHARED]["resource"]) == {
        "aws_ecs_cluster",
        "aws_ecs_cluster_capacity_providers",
        "aws_cloudwatch_log_group",
    }
    assert set(stacks[SHARED]["output"]) == {"cluster_name", "cluster_arn"}
    moved = [f"{t}.{n}" for name in PIPELINES for t, by_name in stacks[name]["resource"].items() for n in by_name]
    assert stacks[SHARED]["removed"] == [{"from": address, "lifecycle": {"destroy": False}} for address in moved]
    for name in PIPELINES:
        assert stacks[name]["data"]["aws_ecs_cluster"]["cluster"]["cluster_name"] == "all-features"
        assert manifest["stacks"][name]["dependencies"] == [SHARED]
        assert stacks[name]["terraform"]["backend"] == {"local": {"path": f"../../../terraform.{name}.tfstate"}}
    exec_lookup = stacks["all-features-click-aggregator"]["data"]["aws_cloudwatch_log_group"]["cluster__exec"]
    assert exec_lookup["name"] == "/ecs/all-features/exec"
    assert "aws_cloudwatch_log_group" not in stacks["all-features-news-encoder"]["data"], "no exec there"
    assert manifest["stacks"][SHARED]["dependencies"] == []
