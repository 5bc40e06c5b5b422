"""`shared_data`: a change that makes two variants share an input queue or an output namespace is a
danger, from the plan's before/after or, without a plan, from the two outputs; what they shared
before is not. The uses come from the variants' grants (`namespaces`)."""

from __future__ import annotations

import json

import pytest

from modules.review import namespaces
from modules.review.changes import from_plan, infer
from modules.review.dangers import find
from modules.review.outputs import parse_stack, read_output
from modules.review.owners import Owner
from tests.helpers import ROOT, load_all
from tests.review.synthesized import Mutation
from tests.review.test_dangers import finders_report_only_their_kinds  # noqa: F401 (autouse: finders report their kinds)

CONTROL, TREATMENT = Owner("p", "control"), Owner("p", "treatment")
BUCKET = "arn:aws:s3:::features"
TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/features"
KEYS = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["p/control/*"]}}


def policy(*, queue: str | None = None, writes: str | None = None, action: str = "s3:PutObject") -> str:
    statements = []
    if queue:
        statements.append({"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": queue})
    if writes:
        statements.append({"Effect": "Allow", "Action": [action], "Resource": writes})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def stack(treatment_writes: str, treatment_queue: str = "${aws_sqs_queue.p_treatment_input.arn}"):
    def variant(name: str, queue: str, writes: str) -> dict:
        return {"policy": policy(queue=queue, writes=writes), "tags": {"pipeline": "p", "variant": name}}

    resources = {
        "aws_sqs_queue": {
            f"p_{name}_input": {"name": f"c_p_{name}", "tags": {"pipeline": "p", "variant": name}}
            for name in ("control", "treatment")
        },
        "aws_iam_role_policy": {
            "p_control_task_data": variant("control", "${aws_sqs_queue.p_control_input.arn}", f"{BUCKET}/p/control/*"),
            "p_treatment_task_data": variant("treatment", treatment_queue, treatment_writes),
        },
    }
    return parse_stack("s", {"provider": {"aws": [{"region": "us-east-1"}]}, "resource": resources})


