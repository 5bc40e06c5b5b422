"""Danger rules on small hand-written stacks (no synth): data kept by skip_destroy, the
provider and the backend, capacity provider changes the AWS provider rejects."""

import pytest

from modules.review import dangers
from modules.review.changes import infer
from modules.review.dangers import KINDS, find
from modules.review.outputs import parse_stack

TAGS = {"pipeline": "p", "variant": "v"}


@pytest.fixture(autouse=True)
def finders_report_only_their_kinds(monkeypatch):
    """Every test here also checks the registry: each finder reports only the kinds it is registered with."""

    def checked(finder, registered):
        def run(found):
            reported = finder(found)
            assert {danger.kind for danger in reported} <= set(registered), finder.__name__
            return reported

        return run

    monkeypatch.setattr(dangers, "FINDERS", tuple((checked(f, kinds), kinds) for f, kinds in dangers.FINDERS))


def test_every_kind_has_a_finder_in_the_registry():
    registered = [kind for _, kinds in dangers.FINDERS for kind in kinds]
    assert set(registered) == set(KINDS)


def stack(resources, provider=None, backend=None):
    data = {
        "provider": {"aws": [provider or {"region": "us-east-1"}]},
        "terraform": {"backend": backend or {"local": {"path": "/checkout/a/terraform.s.tfstate"}}},
        "resource": resources,
    }
    return parse_stack("s", data)


def kinds(base, head):
    return [(d.kind, d.address) for d in find(infer(base, head), base, head, inferred=True)]


def test_a_log_group_kept_by_skip_destroy_loses_nothing():
    group = {"name": "/ecs/c/p/v", "tags": TAGS}
    assert kinds(stack({"aws_cloudwatch_log_group": {"p_v": group}}), stack({})) == [
        ("data_loss", "aws_cloudwatch_log_group.p_v")
    ]
    kept = {**group, "skip_destroy": True}
    assert kinds(stack({"aws_cloudwatch_log_group": {"p_v": kept}}), stack({})) == []


def test_provider_and_backend_changes_are_shared():
    base = stack({})
    assert kinds(base, stack({}, backend={"local": {"path": "/checkout/b/terraform.s.tfstate"}})) == []
    assumed = {"region": "us-east-1", "assume_role": [{"role_arn": "arn:aws:iam::123456789012:role/deploy"}]}
    assert kinds(base, stack({}, provider=assumed)) == [("shared", "provider.aws")]
    moved = stack({}, backend={"s3": {"bucket": "state", "key": "s.tfstate"}})
    assert kinds(base, moved) == [("shared", "terraform.backend")]


def test_capacity_provider_change_needs_force_new_deployment():
    def service(weight, **extra):
        strategy = [
            {"capacity_provider": "FARGATE", "weight": 1},
            {"capacity_provider": "FARGATE_SPOT", "weight": weight},
        ]
        return {
            "aws_ecs_service": {"p_v": {"name": "p_v", "capacity_provider_strategy": strategy, "tags": TAGS, **extra}}
        }

    assert kinds(stack(service(1)), stack(service(2))) == [("plan_fails", "aws_ecs_service.p_v")]
    forced = stack(service(2, force_new_deployment=True))
    assert kinds(stack(service(1, force_new_deployment=True)), forced) == []


def test_availability_zone_rebalancing_changes_in_place():
    """Not force-new in the provider: an adopted service whose setting differs is updated, never replaced."""

    def service(value):
        body = {"name": "p_v", "availability_zone_rebalancing": value, "tags": TAGS}
        return stack({"aws_ecs_service": {"p_v": body}})

    changes = infer(service("DISABLED"), service("ENABLED"))
    assert [(c.address, c.action) for c in changes] == [("aws_ecs_service.p_v", "update")]
    assert kinds(service("DISABLED"), service("ENABLED")) == []


