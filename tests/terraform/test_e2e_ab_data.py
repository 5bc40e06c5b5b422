"""examples/ab-data.yaml on moto with the real Terraform and provider, in one state: an experiment's life
and, at its start, the A/B data isolation.

`experiment start` (control promoted from the example's treatment, then a new treatment started) applied;
there, as in the example, each variant has its own queue and output namespace: every message published to
the pipeline's topic reaches both variants' own queues (each a complete copy: no competing consumers), each
task definition names its own queue (or consumer, or table namespace), and each task role, called with IAM
enforced (tests/terraform/moto_grants.py), may consume its own queue and write its own namespace only.
Then both promotions planned against it: `promote` (control updated in place, 0 replacements, the treatment
destroyed; the review names the promotion and what stays) and `promote --keep` (control updated in place,
treatment untouched); `promote --keep` applied -> a re-plan with no changes; then `promote` from there ->
plan (control unchanged, the treatment destroyed) -> apply -> a re-plan with no changes; destroy leaves
nothing. Three applies and a destroy in one state. Marked e2e: `make e2e`.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules import cli
from modules.experiment.promote import promote
from modules.experiment.start import start
from tests.helpers import ROOT, to_yaml
from tests.review.plans.record import record
from tests.terraform.cycles import applied, applied_containers, shown
from tests.terraform.moto import MotoServer, point_at_moto, rebind, require_moto, seed_spec
from tests.terraform.stacks import synthesize_stacks
from tests.terraform.terraform_cli import Terraform
from tests.terraform.test_review_plans import actions

pytestmark = pytest.mark.e2e

CONFIG = ROOT / "examples" / "ab-data.yaml"
STACK = "ab-data"
CONTROL, TREATMENT = "news-encoder_control", "news-encoder_treatment"
VARIANTS = ("control", "treatment")
STREAM = "arn:aws:kinesis:ap-northeast-1:123456789012:stream/news-clicks"
MESSAGES = [f"article-{index}" for index in range(5)]
FLAGS = ("-input=false", "-no-color")


def _plan(terraform: Terraform, stack: Path, *refresh: str) -> dict[str, Any]:
    """plan -out (with `refresh`, e.g. -refresh=false) and show -json in an initialized stack directory."""
    terraform.run(stack, "plan", *FLAGS, *refresh, "-out=tfplan")
    return json.loads(terraform.run(stack, "show", "-json", "tfplan").stdout)


def _replan(terraform: Terraform, stack: Path) -> Any:
    return terraform.run(stack, "plan", *FLAGS, "-detailed-exitcode", expect=(0, 2))


def _isolation(server: MotoServer, data: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The fan-out of MESSAGES to every news-encoder queue, and each task role's calls with IAM enforced."""
    queues = applied(state, "aws_sqs_queue")
    urls = {address.split(".")[1]: values["url"] for address, values in queues.items()}
    topic = data["pipelines"]["news-encoder"]["input"]["sns"]["topic_arn"]
    fanned = server.run(
        "tests.terraform.moto_fanout",
        {"region": data["region"], "topic_arn": topic, "messages": MESSAGES, "queues": urls},
    )
    roles = applied(state, "aws_iam_role")
    granted = server.run(
        "tests.terraform.moto_grants",
        {
            "region": data["region"],
            "roles": {v: roles[f"aws_iam_role.news-encoder_{v}_task"]["arn"] for v in VARIANTS},
            "queues": {v: urls[f"news-encoder_{v}_input"] for v in VARIANTS},
            "bucket": "ab-data-features",
            "prefixes": {v: f"news-encoder/{v}/" for v in VARIANTS},
        },
    )
    consumers = applied(state, "aws_kinesis_stream_consumer")
    granted_stream = server.run(
        "tests.terraform.moto_grants",
        {
            "region": data["region"],
            "roles": {v: roles[f"aws_iam_role.click-ranker_{v}_task"]["arn"] for v in VARIANTS},
            "stream_arn": STREAM,
            "consumers": {v: consumers[f"aws_kinesis_stream_consumer.click-ranker_{v}_input"]["arn"] for v in VARIANTS},
        },
    )
    return {
        "queues": queues,
        "containers": applied_containers(state),
        "subscriptions": applied(state, "aws_sns_topic_subscription"),
        "consumers": consumers,
        "scaling": applied(state, "aws_appautoscaling_policy"),
        "role_policies": applied(state, "aws_iam_role_policy"),
        "fanned": fanned,
        "granted": granted["calls"],
        "granted_stream": granted_stream["calls"],
    }


