"""What we synthesize exists in the AWS provider schemas of 5.100 (the real provider's) and of 6.25 and 6.69
(the prebuilt bindings'): every resource type, data source, argument, nested block and attribute read, with
required arguments present and values of a type the argument takes (tests/provider_schema)."""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path

import pytest
import yaml

from modules.app import module_json
from modules.config import load_text
from modules.export import hcl
from modules.export.files import render
from tests.config.test_adopt import adopting
from tests.helpers import ROOT, default_data, synth, synth_all, to_yaml
from tests.provider_schema.check import VERSIONS, Finding, check_hcl, check_json, snapshot
from tests.provider_schema.snapshot import used_types
from tests.runtime.parity import configs

#: Every config the parity cases synthesize: pipelines.yaml, the examples (environments: every stack), the
#: hostile corpus files that synthesize, the test configs of every option, autoscaling signal and backend.
#: And one adopting running resources: `import` blocks, `lifecycle.ignore_changes`, the `launch_type` override.
CONFIGS = {name: text if text is not None else (ROOT / name).read_text() for name, text in configs().items()} | {
    "test-config:adopt": to_yaml(adopting())
}
#: Whose exported module (first environment) `make test` checks, JSON and HCL: every feature, every
#: autoscaling signal with a CI-owned image, the hostile keys; `make slow` checks every config's every one.
MODULE_CONFIGS = ("examples/all-features.yaml", "test-config:autoscaling-ci", "pipelines.yaml")
#: What 6.x deprecates, as reported: the module reads `data.aws_region.current.id`, never this.
REGION_NAME = "`name` is deprecated: use `region`"


def errors(findings: list[Finding]) -> list[str]:
    return [str(finding) for finding in findings if finding.level == "error"]


def warnings(findings: list[Finding]) -> set[str]:
    return {finding.message for finding in findings if finding.level == "warning"}


@functools.lru_cache(maxsize=8)
def exported(text: str, environment: int = 0) -> tuple[dict, dict[str, str]]:
    """A config's exported module: its JSON document and its HCL files."""
    deployment = load_text(text)[environment]
    module = module_json(deployment)
    files = render(module, deployment, source="pipelines.yaml", module_source="./feature-pipelines", format="hcl")
    return module, {name: hcl for name, hcl in files.items() if name.endswith(".tf")}


def module_findings(text: str, version: str, environment: int = 0) -> list[Finding]:
    """The findings of a config's exported module, as JSON and as HCL."""
    module, files = exported(text, environment)
    findings = check_json(module, "module", version)
    for name, text in files.items():
        findings += check_hcl(text, name, version)
    return findings


def test_the_snapshots_hold_every_type_the_seam_can_synthesize_and_no_other():
    resources, data = used_types()
    for version in VERSIONS:
        assert (sorted(snapshot(version)["resource"]), sorted(snapshot(version)["data"])) == (resources, data), (
            f"{version}: regenerate the snapshots (python -m tests.provider_schema.snapshot, its docstring)"
        )
        assert snapshot(version)["version"] == version


@pytest.mark.parametrize(
    ("version", "requirements", "package"),
    [
        ("6.25.0", "requirements.txt", "cdktf-cdktf-provider-aws"),
        ("6.69.1", "requirements-cdktn.txt", "cdktn-provider-aws"),
    ],
)
def test_each_6x_snapshot_is_of_the_bindings_the_requirements_pin(version, requirements, package):
    """A bindings upgrade fails here until the snapshots are regenerated (python -m tests.provider_schema.snapshot)."""
    (pinned,) = re.findall(rf"^{package}==(\S+)$", (ROOT / requirements).read_text(), re.M)
    assert snapshot(version)["source"].endswith(f" {pinned}"), (version, snapshot(version)["source"], pinned)


@pytest.mark.parametrize("config", list(CONFIGS))
def test_every_stack_exists_in_every_schema_json_and_hcl_without_a_deprecation(config):
    for stack, document in synth_all(yaml.safe_load(CONFIGS[config])).items():
        text = hcl.document(document)
        for version in VERSIONS:
            findings = check_json(document, f"{config} {stack}", version)
            findings += check_hcl(text, f"{config} {stack} cdk.tf", version)
            assert errors(findings) == [], "\n".join(errors(findings))
            assert warnings(findings) == set(), (config, stack, version)