def test_a_region_change_on_the_same_state_orphans_the_old_region():
    base = stack({})
    (danger,) = find(
        infer(base, stack({}, provider={"region": "eu-west-1"})),
        base,
        stack({}, provider={"region": "eu-west-1"}),
        inferred=True,
    )
    assert (danger.kind, danger.address) == ("orphans", "provider.aws")
    assert "from us-east-1 to eu-west-1 with the same state" in danger.detail
    assert "those in us-east-1 keep running (and billing), no longer managed by Terraform" in danger.detail
    moved = stack({}, provider={"region": "eu-west-1"}, backend={"s3": {"bucket": "state", "key": "eu.tfstate"}})
    assert kinds(base, moved) == [("shared", "provider.aws"), ("shared", "terraform.backend")], (
        "a new state: no orphans"
    )


def test_a_region_change_names_the_global_resources_it_takes_from_the_old_region():
    def roles(region):
        role = {"name": f"c_p_v_{region}_task", "assume_role_policy": "{}", "tags": TAGS}
        group = {"name": "/ecs/c/p/v", "tags": TAGS}
        return {"aws_iam_role": {"p_v_task": role}, "aws_cloudwatch_log_group": {"p_v": group}}

    base = stack(roles("use1"))
    head = stack(roles("euw1"), provider={"region": "eu-west-1"})
    orphans = next(d for d in find(infer(base, head), base, head, inferred=True) if d.kind == "orphans")
    assert orphans.detail.endswith(
        "no longer managed by Terraform; global resources are found, not recreated: aws_iam_role.p_v_task are "
        "destroyed (replaced or deleted), although the resources left in us-east-1 still use them; destroy them "
        "first, or give the new region its own state"
    )
    unnamed = stack(roles("x"), provider={"region": "eu-west-1"})
    found = find(infer(stack(roles("x")), unnamed), stack(roles("x")), unnamed, inferred=True)
    orphans = next(d for d in found if d.kind == "orphans")
    assert "global resources" not in orphans.detail, "a role that stays the same is not taken"


def test_removing_step_scaling_is_no_danger():
    """Its alarms run a scaling policy and watch nothing; a policy removed is no danger either."""
    policy = {"aws_appautoscaling_policy": {"p_v_scale_out": {"name": "p_v_scale_out"}}}
    alarm = {
        "aws_cloudwatch_metric_alarm": {
            "p_v_scale_out": {
                "alarm_name": "c_p_v_scale_out",
                "alarm_actions": ["${aws_appautoscaling_policy.p_v_scale_out.arn}"],
                "tags": TAGS,
            }
        }
    }
    service = {"aws_ecs_service": {"p_v": {"name": "p_v", "tags": TAGS}}}
    assert kinds(stack({**policy, **alarm, **service}), stack(service)) == []


def test_removed_alarms_and_dashboards_are_observability_dangers():
    alarm = {"aws_cloudwatch_metric_alarm": {"p_v_tasks": {"alarm_name": "c_p_v_tasks", "tags": TAGS}}}
    dashboard = {"aws_cloudwatch_dashboard": {"p": {"dashboard_name": "c_p", "dashboard_body": "{}"}}}
    watched = stack({**alarm, **dashboard, "aws_ecs_service": {"p_v": {"name": "p_v", "tags": TAGS}}})
    unwatched = stack({"aws_ecs_service": {"p_v": {"name": "p_v", "tags": TAGS}}})
    assert kinds(watched, unwatched) == [
        ("shared", "aws_cloudwatch_dashboard.p"),
        ("observability", "aws_cloudwatch_metric_alarm.p_v_tasks"),
        ("observability", "aws_cloudwatch_dashboard.p"),
    ]
    (shared,) = [d for d in find(infer(watched, unwatched), watched, unwatched, inferred=True) if d.kind == "shared"]
    assert "every variant of p depends on it" in shared.detail, "the dashboard is the pipeline's"
    assert kinds(unwatched, watched) == [], "adding them is no danger"