def shared_data(base, head, plan=None) -> list[tuple[str, str]]:
    changes = from_plan(plan, base, head) if plan else infer(base, head)
    found = find(changes, base, head, inferred=plan is None)
    return [(d.address, d.detail) for d in found if d.kind == "shared_data"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (policy(writes=f"{BUCKET}/p/control/*"), [("output", f"{BUCKET}/p/control/*")]),
        (policy(writes=f"{BUCKET}/*", action="s3:*"), [("output", f"{BUCKET}/*")]),
        (policy(writes=f"{BUCKET}/p/control/*", action="s3:GetObject"), []),
        (policy(queue="arn:aws:sqs:us-east-1:123456789012:c_p_control"), [("input", "c_p_control")]),
        (policy(queue="${aws_sqs_queue.p_control_input.arn}"), [("input", "c_p_control")]),
        ({"Statement": {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}}, []),
        (
            {"Statement": {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": TABLE, "Condition": KEYS}},
            [("output", f"{TABLE}/p/control/*")],
        ),
        (
            {"Statement": {"Effect": "Allow", "Action": "dynamodb:*", "Resource": TABLE}},
            [("output", f"{TABLE}/*")],
        ),
        ("(known after apply)", []),
    ],
)
def test_uses_are_what_the_grants_allow_to_receive_or_write(document, expected):
    found = namespaces.uses(
        [("aws_iam_role_policy.p_control_task_data", CONTROL, document)], {"p_control_input": "c_p_control"}
    )
    assert [(use.kind, use.what) for use in found] == expected


def test_overlapping_writes_and_one_queue_are_shared_distinct_ones_are_not():
    def use(owner, kind, what):
        return namespaces.Use(owner, kind, what, f"aws_iam_role_policy.{owner.stem}_task_data")

    found = [
        use(CONTROL, "output", f"{BUCKET}/p/control/*"),
        use(TREATMENT, "output", f"{BUCKET}/p/control/treatment/*"),
        use(CONTROL, "input", "q_control"),
        use(TREATMENT, "input", "q_treatment"),
    ]
    assert list(namespaces.shared(found)) == [("output", CONTROL, TREATMENT)]
    assert list(namespaces.shared([*found, use(TREATMENT, "input", "q_control")])) == [
        ("output", CONTROL, TREATMENT),
        ("input", CONTROL, TREATMENT),
    ]


def test_without_a_plan_a_change_that_makes_variants_share_a_namespace_is_a_danger():
    base = stack(f"{BUCKET}/p/treatment/*")
    nested = stack(f"{BUCKET}/p/control/treatment/*")
    ((address, detail),) = shared_data(base, nested)
    assert address == "aws_iam_role_policy.p_treatment_task_data"
    assert detail.startswith(
        f"p/control and p/treatment come to share their output: both may write {BUCKET}/p/control/* and "
        f"{BUCKET}/p/control/treatment/*: the variants overwrite each other's features"
    )
    assert shared_data(nested, nested) == [], "shared before: not this change's doing"
    assert shared_data(base, base) == []


def test_without_a_plan_receiving_from_another_variants_queue_is_a_danger():
    base = stack(f"{BUCKET}/p/treatment/*")
    head = stack(f"{BUCKET}/p/treatment/*", treatment_queue="${aws_sqs_queue.p_control_input.arn}")
    ((address, detail),) = shared_data(base, head)
    assert address == "aws_iam_role_policy.p_treatment_task_data"
    assert "share their input: both may receive from SQS queue c_p_control: SQS hands each message" in detail


def plan_of(before: str, after: str) -> dict:
    """A plan that changes the treatment's data policy from `before` to `after` (as Terraform writes it)."""
    return {
        "format_version": "1.2",
        "planned_values": {},
        "resource_changes": [
            {
                "address": "aws_iam_role_policy.p_treatment_task_data",
                "change": {"actions": ["update"], "before": {"policy": before}, "after": {"policy": after}},
            }
        ],
    }


def test_under_a_plan_the_plans_after_decides_and_queue_arns_match_the_outputs_references():
    """The plan's values are ARNs; the control's unchanged policy (a reference in the head) is the same queue."""
    head = stack(f"{BUCKET}/p/treatment/*")
    arn = "arn:aws:sqs:us-east-1:123456789012:c_p_"
    plan = plan_of(
        policy(queue=f"{arn}treatment", writes=f"{BUCKET}/p/treatment/*"),
        policy(queue=f"{arn}control", writes=f"{BUCKET}/p/treatment/*"),
    )
    ((address, detail),) = shared_data(head, head, plan)
    assert (
        address == "aws_iam_role_policy.p_treatment_task_data"
        and "both may receive from SQS queue c_p_control" in detail
    )
    unchanged = plan_of(policy(queue=f"{arn}treatment"), policy(queue=f"{arn}treatment", writes=f"{BUCKET}/p/t2/*"))
    assert shared_data(head, head, unchanged) == [], (
        "the outputs alone would not decide: the plan's after shares nothing"
    )


def synthesized(tmp_path, mutate: Mutation):
    import yaml

    from modules.output_dir import synthesize

    data = yaml.safe_load((ROOT / "examples" / "ab-data.yaml").read_text())
    mutate(data)
    synthesize(load_all(data), tmp_path)
    return read_output(tmp_path, "--head")["ab-data"]


def test_a_variants_prefix_nested_in_anothers_namespace_is_a_danger_even_waived(tmp_path):
    """The generator's own output: the treatment writes under the control's namespace, both waive
    DATA-OWN-NAMESPACE (so synth accepts it), and the review still calls the change a danger."""

    def nested(data):
        pipeline = data["pipelines"]["news-encoder"]
        treatment = pipeline["variants"]["treatment"]
        treatment["output"] = {"s3": {**pipeline["output"]["s3"], "prefix": "news-encoder/control"}}
        pipeline["waivers"] = {"DATA-OWN-NAMESPACE": "a replay archive whose keys carry the variant"}

    base, head = synthesized(tmp_path / "base", lambda data: None), synthesized(tmp_path / "head", nested)
    found = shared_data(base, head)
    assert [address for address, _ in found] == ["aws_iam_role_policy.news-encoder_treatment_task_data"]
    assert "arn:aws:s3:::ab-data-features/news-encoder/control/treatment/*" in found[0][1]


def test_two_variants_writing_overlapping_partition_keys_of_one_table_share_it():
    def use(variant: str, keys: str) -> namespaces.Use:
        condition = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": [keys]}}
        document = {
            "Statement": {"Effect": "Allow", "Action": "dynamodb:PutItem", "Resource": TABLE, "Condition": condition}
        }
        (found,) = namespaces.uses([(f"a.{variant}", Owner("p", variant), document)], {})
        return found

    assert not namespaces.shared([use("control", "p/control/*"), use("treatment", "p/treatment/*")])
    assert list(namespaces.shared([use("control", "p/*"), use("treatment", "p/treatment/*")])) == [
        ("output", CONTROL, TREATMENT)
    ]
