"""The force-new registry covers every resource type the stacks declare, so a review never misses a replacement."""

import yaml

from modules.review.forcenew import FORCE_NEW, REVISIONED, forcing
from modules.runtime.imports import PROVIDER_CLASSES
from tests.helpers import ROOT, synth

REGISTERED = set(FORCE_NEW) | set(REVISIONED)


def test_every_resource_type_the_seam_imports_is_registered():
    resources = [name for name in PROVIDER_CLASSES if name != "provider" and not name.startswith("data_")]
    declared = {f"aws_{name}" for name in resources}
    assert declared - REGISTERED == set(), "add the force-new attributes (provider source) to review/forcenew.py"


def test_every_resource_type_of_the_fullest_example_is_registered():
    stack = synth(yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text()))
    synthesized = set(stack["resource"])
    assert "aws_cloudwatch_event_target" in synthesized and "aws_cloudwatch_dashboard" in synthesized
    assert synthesized - REGISTERED == set()


def test_renaming_an_alarm_a_metric_filter_or_an_event_rule_replaces_it():
    assert forcing("aws_cloudwatch_metric_alarm", ["alarm_name", "threshold"]) == ["alarm_name"]
    assert forcing("aws_cloudwatch_log_metric_filter", ["pattern", "log_group_name"]) == ["log_group_name"]
    assert forcing("aws_cloudwatch_event_rule", ["event_pattern"]) == []
    assert forcing("aws_cloudwatch_event_target", ["rule", "arn"]) == ["rule"]
    assert forcing("aws_cloudwatch_dashboard", ["dashboard_body"]) == []
