"""The stack of a config with `adopt:`: import blocks at our pinned addresses, and nothing that would replace."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.config.test_adopt import CLUSTER, CONTROL, adopting
from tests.helpers import default_data, synth

STEM = "news-encoder_control"


def without_imports(stack: dict[str, Any]) -> str:
    stack = copy.deepcopy(stack)
    stack.pop("import", None)
    return json.dumps(stack, sort_keys=True)


def test_import_blocks_name_our_pinned_addresses_and_the_aws_ids():
    assert synth(adopting())["import"] == [
        {"to": "aws_ecs_cluster.cluster", "id": CLUSTER},
        {"to": "aws_ecs_cluster_capacity_providers.cluster", "id": CLUSTER},
        {"to": f"aws_cloudwatch_log_group.{STEM}", "id": CONTROL["log_group"]},
        {"to": f"aws_iam_role.{STEM}_execution", "id": CONTROL["execution_role"]},
        {"to": f"aws_iam_role.{STEM}_task", "id": CONTROL["task_role"]},
        {"to": f"aws_security_group.{STEM}", "id": CONTROL["security_group"]},
        {"to": f"aws_ecs_service.{STEM}", "id": CONTROL["service"]},
    ]


def test_every_import_targets_a_resource_of_the_stack():
    stack = synth(adopting())
    for block in stack["import"]:
        kind, name = block["to"].split(".")
        assert name in stack["resource"][kind]


def test_adopted_resources_carry_the_adopted_names():
    resources = synth(adopting())["resource"]
    assert resources["aws_ecs_service"][STEM]["name"] == CONTROL["service"].split("/")[1]
    assert resources["aws_ecs_cluster"]["cluster"]["name"] == CLUSTER
    assert resources["aws_iam_role"][f"{STEM}_execution"]["name"] == CONTROL["execution_role"]
    assert resources["aws_ecs_task_definition"][STEM]["family"] == CONTROL["family"]
    assert resources["aws_cloudwatch_log_group"][STEM]["name"] == CONTROL["log_group"]
    container = json.loads(resources["aws_ecs_task_definition"][STEM]["container_definitions"])[0]
    assert container["logConfiguration"]["options"]["awslogs-group"] == CONTROL["log_group"]


def test_a_launch_type_service_keeps_it_and_gets_no_strategy():
    service = synth(adopting())["resource"]["aws_ecs_service"][STEM]
    assert service["launch_type"] == "FARGATE"
    assert "capacity_provider_strategy" not in service
    treatment = synth(adopting())["resource"]["aws_ecs_service"]["news-encoder_treatment"]
    assert "launch_type" not in treatment and treatment["capacity_provider_strategy"]


def test_a_capacity_provider_service_keeps_our_strategy():
    service = synth(adopting(launch_type="none"))["resource"]["aws_ecs_service"][STEM]
    assert "launch_type" not in service and service["capacity_provider_strategy"]


def test_an_unknown_security_group_name_and_description_are_left_alone():
    group = synth(adopting())["resource"]["aws_security_group"][STEM]
    assert group["lifecycle"] == {"ignore_changes": ["name", "description"]}
    named = adopting(security_group_name="NewsStack-ControlSG", security_group_description="Control tasks")
    group = synth(named)["resource"]["aws_security_group"][STEM]
    assert (group["name"], group["description"]) == ("NewsStack-ControlSG", "Control tasks")
    assert "lifecycle" not in group


def test_imports_false_drops_only_the_import_blocks():
    first = synth(adopting())
    later = adopting()
    later["adopt"]["imports"] = False
    applied = synth(later)
    assert "import" not in applied
    assert without_imports(first) == json.dumps(applied, sort_keys=True)


def test_adopting_what_has_our_names_changes_nothing_once_adopt_is_removed():
    """Resources another Terraform of ours made (our names, a capacity provider strategy): removing `adopt:`
    after the first apply leaves every resource byte-identical; only the import blocks go."""
    ours = synth(default_data())
    resources = ours["resource"]
    group = resources["aws_security_group"][STEM]
    data = default_data()
    cluster = resources["aws_ecs_cluster"]["cluster"]["name"]
    data["adopt"] = {
        "cluster": cluster,
        "pipelines": {
            "news-encoder": {
                "variants": {
                    "control": {
                        "service": f"{cluster}/{resources['aws_ecs_service'][STEM]['name']}",
                        "launch_type": "none",
                        "family": resources["aws_ecs_task_definition"][STEM]["family"],
                        "execution_role": resources["aws_iam_role"][f"{STEM}_execution"]["name"],
                        "task_role": resources["aws_iam_role"][f"{STEM}_task"]["name"],
                        "log_group": resources["aws_cloudwatch_log_group"][STEM]["name"],
                        "security_group": "sg-0123456789abcdef0",
                        "security_group_name": group["name"],
                        "security_group_description": group["description"],
                    }
                }
            }
        },
    }
    adopted = synth(data)
    assert len(adopted["import"]) == 7
    assert without_imports(adopted) == json.dumps(ours, sort_keys=True)


def test_the_exported_module_keeps_the_adopted_settings_without_import_blocks():
    from modules.app import module_json
    from tests.helpers import load

    module = module_json(load(adopting()))
    assert "import" not in module  # only a root module may declare them: the caller writes its own
    service = module["resource"]["aws_ecs_service"][STEM]
    assert service["launch_type"] == "FARGATE" and "capacity_provider_strategy" not in service
    assert module["resource"]["aws_security_group"][STEM]["lifecycle"] == {"ignore_changes": ["name", "description"]}


def test_the_override_writes_what_cdktf_import_from_writes():
    """`add_imports` declares every import in one override (one kernel call); cdktf's own `import_from` on a
    pinned resource writes the same block at the same address."""
    from modules.constructs.address import pin
    from modules.runtime import cdk

    stack = cdk.TerraformStack(cdk.Testing.app(), "s")
    cdk.AwsProvider(stack, "aws", region="ap-northeast-1")
    group = cdk.CloudwatchLogGroup(cdk.Construct(stack, STEM), "log_group", name=CONTROL["log_group"])
    pin(group, STEM)
    group.import_from(CONTROL["log_group"])
    (theirs,) = json.loads(cdk.Testing.synth(stack))["import"]
    ours = next(block for block in synth(adopting())["import"] if block["to"] == theirs["to"])
    assert ours == theirs
