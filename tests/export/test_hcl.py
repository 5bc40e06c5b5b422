"""Terraform JSON rendered as HCL: the same expressions, blocks where the schema has blocks, fmt layout."""

import json

import pytest

from modules.export.hcl import arguments, document, expression

CONTAINERS = json.dumps(
    [{"command": ["sh", "-c", "echo $${HOME} %%{x}"], "image": "${local.image}", "name": "app"}],
    sort_keys=True,
    separators=(",", ":"),
)


@pytest.mark.parametrize(
    ("json_string", "hcl"),
    [
        ("${aws_iam_role.x.arn}", "aws_iam_role.x.arn"),
        ("${ var.tags }", "var.tags"),
        ('${merge(var.tags, {"a" = "b"})}', 'merge(var.tags, {"a" = "b"})'),
        ("plain", '"plain"'),
        ('$${file("/etc/passwd")}', '"$${file(\\"/etc/passwd\\")}"'),
        ("%%{if true}x%%{endif}", '"%%{if true}x%%{endif}"'),
        ('say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'),
        ("line\nnext\ttab\x01", '"line\\nnext\\ttab\\u0001"'),
        ("arn:${aws_x.y.arn}:*", '"arn:${aws_x.y.arn}:*"'),
        ("${a.b}${c.d}", '"${a.b}${c.d}"'),
        ('$${a}${local.a["q\\"]"]}x\\', '"$${a}${local.a["q\\"]"]}x\\\\"'),
        ("${~ var.x ~}", '"${~ var.x ~}"'),
        ("100% $ {", '"100% $ {"'),
    ],
)
def test_a_json_string_becomes_the_hcl_expression_terraform_evaluates_alike(json_string, hcl):
    assert expression(json_string) == hcl


def test_blocks_arguments_meta_arguments_and_json_documents():
    stack = {
        "//": {"metadata": {"stackName": "s"}},
        "resource": {
            "aws_ecs_service": {
                "svc": {
                    "//": {"metadata": {"path": "s/svc"}},
                    "depends_on": ["aws_ecs_cluster.c"],
                    "lifecycle": {"ignore_changes": ["desired_count"]},
                    "name": "svc",
                    "network_configuration": {"subnets": ["subnet-1"], "assign_public_ip": False},
                    "tags": {"team": "ml", "cost-center": "4711", "${x}": "$${y}"},
                }
            },
            "aws_ecs_task_definition": {"td": {"container_definitions": CONTAINERS, "cpu": "256"}},
            "aws_security_group": {"sg": {"egress": [{"cidr_blocks": ["0.0.0.0/0"], "self": None, "to_port": 443}]}},
        },
        "variable": {"ids": {"type": "list(string)", "default": ["a"], "validation": [{"condition": "${true}"}]}},
    }
    assert document(stack, comment="made by us") == (
        "# made by us\n"
        "\n"
        'variable "ids" {\n'
        "  type    = list(string)\n"
        '  default = ["a"]\n'
        "\n"
        "  validation {\n"
        "    condition = true\n"
        "  }\n"
        "}\n"
        "\n"
        'resource "aws_ecs_service" "svc" {\n'
        "  depends_on = [aws_ecs_cluster.c]\n"
        '  name       = "svc"\n'
        "  tags = {\n"
        '    team        = "ml"\n'
        '    cost-center = "4711"\n'
        '    "${x}"      = "$${y}"\n'
        "  }\n"
        "\n"
        "  lifecycle {\n"
        "    ignore_changes = [desired_count]\n"
        "  }\n"
        "\n"
        "  network_configuration {\n"
        '    subnets          = ["subnet-1"]\n'
        "    assign_public_ip = false\n"
        "  }\n"
        "}\n"
        "\n"
        'resource "aws_ecs_task_definition" "td" {\n'
        "  container_definitions = jsonencode([\n"
        "    {\n"
        '      command = ["sh", "-c", "echo $${HOME} %%{x}"]\n'
        "      image   = local.image\n"
        '      name    = "app"\n'
        "    },\n"
        "  ])\n"
        '  cpu = "256"\n'
        "}\n"
        "\n"
        'resource "aws_security_group" "sg" {\n'
        "  egress = [\n"
        "    {\n"
        '      cidr_blocks = ["0.0.0.0/0"]\n'
        "      self        = null\n"
        "      to_port     = 443\n"
        "    },\n"
        "  ]\n"
        "}\n"
    )


def test_a_json_string_that_does_not_round_trip_stays_a_string():
    spaced = '{"Version": "2012-10-17"}'  # not as the constructs encode: jsonencode would change its text
    assert arguments({"policy": spaced}) == '  policy = "{\\"Version\\": \\"2012-10-17\\"}"\n'


def test_keys_that_are_no_identifiers_are_quoted():
    assert arguments({"tags": {"true": "1", "a b": "2", "9x": "3"}}, depth=0) == (
        'tags = {\n  "true" = "1"\n  "a b"  = "2"\n  "9x"   = "3"\n}\n'
    )


def test_the_terraform_blocks_strings_literal_in_json_are_escaped_in_hcl():
    """Terraform reads the `terraform` block's JSON strings as they are, a quoted HCL string as a template."""
    block = {"terraform": {"backend": {"s3": {"key": "a/${x}/%{y}", "bucket": "b"}}, "required_version": ">= 1.10"}}
    assert document(block) == (
        "terraform {\n"
        '  required_version = ">= 1.10"\n'
        "\n"
        '  backend "s3" {\n'
        '    key    = "a/$${x}/%%{y}"\n'
        '    bucket = "b"\n'
        "  }\n"
        "}\n"
    )


def test_the_migration_blocks_render_as_terraform_writes_them():
    """`synth --split-from --format hcl`: `removed` and `import` with bare addresses, the lookups as data."""
    text = document(
        {
            "data": {"aws_ecs_cluster": {"cluster": {"cluster_name": "prod"}}},
            "removed": [{"from": "aws_iam_role.a_control_task", "lifecycle": {"destroy": False}}],
            "import": [{"to": "aws_iam_role.a_control_task", "id": "a-control-task"}],
        }
    )
    assert 'data "aws_ecs_cluster" "cluster" {\n  cluster_name = "prod"\n}' in text
    assert "removed {\n  from = aws_iam_role.a_control_task\n\n  lifecycle {\n    destroy = false\n  }\n}" in text
    assert 'import {\n  to = aws_iam_role.a_control_task\n  id = "a-control-task"\n}' in text
