"""The plan job plans only what this generator emits: everything else is refused, one line each.

Compliant: every example as `synth` writes it, adoption, the S3 and HCP Terraform backends.
Non-compliant: expressions in keys, in the `terraform` block, the backend and the provider; references
the constructs never write; duplicate JSON keys; files Terraform reads that synth never writes."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from modules.config.names import NAME_RULE
from modules.output_dir import synthesize
from modules.policy.plannable import check_outdir, main, problems
from tests.config.test_adopt import adopting
from tests.helpers import ROOT, default_data, every_source, load_all, load_text, synth

LEAK = '${file("/proc/self/environ")}'
ROLE = "news-encoder_control_task"


@pytest.fixture(scope="module")
def stack():
    return synth(default_data())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    """Real `synth` outputs: every example, adoption, and the HCP Terraform backend by name and by tags."""
    root = tmp_path_factory.mktemp("plannable")
    configs = {path.stem: load_text(path.read_text()) for path in sorted((ROOT / "examples").glob("*.yaml"))}
    configs["pipelines"] = load_text((ROOT / "pipelines.yaml").read_text())
    configs["adopt"] = load_all(adopting())
    for name, backend in {
        "cloud-name": {"type": "cloud", "organization": "acme", "workspace": "fp-{stack}"},
        "cloud-tags": {"type": "cloud", "organization": "acme", "workspace_tags": ["fp", "{stack}"]},
    }.items():
        configs[name] = load_all({**default_data(), "backend": backend})
    split = yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text())
    configs["per-pipeline"] = load_all({**split, "stacks": "per_pipeline"})
    for name, deployments in configs.items():
        synthesize(deployments, root / name)
    return {name: root / name for name in configs}


def test_every_example_as_synth_writes_it_may_be_planned(outputs):
    for name, outdir in outputs.items():
        assert check_outdir(outdir) == [], name
    assert len(list((outputs["adopt"] / "stacks").glob("*/cdk.tf.json"))) == 1


def test_a_pipeline_stack_plans_its_lookups_and_the_migration_blocks_as_split_from_writes_them(outputs):
    stacks = outputs["per-pipeline"] / "stacks"
    assert len(list(stacks.glob("*/cdk.tf.json"))) == 3
    own = json.loads((stacks / "all-features-click-aggregator" / "cdk.tf.json").read_text())
    own["import"] = [{"to": "aws_iam_role.click-aggregator_control_task", "id": "x"}]
    assert problems(own, "s") == []
    shared = json.loads((stacks / "all-features" / "cdk.tf.json").read_text())
    shared["removed"] = [{"from": "aws_iam_role.click-aggregator_control_task", "lifecycle": {"destroy": False}}]
    assert problems(shared, "s") == []

    def hostile_lookups(s):
        s["data"]["aws_ecs_cluster"]["cluster"]["cluster_name"] = LEAK
        s["data"]["aws_ecs_cluster"]["cluster"]["tags"] = {}
        s["resource"]["aws_ecs_service"]["click-aggregator_control"]["name"] = "${data.aws_ecs_cluster.cluster.tags}"

    lines = hostile(own, hostile_lookups)
    assert lines[0] == "s.data.aws_ecs_cluster.cluster: 'tags' is not a setting this generator writes"
    assert lines[1].startswith("s.data.aws_ecs_cluster.cluster.cluster_name: a Terraform expression")
    assert lines[2].startswith("s.resource.aws_ecs_service.click-aggregator_control.name: a Terraform expression")

    def destroying(s):
        s["removed"] = [
            {"from": "aws_ecs_cluster.cluster", "lifecycle": {"destroy": False}},
            {"from": "aws_iam_role.x", "lifecycle": {"destroy": True}},
        ]

    assert hostile(shared, destroying) == [
        "s.removed[0].from: 'aws_ecs_cluster.cluster' is not one of our resource types gone from the stack",
        "s.removed[1].lifecycle: not {destroy = false}: the generator never destroys through removed",
    ]


def test_what_we_synthesize_may_be_planned(stack):
    assert problems(stack, "s") == []
    assert problems(synth(every_source()), "s") == [], "every autoscaling resource type is known"


def hostile(stack: dict[str, Any], change) -> list[str]:
    changed = copy.deepcopy(stack)
    change(changed)
    return problems(changed, "s")


def test_another_provider_is_refused(stack):
    def add(s):
        s["terraform"]["required_providers"]["external"] = {"source": "hashicorp/external"}

    assert hostile(stack, add) == ["s: provider 'external' (hashicorp/external) is not hashicorp/aws"]


def test_an_unknown_data_source_and_a_provisioner_are_refused(stack):
    def add(s):
        s["data"] = {"aws_secretsmanager_secret_version": {"x": {"secret_id": "prod"}}}
        s["resource"]["aws_iam_role"][ROLE]["provisioner"] = [{"local-exec": {}}]

    assert hostile(stack, add) == [
        f"s: aws_iam_role.{ROLE} has a provisioner",
        "s: data source 'aws_secretsmanager_secret_version' is not one this generator writes",
    ]


def test_a_function_call_anywhere_is_refused(stack):
    def add(s):
        s["resource"]["aws_iam_role"][ROLE]["tags"]["x"] = LEAK

    (line,) = hostile(stack, add)
    assert line.startswith(f"s.resource.aws_iam_role.{ROLE}.tags.x: a Terraform expression")


@pytest.mark.parametrize(
    "where",
    [
        lambda s: s["resource"]["aws_iam_role"][ROLE]["tags"],
        lambda s: s["resource"]["aws_iam_role"],
        lambda s: s["provider"]["aws"][0]["default_tags"][0]["tags"],
        lambda s: s["output"],
        lambda s: s["resource"]["aws_iam_role"][ROLE]["tags"].setdefault("//", {}),
        lambda s: s.setdefault("//", {}),
    ],
    ids=["tag", "resource name", "default tag", "output", "comment in a value", "metadata"],
)
def test_an_expression_in_a_key_is_refused(stack, where):
    (line,) = hostile(stack, lambda s: where(s).update({LEAK: "x"}))
    assert "a Terraform expression" in line and "file(" in line


def test_backend_text_is_planned_as_synth_writes_it_terraform_reads_it_literally():
    data = {
        **default_data(),
        "backend": {
            "type": "s3",
            "bucket": "state",
            "key": "s/${{x}}/%{{y}}/{stack}.tfstate",
            "workspace_key_prefix": "p${z}",
        },
    }
    stack = synth(data)
    assert stack["terraform"]["backend"]["s3"]["key"] == "s/${x}/%{y}/feature-pipelines.tfstate"
    assert stack["terraform"]["backend"]["s3"]["workspace_key_prefix"] == "p${z}"
    assert problems(stack, "s") == []
    cloud = synth(
        {
            **default_data(),
            "backend": {"type": "cloud", "organization": "acme", "workspace_tags": ["${{x}}", "{stack}"]},
        }
    )
    assert problems(cloud, "s") == []


def test_an_escaped_key_is_a_literal_and_may_be_planned(stack):
    assert hostile(stack, lambda s: s["resource"]["aws_iam_role"][ROLE]["tags"].update({"$${x}": "%%{y}"})) == []


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda s: s["terraform"].update(required_version=LEAK), "s.terraform.required_version: a Terraform expr"),
        (
            lambda s: s["terraform"]["backend"]["local"].update(path=LEAK),
            "s.terraform.backend.local.path: '${file(\"/proc/self/environ\")}' is not ../../../terraform.",
        ),
        (
            lambda s: s["terraform"]["backend"]["local"].update(path="/proc/self/environ"),
            "s.terraform.backend.local.path: '/proc/self/environ' is not ../../../terraform.<stack>.tfstate",
        ),
        (lambda s: s["terraform"]["backend"].update(http={"address": "x"}), "s: backend 'http' is not one this"),
        (
            lambda s: s["terraform"]["backend"].update(s3={"bucket": "b", "endpoints": {"s3": "https://x"}}),
            "s.terraform.backend.s3: 'endpoints' is not a setting this generator writes",
        ),
        (lambda s: s["terraform"].update(experiments=["x"]), "s.terraform: 'experiments' is not a setting"),
        (
            lambda s: s["provider"]["aws"][0].update(shared_config_files=["/proc/self/environ"]),
            "s.provider.aws[0]: 'shared_config_files' is not a setting this generator writes",
        ),
        (lambda s: s["provider"]["aws"][0].update(region=LEAK), "s.provider.aws[0].region: a Terraform expression"),
    ],
    ids=["required_version", "backend expression", "backend path", "backend type", "s3", "terraform", "provider", "r"],
)
def test_the_terraform_block_backend_and_provider_hold_only_what_we_write(stack, change, fragment):
    (line,) = hostile(stack, change)
    assert line.startswith(fragment), line


@pytest.mark.parametrize(
    "reference",
    [
        "${var.secret}",
        "${local.x}",
        "${terraform.workspace}",
        "${path.cwd}",
        "${data.external.x.result}",
        "${aws_iam_role.nowhere.arn}",
        f"${{aws_iam_role.{ROLE}.tags_all}}",
        f"${{aws_iam_role.{ROLE}}}",
        "${aws_ssm_parameter.x.value}",
        f'${{aws_iam_role.{ROLE}["arn"]}}',
        "%{if true}x%{endif}",
    ],
)
def test_only_references_the_constructs_write_are_planned(stack, reference):
    lines = hostile(stack, lambda s: s["resource"]["aws_iam_role"][ROLE].update(description=reference))
    assert lines and all(line.startswith(f"s.resource.aws_iam_role.{ROLE}.description: ") for line in lines), lines


def test_a_reference_outside_resources_and_outputs_is_refused(stack):
    def add(s):
        s["provider"]["aws"][0]["default_tags"][0]["tags"]["x"] = f"${{aws_iam_role.{ROLE}.arn}}"

    (line,) = hostile(stack, add)
    assert line.startswith("s.provider.aws[0].default_tags[0].tags.x: a Terraform expression")


def test_an_import_holds_a_literal_id_and_one_of_our_resources(stack):
    def add(s):
        s["import"] = [{"to": f"aws_iam_role.{ROLE}", "id": LEAK}, {"to": "aws_iam_role.other", "id": "x"}]

    target, expression = hostile(stack, add)
    assert target == "s.import[1].to: 'aws_iam_role.other' is not a resource of this stack"
    assert expression.startswith("s.import[0].id: a Terraform expression")


def test_unknown_top_level_blocks_are_refused(stack):
    def add(s):
        s["module"] = {"x": {"source": "git::https://example.com/x"}}
        s["check"] = {}

    assert hostile(stack, add) == [
        "s: top-level block 'module' is not one this generator writes",
        "s: top-level block 'check' is not one this generator writes",
    ]


def write(outdir: Path, name: str, text: str) -> Path:
    path = outdir / "stacks" / name / "cdk.tf.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_duplicate_key_is_refused_terraform_would_read_both(tmp_path, stack):
    benign = json.dumps(stack["resource"])
    evil = json.dumps({"aws_iam_role": {"x": {"name": "x", "description": LEAK}}})
    text = json.dumps({k: v for k, v in stack.items() if k != "resource"})[:-1]
    write(tmp_path, "s", f'{text}, "resource": {evil}, "resource": {benign}}}')
    assert check_outdir(tmp_path) == ["s/cdk.tf.json: duplicate key 'resource' (Terraform would read both)"]


@pytest.mark.parametrize(
    "extra",
    [
        "evil.tf",
        "x_override.tf.json",
        "terraform.tfvars",
        "a.auto.tfvars.json",
        ".terraform/providers/p",
        ".terraform.lock.hcl",
    ],
)
def test_a_file_synth_never_writes_beside_the_stack_is_refused(tmp_path, stack, extra):
    path = write(tmp_path, "s", json.dumps(stack)).parent / extra
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    top = extra.split("/")[0]
    assert check_outdir(tmp_path) == [f"s/{top}: synth writes nothing but cdk.tf.json in a stack directory"]


def test_a_stack_directory_without_json_or_with_hcl_is_refused(tmp_path, outputs):
    (tmp_path / "stacks" / "bare").mkdir(parents=True)
    (tmp_path / "stacks" / "bare" / "main.tf").write_text('output "x" { value = file("/proc/self/environ") }')
    assert check_outdir(tmp_path) == [
        "bare/main.tf: synth writes nothing but cdk.tf.json in a stack directory",
        "bare: no cdk.tf.json (the plan job plans `make synth` output, Terraform JSON)",
    ]
    hcl = tmp_path / "hcl"
    synthesize(load_all(default_data()), hcl, format="hcl")
    assert check_outdir(hcl) == [
        "feature-pipelines/cdk.tf: synth writes nothing but cdk.tf.json in a stack directory",
        "feature-pipelines/metadata.json: synth writes nothing but cdk.tf.json in a stack directory",
        "feature-pipelines: no cdk.tf.json (the plan job plans `make synth` output, Terraform JSON)",
    ]


@pytest.mark.parametrize("name", ["a=b", "--help", "x y", "A", ".hidden", "a\nb"])
def test_a_stack_directory_synth_cannot_name_is_refused(tmp_path, stack, name):
    write(tmp_path, name, json.dumps(stack))
    assert check_outdir(tmp_path) == [f"{name!r}: not a stack name synth writes ({NAME_RULE})"]


def test_a_symlink_is_refused(tmp_path, stack):
    (tmp_path / "stacks" / "s").mkdir(parents=True)
    os.symlink("/proc/self/environ", tmp_path / "stacks" / "s" / "cdk.tf.json")
    os.symlink(tmp_path / "stacks" / "s", tmp_path / "stacks" / "t")
    assert check_outdir(tmp_path) == [
        "s/cdk.tf.json: not a regular file",
        "t: not a directory",
    ]


def test_the_command_line_checks_every_stack(tmp_path, stack, capsys):
    for name, body in (("good", stack), ("bad", {**stack, "module": {}})):
        write(tmp_path, name, json.dumps(body))
    write(tmp_path, "broken", "{")
    assert main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "not plannable: bad: top-level block 'module' is not one this generator writes",
        "not plannable: broken/cdk.tf.json: not JSON: Expecting property name enclosed in double quotes (line 1)",
    ]
    assert check_outdir(tmp_path / "missing") == [f"{tmp_path / 'missing'}: no stacks/<name>/cdk.tf.json to check"]
