"""A plan's before/after as the review shows them (review/changes.py `from_plan`)."""

from modules.review.changes import AFTER_APPLY, from_plan, known
from modules.review.diff import SENSITIVE, SENSITIVE_CHANGED
from modules.review.outputs import parse_stack
from modules.review.report import labels, markdown
from modules.review.review import review

HEAD = parse_stack("s", {"resource": {"aws_ecs_service": {"p_v": {"tags": {"pipeline": "p", "variant": "v"}}}}})


def test_unknown_and_sensitive_parts_are_marked_wherever_they_are():
    value = {"a": 1, "b": None, "c": [{"d": None}, {"d": 2}], "e": {"f": "x"}}
    mask = {"b": True, "c": [{"d": True}, {}], "e": {}, "g": True}
    assert known(value, mask) == {
        "a": 1,
        "b": AFTER_APPLY,
        "c": [{"d": AFTER_APPLY}, {"d": 2}],
        "e": {"f": "x"},
        "g": AFTER_APPLY,
    }
    assert known(None, {}) is None and known(None, {"x": True}) == {"x": AFTER_APPLY}
    assert known({"k": "secret"}, {"k": True}, SENSITIVE) == {"k": SENSITIVE}


def test_an_import_shows_what_aws_has_then_ours_and_hides_sensitive_values():
    change = {
        "actions": ["update"],
        "importing": {"id": "cluster/service"},
        "before": {"desired_count": 3, "token": "old", "tags": {"pipeline": "p", "variant": "v"}},
        "after": {"desired_count": 1, "token": "new", "tags": {"pipeline": "p", "variant": "v"}, "id": None},
        "after_unknown": {"id": True},
        "before_sensitive": {"token": True},
        "after_sensitive": {"token": True},
    }
    plan = {"resource_changes": [{"address": "aws_ecs_service.p_v", "change": change, "action_reason": "x"}]}
    (found,) = from_plan(plan, None, HEAD)
    assert (found.action, found.importing, found.reason, str(found.owner)) == ("update", "cluster/service", "x", "p/v")
    assert [(a.path, a.old, a.new) for a in found.attributes] == [
        ("desired_count", 3, 1),
        ("token", SENSITIVE, SENSITIVE_CHANGED),
        ("id", None, AFTER_APPLY),
    ], "a sensitive value that changes is a change, its values never shown"
    change["after"]["token"] = "old"
    (same,) = from_plan(plan, None, HEAD)
    assert "token" not in [a.path for a in same.attributes]


def test_a_forgotten_resource_is_kept_in_aws_no_danger_no_destroy_label():
    """The shared stack of `stacks: per_pipeline` forgets (a `removed` block, destroy = false) what moved to a
    pipeline's stack: Terraform's plan action `forget` changes nothing in AWS."""
    before = {"name": "c-p-v", "tags": {"pipeline": "p", "variant": "v"}}
    change = {"actions": ["forget"], "before": before, "after": None}
    plan = {"resource_changes": [{"address": "aws_ecs_service.p_v", "change": change}]}
    (found,) = from_plan(plan, HEAD, HEAD)
    assert (found.action, found.attributes) == ("forget", [])
    result = review({"s": HEAD}, {"s": HEAD}, {"s": plan})
    assert result.dangers == [] and labels(result) == []
    assert "| `aws_ecs_service.p_v` | forget (kept in AWS; leaves this state: a `removed` block) |" in markdown(result)