@pytest.mark.parametrize("config", MODULE_CONFIGS)
def test_the_exported_module_exists_in_every_schema_json_and_hcl(config):
    for version in VERSIONS:
        findings = module_findings(CONFIGS[config], version)
        assert errors(findings) == [], "\n".join(errors(findings))
        assert warnings(findings) == set(), version


@pytest.mark.slow
@pytest.mark.parametrize("config", list(CONFIGS))
def test_every_exported_module_of_every_config_exists_in_every_schema(config):
    for environment in range(len(load_text(CONFIGS[config]))):
        for version in VERSIONS:
            findings = module_findings(CONFIGS[config], version, environment)
            assert errors(findings) == [], "\n".join(errors(findings))
            assert warnings(findings) == set()


def test_the_module_reads_the_callers_region_as_its_id_the_one_attribute_both_majors_have_undeprecated():
    module, _ = exported(CONFIGS["pipelines.yaml"])
    assert "${data.aws_region.current.id}" in json.dumps(module)
    assert not re.search(r"data\.aws_region\.current\.(name|region)\b", json.dumps(module))
    for attribute, expected in (("name", {"6.25.0", "6.69.1"}), ("region", {"5.100.0"})):
        document = json.loads(json.dumps(module).replace("current.id}", f"current.{attribute}}}"))
        flagged = {
            v for v in VERSIONS if errors(check_json(document, "m", v)) or warnings(check_json(document, "m", v))
        }
        assert flagged == expected, attribute


# --- a wrong attribute, block, type or reference fails the check, in every schema ---


def _stack() -> dict:
    return copy.deepcopy(synth(default_data()))


def _service(stack: dict) -> dict:
    return stack["resource"]["aws_ecs_service"]["news-encoder_control"]


def _unknown_argument(stack):
    _service(stack)["desired_counts"] = 1


def _unknown_nested_argument(stack):
    _service(stack)["network_configuration"]["assign_public_ips"] = False


def _computed_set(stack):
    stack["resource"]["aws_ecs_cluster"][next(iter(stack["resource"]["aws_ecs_cluster"]))]["arn"] = "x"


def _required_missing(stack):
    del _service(stack)["name"]


def _list_for_string(stack):
    _service(stack)["name"] = ["a", "b"]


def _string_for_block(stack):
    _service(stack)["network_configuration"] = "subnets"


def _too_many_blocks(stack):
    block = _service(stack)["deployment_circuit_breaker"]
    _service(stack)["deployment_circuit_breaker"] = [block, block]


def _wrong_reference(stack):
    _service(stack)["task_definition"] = "${aws_ecs_task_definition.news-encoder_control.arn_revision}"


def _string_for_number(stack):
    _service(stack)["desired_count"] = "two"


def _unknown_type(stack):
    stack["resource"]["aws_ecs_services"] = {"x": {"name": "x"}}


def _unknown_import_type(stack):
    stack["import"] = [{"to": "aws_ecs_services.x", "id": "x"}]


def _unknown_moved_type(stack):
    stack["moved"] = [{"from": "aws_ecs_services.x", "to": "aws_ecs_service.news-encoder_control"}]


def _unknown_ignore_changes(stack):
    _service(stack)["lifecycle"] = {"ignore_changes": ["desired_counts"]}


def _unknown_provider_setting(stack):
    stack["provider"]["aws"][0]["regions"] = "eu-west-1"