@pytest.fixture(scope="module")
def lifecycle(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Started (applied; the data isolation checked there), then both promotions planned against it; the
    keeping one applied and re-planned, the removing one planned from there, applied, re-planned; destroyed."""
    require_moto()
    root = tmp_path_factory.mktemp("e2e-ab-data")
    server = MotoServer(root / "moto.log")
    try:
        control_only = promote(CONFIG.read_text(), "news-encoder", "treatment").after
        started = start(control_only, "news-encoder", "2026-12-01").after
        configs = {
            "started": started,
            "kept": promote(started, "news-encoder", "treatment", keep=True).after,
            "promoted": promote(started, "news-encoder", "treatment").after,
        }
        seeded = server.seed(seed_spec(yaml.safe_load(started)))
        configs = {name: to_yaml(rebind(yaml.safe_load(text), seeded)) for name, text in configs.items()}
        stacks = {name: synthesize_stacks(text, root / name / "cdktf.out")[STACK] for name, text in configs.items()}
        for stack in stacks.values():
            point_at_moto(stack, server.endpoint)
        terraform.init(stacks["started"])
        terraform.run(stacks["started"], "apply", *FLAGS, "-auto-approve")
        (state,) = (root / "started").glob("terraform.*.tfstate")
        isolation = _isolation(server, yaml.safe_load(configs["started"]), shown(json.loads(state.read_text())))
        for name in ("kept", "promoted"):
            shutil.copy(state, root / name / state.name)

        def planned(name: str) -> dict[str, Any]:
            terraform.init(stacks[name])
            # One refresh of the started state: `kept`'s plan refreshes it and changes nothing but control and
            # the dashboard (asserted below); `promoted`, never applied, plans on the state as the apply wrote it.
            plan = _plan(terraform, stacks[name], *(["-refresh=false"] if name == "promoted" else []))
            (root / name / "plan.json").write_text(json.dumps(plan))
            return plan

        with ThreadPoolExecutor(max_workers=2) as pool:
            plans = dict(zip(("kept", "promoted"), pool.map(planned, ("kept", "promoted")), strict=True))
        record("promote", plans["promoted"], head="promote news-encoder --winner treatment (examples/ab-data.yaml)")
        terraform.run(stacks["kept"], "apply", *FLAGS, "tfplan")
        replans = {"kept": _replan(terraform, stacks["kept"])}
        shutil.copy(root / "kept" / state.name, root / "promoted" / state.name)
        # The state was refreshed by the re-plan just made, which found no change: no refresh again.
        plans["promoted after kept"] = _plan(terraform, stacks["promoted"], "-refresh=false")
        terraform.run(stacks["promoted"], "apply", *FLAGS, "tfplan")
        replans["promoted"] = _replan(terraform, stacks["promoted"])
        # The same for the destroy: refreshed by the no-change re-plan just made.
        terraform.run(stacks["promoted"], "destroy", *FLAGS, "-refresh=false", "-auto-approve")
        remaining = terraform.run(stacks["promoted"], "state", "list").stdout.split()
    finally:
        server.stop()
    return {"root": root, "plans": plans, "replans": replans, "remaining": remaining, **isolation}


def _review(root: Path, name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    base, head = root / "started" / "cdktf.out", root / name / "cdktf.out"
    plan = f"{STACK}={root / name / 'plan.json'}"
    cli.main(["review", "--base", str(base), "--head", str(head), "--plan", plan, "--format", "json"])
    return json.loads(capsys.readouterr().out)


# The data isolation, as `experiment start` left it (each variant as the example's).


def test_every_message_reaches_each_variants_own_queue_whole(lifecycle):
    received, left = lifecycle["fanned"]["received"], lifecycle["fanned"]["left"]
    for variant in VARIANTS:
        assert sorted(received[f"news-encoder_{variant}_input"]) == MESSAGES  # raw: the body as published
        assert received[f"news-encoder_{variant}_input_dlq"] == []
    assert set(left.values()) == {0}


def test_each_task_definition_names_its_own_queue(lifecycle):
    for variant in VARIANTS:
        (main,) = lifecycle["containers"][f"aws_ecs_task_definition.news-encoder_{variant}"]
        environment = {item["name"]: item["value"] for item in main["environment"]}
        queue = lifecycle["queues"][f"aws_sqs_queue.news-encoder_{variant}_input"]
        assert environment["FEATURE_INPUT_QUEUE_URL"] == queue["url"]
        assert environment["FEATURE_OUTPUT_URI"] == f"s3://ab-data-features/news-encoder/{variant}/"
        assert queue["sqs_managed_sse_enabled"] is True
        assert json.loads(queue["redrive_policy"])["maxReceiveCount"] == 5
    subscriptions = lifecycle["subscriptions"].values()
    assert {s["raw_message_delivery"] for s in subscriptions} == {True} and len(subscriptions) == 2


def test_each_task_role_reads_its_own_queue_and_writes_its_own_namespace_only(lifecycle):
    """As each task role (assumed-role credentials), with moto's IAM enforcement on: its own queue and
    namespace are allowed, the other variant's are refused, and so is what no use needs."""
    for actor in VARIANTS:
        (other,) = set(VARIANTS) - {actor}
        assert lifecycle["granted"][actor] == {
            f"sqs:ReceiveMessage {actor}": "allowed",
            f"s3:PutObject {actor}": "allowed",
            f"sqs:ReceiveMessage {other}": "AccessDenied",
            f"s3:PutObject {other}": "AccessDenied",
            "sqs:SendMessage own": "AccessDenied",
            "s3:GetObject own": "AccessDenied",
            "s3:PutObject outside": "AccessDenied",
        }


def test_each_kinesis_reader_has_its_own_consumer_and_scales_on_its_lag(lifecycle):
    """click-ranker: one enhanced fan-out consumer per variant, registered on the stream, named in the
    variant's task definition and in its scaling policy's metric (the variant's own lag)."""
    arns = set()
    for variant in VARIANTS:
        consumer = lifecycle["consumers"][f"aws_kinesis_stream_consumer.click-ranker_{variant}_input"]
        assert consumer["stream_arn"] == STREAM and consumer["name"] == f"ab-data_click-ranker_{variant}"
        arns.add(consumer["arn"])
        (main,) = lifecycle["containers"][f"aws_ecs_task_definition.click-ranker_{variant}"]
        environment = {item["name"]: item["value"] for item in main["environment"]}
        assert (environment["FEATURE_INPUT_STREAM_ARN"], environment["FEATURE_INPUT_CONSUMER_ARN"]) == (
            STREAM,
            consumer["arn"],
        )
        assert "FEATURE_INPUT_QUEUE_URL" not in environment
        assert (environment["FEATURE_OUTPUT_TABLE"], environment["FEATURE_OUTPUT_KEY_PREFIX"]) == (
            "click-features",
            f"click-ranker/{variant}/",
        )
        (policy,) = [
            values
            for address, values in lifecycle["scaling"].items()
            if address.startswith(f"aws_appautoscaling_policy.click-ranker_{variant}")
        ]
        (tracking,) = policy["target_tracking_scaling_policy_configuration"]
        (metric,) = tracking["customized_metric_specification"]
        assert metric["metric_name"] == "SubscribeToShardEvent.MillisBehindLatest"
        assert {d["name"]: d["value"] for d in metric["dimensions"]} == {
            "StreamName": "news-clicks",
            "ConsumerName": consumer["name"],
        }
    assert len(arns) == 2


def test_each_table_writer_may_write_only_its_own_partition_keys_as_applied(lifecycle):
    """click-ranker's data policy as IAM returned it after apply: writes of the table conditioned on the
    variant's own leading keys (moto applies but does not evaluate conditions: docs/data-isolation.md)."""
    for variant in VARIANTS:
        policy = lifecycle["role_policies"][f"aws_iam_role_policy.click-ranker_{variant}_task_data"]["policy"]
        (write,) = [s for s in json.loads(policy)["Statement"] if s["Sid"] == "OutputWrite"]
        assert write["Resource"] == "arn:aws:dynamodb:ap-northeast-1:123456789012:table/click-features"
        assert write["Condition"] == {
            "ForAllValues:StringLike": {"dynamodb:LeadingKeys": [f"click-ranker/{variant}/*"]}
        }


def test_each_kinesis_readers_role_reads_through_its_own_consumer_only(lifecycle):
    """As each click-ranker task role, IAM enforced (Kinesis calls judged on the consumer's or stream's ARN,
    moto_standins.kinesis_resource): its own consumer yes, the other's no, the stream without a consumer no."""
    for actor in VARIANTS:
        (other,) = set(VARIANTS) - {actor}
        assert lifecycle["granted_stream"][actor] == {
            "kinesis:ListShards": "allowed",
            f"kinesis:DescribeStreamConsumer {actor}": "allowed",
            f"kinesis:DescribeStreamConsumer {other}": "AccessDenied",
            "kinesis:GetShardIterator": "AccessDenied",
        }


# The promotions.


def test_the_promotion_updates_control_in_place_and_destroys_the_treatment(lifecycle):
    planned = actions(lifecycle["plans"]["promoted"])
    control = {address: acts for address, acts in planned.items() if CONTROL in address}
    assert control == {
        f"aws_ecs_task_definition.{CONTROL}": ("delete", "create"),  # a new revision (skip_destroy keeps the old)
        f"aws_ecs_service.{CONTROL}": ("update",),
    }
    treatment = {address: acts for address, acts in planned.items() if TREATMENT in address}
    assert f"aws_ecs_service.{TREATMENT}" in treatment and f"aws_sqs_queue.{TREATMENT}_input" in treatment
    assert set(treatment.values()) == {("delete",)}
    others = {address: acts for address, acts in planned.items() if address not in control and address not in treatment}
    assert others == {"aws_cloudwatch_dashboard.news-encoder": ("update",)}, "only the dashboard loses its lines"


@pytest.mark.parametrize("name", ["kept", "promoted"])
def test_each_promotion_applies_and_a_re_plan_shows_no_changes(lifecycle, name):
    assert lifecycle["replans"][name].returncode == 0, lifecycle["replans"][name].stdout[-8000:]


def test_promote_after_keep_leaves_control_as_it_is_and_destroys_the_treatment(lifecycle):
    planned = actions(lifecycle["plans"]["promoted after kept"])
    assert not [address for address in planned if CONTROL in address], "control already runs the winner's settings"
    treatment = {address: acts for address, acts in planned.items() if TREATMENT in address}
    assert f"aws_ecs_service.{TREATMENT}" in treatment and set(treatment.values()) == {("delete",)}
    assert {a: acts for a, acts in planned.items() if a not in treatment} == {
        "aws_cloudwatch_dashboard.news-encoder": ("update",)
    }


def test_promote_keep_updates_control_in_place_and_leaves_the_treatment(lifecycle):
    planned = actions(lifecycle["plans"]["kept"])
    assert {address: acts for address, acts in planned.items() if "dashboard" not in address} == {
        f"aws_ecs_task_definition.{CONTROL}": ("delete", "create"),
        f"aws_ecs_service.{CONTROL}": ("update",),
    }


def test_the_review_names_the_promotion_and_what_stays_of_the_treatment(lifecycle, capsys):
    report = _review(lifecycle["root"], "promoted", capsys)
    assert report["experiment"][0] == (
        f"{STACK}: news-encoder: a promotion: control updated in place: a new task definition revision, its "
        "service updated in place (rolls to it; not replaced); treatment destroyed "
        f"({sum(TREATMENT in a for a in actions(lifecycle['plans']['promoted']))} resources of treatment)"
    )
    left = report["experiment"][1]
    assert "stays: what it wrote under s3://ab-data-features/news-encoder/treatment/" in left
    assert "its task definition revisions (skip_destroy" in left
    assert "Deleted: its log group /ecs/ab-data/news-encoder/treatment with every log event" in left
    assert not [d for d in report["dangers"] if d["kind"] == "replace"]
    assert _review(lifecycle["root"], "kept", capsys)["experiment"] == []


def test_destroy_leaves_nothing(lifecycle):
    assert lifecycle["remaining"] == []
