"""Properties over random configs (hypothesis): adding, removing or changing one variant never
changes another variant's synthesized resources (autoscaling and image ownership included), and
every synthesized AWS name fits its limit.

Each example synthesizes two stacks, so the example count is kept modest.
"""

import copy
import json

from hypothesis import HealthCheck, assume, given
from hypothesis import strategies as st

from modules.config import names
from modules.policy.plannable import problems
from tests.helpers import resources_of, synth
from tests.strategies import config_names, configs, fuzz, variant_settings

#: (resource type, attribute) -> the AWS limit of that name.
NAME_LIMITS = {
    ("aws_iam_role", "name"): names.LIMITS["iam_role"],
    ("aws_ecs_service", "name"): names.LIMITS["ecs_service"],
    ("aws_ecs_task_definition", "family"): names.LIMITS["task_family"],
    ("aws_security_group", "name"): names.LIMITS["security_group"],
    ("aws_cloudwatch_log_group", "name"): names.LIMITS["log_group"],
    ("aws_ecs_cluster", "name"): names.LIMITS["ecs_cluster"],
    ("aws_appautoscaling_policy", "name"): names.LIMITS["scaling_policy"],
    ("aws_appautoscaling_scheduled_action", "name"): names.LIMITS["scheduled_action"],
}
#: The same for what watches the variants (how many depends on the observability settings).
WATCHER_NAME_LIMITS = {
    ("aws_cloudwatch_metric_alarm", "alarm_name"): names.LIMITS["alarm"],
    ("aws_cloudwatch_dashboard", "dashboard_name"): names.LIMITS["dashboard"],
    ("aws_cloudwatch_event_rule", "name"): names.LIMITS["event_rule"],
}

#: Each example synthesizes twice (make test runs a fifth of them, make slow all: tests/strategies.py `fuzz`).
SYNTHESIZING = fuzz(15, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def stems(data) -> list[str]:
    return [f"{p}_{v}" for p, pipeline in data["pipelines"].items() for v in pipeline["variants"]]


def variant_bytes(stack, stem: str) -> str:
    return json.dumps(resources_of(stack, stem), sort_keys=True)


@st.composite
def one_variant_changed(draw):
    """(config before, config after, the stem of the one variant added, removed or changed)."""
    before = draw(configs())
    after = copy.deepcopy(before)
    pipeline = draw(st.sampled_from(sorted(after["pipelines"])))
    variants = after["pipelines"][pipeline]["variants"]
    operations = ["add", "change"] + (["remove"] if len(variants) > 1 else [])
    operation = draw(st.sampled_from(operations))
    if operation == "add":
        variant = draw(config_names.filter(lambda n: n not in variants))
        variants[variant] = draw(variant_settings())
    else:
        variant = draw(st.sampled_from(sorted(variants)))
        if operation == "remove":
            del variants[variant]
        else:
            variants[variant] = draw(variant_settings().filter(lambda s: s != variants[variant]))
    return before, after, f"{pipeline}_{variant}"


@SYNTHESIZING
@given(one_variant_changed())
def test_one_variant_changing_leaves_every_other_variant_byte_identical(change):
    before, after, touched = change
    others = [stem for stem in stems(before) if stem != touched]
    assume(others)  # a lone variant changing has no other variant to compare
    stack_before, stack_after = synth(before), synth(after)
    for stem in others:
        assert resources_of(stack_before, stem), stem
        assert variant_bytes(stack_after, stem) == variant_bytes(stack_before, stem), stem


@SYNTHESIZING
@given(configs())
def test_every_synthesized_name_fits_its_aws_limit(data):
    stack = synth(data)
    assert problems(stack, "s") == [], "the plan job's guard plans whatever synth writes"
    checked = 0
    for (rtype, attribute), limit in NAME_LIMITS.items():
        for body in stack["resource"].get(rtype, {}).values():
            assert len(body[attribute]) <= limit, (rtype, body[attribute])
            checked += 1
    for (rtype, attribute), limit in WATCHER_NAME_LIMITS.items():
        for body in stack["resource"].get(rtype, {}).values():
            assert len(body[attribute]) <= limit, (rtype, body[attribute])
    scaling = [
        settings["autoscaling"]
        for pipeline in data["pipelines"].values()
        for settings in pipeline["variants"].values()
        if "autoscaling" in settings
    ]
    per_block = [
        sum(key in block for key in ("cpu_target", "memory_target", "backlog"))
        + len(block.get("schedules", {}))
        + sum(direction in block.get("steps", {}) for direction in ("scale_out", "scale_in"))
        for block in scaling
    ]
    assert checked == 1 + 6 * len(stems(data)) + sum(per_block)