INJECTED = {
    _unknown_argument: "no argument or block `desired_counts` here",
    _unknown_nested_argument: "no argument or block `assign_public_ips` here",
    _computed_set: "`arn` is computed by the provider, not an argument",
    _required_missing: "required argument `name` missing",
    _list_for_string: '["a", "b"] is not a string',
    _string_for_block: 'a block must be an object, not "subnets"',
    _too_many_blocks: "2 blocks, at most 1 allowed",
    _wrong_reference: "has no attribute `arn_revision`",
    _string_for_number: '"two" is not a number',
    _unknown_type: "no resource type aws_ecs_services in this provider",
    _unknown_import_type: "no resource type aws_ecs_services in this provider",
    _unknown_moved_type: "no resource type aws_ecs_services in this provider",
    _unknown_ignore_changes: "has no argument `desired_counts`",
    _unknown_provider_setting: "no argument or block `regions` here",
}


@pytest.mark.parametrize("inject", list(INJECTED), ids=lambda f: f.__name__.strip("_"))
def test_an_injected_mistake_fails_in_every_schema(inject):
    stack = _stack()
    inject(stack)
    for version in VERSIONS:
        found = errors(check_json(stack, "stack", version))
        assert len(found) == 1 and INJECTED[inject] in found[0], (version, found)


@pytest.fixture(scope="module")
def hcl_files() -> dict[str, str]:
    """The default config's exported module's HCL files and the adopting config's stack as HCL (`cdk.tf`)."""
    (stack,) = synth_all(yaml.safe_load(CONFIGS["test-config:adopt"])).values()
    return {**exported(CONFIGS["pipelines.yaml"])[1], "cdk.tf": hcl.document(stack)}


@pytest.mark.parametrize(
    ("old", "new", "message", "versions"),
    [
        ("  network_configuration {", "  network_configuration = {", "is a nested block, written as", VERSIONS[:1]),
        ("  desired_count", "  desired_counts", "no argument or block `desired_counts`", VERSIONS),
        ("    assign_public_ip", "    assign_public_ips", "no argument or block `assign_public_ips`", VERSIONS),
        ("current.id", "current.ids", "has no attribute `ids`", VERSIONS),
        ("  family ", "  familx ", "required argument `family` missing", VERSIONS),
        (
            "to = aws_ecs_cluster.cluster",
            "to = aws_ecs_clusters.cluster",
            "no resource type aws_ecs_clusters",
            VERSIONS,
        ),
        ("ignore_changes = [name, description]", "ignore_changes = [name, descr]", "no argument `descr`", VERSIONS),
        ('provider "aws" {', 'provider "aws" {\n  regions = "x"', "no argument or block `regions`", VERSIONS),
    ],
)
def test_an_injected_mistake_in_the_hcl_fails(hcl_files, old, new, message, versions):
    name = next(name for name, text in hcl_files.items() if old in text)
    text = hcl_files[name].replace(old, new, 1)
    for version in VERSIONS:
        found = errors(check_hcl(text, name, version))
        assert any(message in line for line in found) == (version in versions), (version, found)


def test_what_6x_removed_fails_in_6x_only():
    stack = _stack()
    definition = stack["resource"]["aws_ecs_task_definition"]["news-encoder_control"]
    definition["inference_accelerator"] = [{"device_name": "gpu", "device_type": "eia2.medium"}]
    found = {version: errors(check_json(stack, "stack", version)) for version in VERSIONS}
    assert found["5.100.0"] == []
    for version in VERSIONS[1:]:
        assert len(found[version]) == 1 and "no argument or block `inference_accelerator`" in found[version][0]


def test_a_deprecated_attribute_is_a_warning_with_its_replacement_in_6x_only():
    stack = _stack()
    stack.setdefault("data", {})["aws_region"] = {"current": {}}
    stack["output"] = {"region": {"value": "${data.aws_region.current.name}"}}
    assert {version: warnings(check_json(stack, "stack", version)) for version in VERSIONS} == {
        "5.100.0": set(),
        "6.25.0": {REGION_NAME},
        "6.69.1": {REGION_NAME},
    }


def test_a_user_string_that_reads_like_a_reference_is_not_one(tmp_path: Path):
    stack = _stack()
    _service(stack)["tags"] = {"note": "see $${aws_ecs_service.x.nothing} and aws_ecs_service.y.nothing"}
    assert all(errors(check_json(stack, "stack", version)) == [] for version in VERSIONS)
