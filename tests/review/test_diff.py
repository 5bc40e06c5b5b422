"""Attribute diffs, force-new rules and owners, without synthesizing anything."""

import json

from modules.review.diff import AttributeChange, diff_values, references
from modules.review.forcenew import forcing
from modules.review.owners import SHARED, Owner, owner_of


def test_json_documents_are_diffed_field_by_field():
    def document(image, variable, value):
        container = {"name": "app", "image": image, "environment": [{"name": variable, "value": value}]}
        return {"container_definitions": json.dumps([container])}

    old, new = document("a:1", "A", "1"), document("a:2", "B", "2")
    assert diff_values(old, new) == [
        AttributeChange("container_definitions[app].image", "a:1", "a:2"),
        AttributeChange("container_definitions[app].environment[A]", "1", None),
        AttributeChange("container_definitions[app].environment[B]", None, "2"),
    ]
    assert diff_values(old, old) == []


def test_unnamed_lists_and_scalars_are_whole_values():
    assert diff_values({"subnets": ["a", "b"]}, {"subnets": ["a"]}) == [AttributeChange("subnets", ["a", "b"], ["a"])]
    assert diff_values({"block": [{"x": 1}]}, {"block": [{"x": 2}]}) == [AttributeChange("block.x", 1, 2)]


def test_force_new_attributes():
    assert forcing("aws_ecs_service", ["desired_count", "cluster", "deployment_controller.type"]) == [
        "cluster",
        "deployment_controller.type",
    ]
    assert forcing("aws_ecs_service", ["deployment_controller"]) == ["deployment_controller"]
    assert forcing("aws_ecs_task_definition", ["tags", "cpu"]) == ["cpu"]
    assert forcing("aws_cloudwatch_log_group", ["retention_in_days"]) == []


def test_references_name_the_attribute_and_the_target():
    body = {"cluster": "${aws_ecs_cluster.cluster.arn}", "net": {"sg": ["${aws_security_group.p_v.id}"]}}
    assert [(r.path, r.address) for r in references(body)] == [
        ("cluster", "aws_ecs_cluster.cluster"),
        ("net.sg", "aws_security_group.p_v"),
    ]


def test_owner_by_tags_then_by_address():
    variants = {Owner("p", "v"), Owner("p", "v_x")}
    assert owner_of("aws_iam_role.p_v_task", {"tags": {"pipeline": "p", "variant": "v"}}, variants) == Owner("p", "v")
    assert owner_of("aws_iam_role_policy.p_v_execution", {}, variants) == Owner("p", "v")
    assert owner_of("aws_ecs_cluster.cluster", {}, variants) == SHARED
    assert str(SHARED) == "shared"
