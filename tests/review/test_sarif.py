"""The review's dangers as SARIF (review/sarif.py), as GitHub code scanning reads it."""

import json

from modules.review.dangers import KINDS, Danger
from modules.review.sarif import RULES, sarif


def test_every_danger_is_one_result_of_its_kinds_rule_located_in_the_config():
    dangers = [
        Danger("replace", "aws_ecs_service.p_v", "s", "replaced: its tasks stop"),
        Danger("security", "aws_security_group.p_v", "s", "egress widened: tcp all ports to 0.0.0.0/0"),
    ]
    log = sarif(dangers, "config/pipelines.yaml")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [f"review/{kind}" for kind in KINDS]
    first, second = run["results"]
    assert (first["ruleId"], first["level"]) == ("review/replace", "error")
    assert (second["ruleId"], second["level"]) == ("review/security", "warning")
    assert rules[second["ruleIndex"]]["id"] == second["ruleId"]
    assert first["message"]["text"] == "aws_ecs_service.p_v (s): replaced: its tasks stop"
    location = first["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "config/pipelines.yaml"
    assert location["logicalLocations"] == [{"fullyQualifiedName": "s/aws_ecs_service.p_v", "kind": "resource"}]
    assert first["partialFingerprints"] != second["partialFingerprints"]
    again = sarif([dangers[0]], "config/pipelines.yaml")["runs"][0]["results"][0]
    assert again["partialFingerprints"] == first["partialFingerprints"], "one danger is one alert from run to run"
    assert json.loads(json.dumps(log)) == log and log["version"] == "2.1.0"


def test_no_danger_is_an_empty_run_and_every_kind_has_a_level():
    assert sarif([], "pipelines.yaml")["runs"][0]["results"] == []
    assert {level for _, level in RULES.values()} == {"error", "warning"}
