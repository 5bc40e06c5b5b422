"""HCL output with real Terraform: `fmt -check` and `validate` clean, and the same plan as the JSON form.

For every example (and pipelines.yaml), the hostile corpus's literal files and the exported module,
synth writes both forms; an offline plan of creates (fake keys, every account check skipped, no role
to assume, a local backend) of each must be the same in `terraform show -json`: every planned value, unknowns and
outputs. A string that is a JSON document (container definitions, policies: `jsonencode` in HCL)
is compared as the document it encodes, the only difference allowed: Go's encoder escapes `<>&`
and writes non-ASCII as UTF-8 where Python writes `\\uXXXX`, and AWS reads the same document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modules.config import load_text
from modules.export.hcl import document
from modules.output_dir import synthesize
from tests.helpers import LITERAL, ROOT
from tests.terraform.moto import FAKE_KEYS, SKIPS
from tests.terraform.stacks import calling_root, export_root
from tests.terraform.terraform_cli import Terraform, validated_together

#: A minute or more on 2 cores (every stack planned in both forms): `make slow`, which .ci/run runs.
pytestmark = pytest.mark.slow

#: Terraform JSON strings (templates) that quoting, escapes or a naive split could change in HCL.
TRICKY = [
    "plain",
    "${local.a}",
    "x${local.a}y",
    "$${local.a}",
    "$$${local.a}",
    "$${a}${local.a}",
    "%%{if true}x%%{endif}",
    "100% $ { %${local.a}",
    'say "hi" \\ \\n bye',
    "line\nnext\ttab\x01\x7f",
    "e\u0301 NFD, \u00e9 NFC",
    '${local.q["q\\"]"]}',
    "$",
    "trailing $$",
]

OFFLINE = {
    "provider": {"aws": {**FAKE_KEYS, **SKIPS, "assume_role": [{"role_arn": ""}]}},
    "terraform": {"backend": {"local": {"path": "terraform.tfstate"}}},
}
#: The two forms of each stack, in the order `synth_both` returns them.
FORMS = ("json", "hcl")
CONFIGS: dict[str, str] = {
    "pipelines.yaml": (ROOT / "pipelines.yaml").read_text(),
    **{f"examples/{path.name}": path.read_text() for path in sorted((ROOT / "examples").glob("*.yaml"))},
    **{f"hostile/{path.name}": path.read_text() for path in LITERAL},
}


def test_strings_evaluate_alike_in_json_and_in_the_hcl_rendered_from_it(terraform, tmp_path):
    config = {
        "locals": {"a": "A", "q": {'q"]': "Q"}},
        "output": {f"s{index}": {"value": text} for index, text in enumerate(TRICKY)},
    }
    values = {}
    for form, name, text in (("json", "main.tf.json", json.dumps(config)), ("hcl", "main.tf", document(config))):
        workdir = tmp_path / form
        workdir.mkdir()
        (workdir / name).write_text(text)
        terraform.init(workdir)
        terraform.run(workdir, "plan", "-input=false", "-no-color", "-out=tfplan")
        plan = json.loads(terraform.run(workdir, "show", "-json", "tfplan").stdout)
        values[form] = {key: change["after"] for key, change in plan["output_changes"].items()}
    assert fmt_problems(terraform, tmp_path / "hcl") == []
    assert values["hcl"] == values["json"]
    assert values["json"]["s3"] == "${local.a}" and values["json"]["s5"] == "${a}A"


def decoded(value: Any) -> Any:
    """`value` with every string that is a JSON object or array replaced by what it encodes."""
    if isinstance(value, dict):
        return {key: decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decoded(item) for item in value]
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def planned(terraform: Terraform, root: Path, calls: dict[str, Path]) -> dict[str, dict[str, Any]]:
    """What an offline plan of each of `calls` (by module name), called unedited from `root`, would do: its
    resource changes, planned values and outputs (one plan and one `show` for them all; `root` is initialized)."""
    for child in calls.values():
        (child / "offline_override.tf.json").write_text(json.dumps(OFFLINE))
    terraform.run(root, "plan", "-input=false", "-lock=false", "-no-color", "-out=tfplan")
    plan = json.loads(terraform.run(root, "show", "-json", "tfplan").stdout)
    found: dict[str, dict[str, Any]] = {name: {"changes": {}} for name in calls}
    for change in plan["resource_changes"]:
        name = change["module_address"].split(".")[1]
        found[name]["changes"][called(change["address"], name)] = change["change"]
    for child in plan["planned_values"]["root_module"].get("child_modules", []):
        name = child["address"].split(".")[1]
        found[name]["values"] = addressed_as_called(child, name)
    for name, change in plan.get("output_changes", {}).items():
        found[name]["outputs"] = change
    return {name: decoded(value) for name, value in found.items()}


def called(address: str, name: str) -> str:
    """`address` inside module `name` as inside a module called `call` (the same whatever the call's name)."""
    return "module.call" + address.removeprefix(f"module.{name}")


def addressed_as_called(values: Any, name: str) -> Any:
    """Planned values with every `address` `called`'s."""
    if isinstance(values, dict):
        return {
            key: called(item, name) if key == "address" else addressed_as_called(item, name)
            for key, item in values.items()
        }
    if isinstance(values, list):
        return [addressed_as_called(item, name) for item in values]
    return values


def fmt_problems(terraform: Terraform, workdir: Path) -> list[str]:
    """Files `terraform fmt -check` would rewrite (recursively)."""
    done = terraform.run(workdir, "fmt", "-check", "-recursive", "-no-color", expect=(0, 3))
    return [f"not fmt-clean: {name}" for name in done.stdout.split()]


def synth_both(text: str, out: Path) -> dict[str, tuple[Path, Path]]:
    """Both forms of every stack of `text`: stack name -> (JSON stack directory, HCL stack directory)."""
    deployments = load_text(text)
    synthesize(deployments, out / "json", format="json")
    synthesize(deployments, out / "hcl", format="hcl")
    return {d.stack: (out / "json" / "stacks" / d.stack, out / "hcl" / "stacks" / d.stack) for d in deployments}


def calling_with_outputs(calls: dict[str, Path], root: Path) -> Path:
    """`calling_root` of `calls`, plus one root output per call holding its module's outputs (a child's
    outputs are not in the plan's `output_changes` otherwise)."""
    calling_root(calls, root)
    config = json.loads((root / "main.tf.json").read_text())
    config["output"] = {name: {"value": f"${{module.{name}}}"} for name in calls}
    (root / "main.tf.json").write_text(json.dumps(config, indent=2) + "\n")
    return root


def compare_all(terraform: Terraform, jobs: dict[str, tuple[Path, Path]], scratch: Path) -> dict[str, Any]:
    """For each job (a JSON and an HCL form): the HCL form's fmt and validate problems, and both forms'
    plans. Every HCL form is validated from one root, then every form of every job is planned from
    another, as child modules (tests/terraform/stacks.py `calling_root`): the provider's schema loads three
    times in all, not three times per stack. Validation is `validated_together`'s (each diagnostic to the
    stack whose file it names), of the stacks as synthesized (the offline override is written after it)."""
    calls = {f"c{index}": name for index, name in enumerate(jobs)}
    hcl_calls = {call: jobs[name][1] for call, name in calls.items()}
    problems = validated_together(terraform, calling_root(hcl_calls, scratch / "hcl"), hcl_calls)
    forms = {f"{form}-{call}": jobs[name][side] for call, name in calls.items() for side, form in enumerate(FORMS)}
    both = calling_with_outputs(forms, scratch / "both")
    terraform.init(both, backend=False)
    plans = planned(terraform, both, forms)
    return {
        name: {
            "problems": fmt_problems(terraform, jobs[name][1]) + problems[call],
            "json": plans[f"json-{call}"],
            "hcl": plans[f"hcl-{call}"],
        }
        for call, name in calls.items()
    }


@pytest.fixture(scope="module")
def outcomes(terraform: Terraform, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    jobs = {}
    for config, text in CONFIGS.items():
        for stack, (json_dir, hcl_dir) in synth_both(text, tmp_path_factory.mktemp("forms")).items():
            jobs[f"{config} {stack}"] = (json_dir, hcl_dir)
    (deployment, *_) = load_text(CONFIGS["pipelines.yaml"])
    json_root = tmp_path_factory.mktemp("module-json")
    export_root(deployment, json_root, format="json")
    hcl_root = export_root(deployment, tmp_path_factory.mktemp("module-hcl"))
    jobs["module"] = (json_root, hcl_root)
    try:
        return compare_all(terraform, jobs, tmp_path_factory.mktemp("roots"))
    except Exception as error:  # raised by every test
        return dict.fromkeys(jobs, error)


def check(outcomes: dict[str, Any], prefix: str) -> None:
    mine = {name: outcome for name, outcome in outcomes.items() if name == prefix or name.startswith(prefix + " ")}
    assert mine, f"nothing was compared for {prefix}"
    for name, outcome in mine.items():
        if isinstance(outcome, BaseException):
            raise outcome
        assert outcome["problems"] == [], f"{name}:\n" + "\n".join(outcome["problems"])
        assert outcome["hcl"] == outcome["json"], f"{name}: the HCL form plans differently from the JSON form"
        assert outcome["json"]["changes"], f"{name}: the plan creates nothing"


@pytest.mark.parametrize("config", list(CONFIGS))
def test_hcl_stacks_are_fmt_and_validate_clean_and_plan_as_the_json_does(outcomes, config):
    check(outcomes, config)


def test_the_exported_hcl_module_is_fmt_and_validate_clean_and_plans_as_the_json_module_does(outcomes):
    check(outcomes, "module")
