"""`synth`: validate the config and write Terraform JSON (also what bare `main.py` runs)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from ..config import ConfigError, Deployment, Problem, VariantSpec, load_file
from ..config.split import Migration
from ..cost.summary import monthly, overall
from ..lib.wording import plural
from .common import EXIT_OK, add_config_argument, default_outdir, report_warnings, shown

NAME = "synth"
HELP = "validate the config, run the policy checks and write Terraform JSON (or HCL)"
#: Set to "true" by `cdktf synth --hcl` for the app it runs.
HCL_VARIABLE = "SYNTH_HCL_OUTPUT"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument(
        "--out", type=Path, default=None, help="output directory (default: $CDKTF_OUTDIR or ./cdktf.out)"
    )
    parser.add_argument(
        "--format",
        choices=("json", "hcl"),
        default=None,
        help="json: stacks/<stack>/cdk.tf.json (default); hcl: stacks/<stack>/cdk.tf, with the JSON kept beside it "
        f"as metadata.json for review (default when ${HCL_VARIABLE}=true, as `cdktf synth --hcl` sets)",
    )
    parser.add_argument(
        "--split-from",
        action="append",
        default=[],
        metavar="STACK=STATE_JSON",
        help="move the state of the single stack STACK (now the shared stack of `stacks: per_pipeline`) into its "
        "pipelines' stacks: STATE_JSON is `terraform show -json` in it; adds `removed` (destroy = false) and "
        "`import` blocks (docs/split-state.md); repeat per environment",
    )


def output_format(chosen: str | None, environ: dict[str, str] | os._Environ[str]) -> str:
    """The --format asked for; else hcl under `cdktf synth --hcl`, else json."""
    if chosen:
        return chosen
    return "hcl" if environ.get(HCL_VARIABLE, "").lower() == "true" else "json"


def run(args: argparse.Namespace) -> int:
    from ..output_dir import synthesize
    from ..policy.enforce import check_outdir, describe, enforce

    chosen = output_format(getattr(args, "format", None), os.environ)
    # cdktf's own HCL output (unformatted, strings as escaped JSON, no `review` metadata) would
    # replace the JSON we render HCL from: the CDK kernel, started later, must not see the variable.
    os.environ.pop(HCL_VARIABLE, None)
    deployments = load_file(args.config)
    report_warnings(deployments)
    states = split_states(getattr(args, "split_from", None) or [], deployments)
    reports = []
    migrated: dict[str, Migration] = {}
    summaries = synthesize(
        deployments,
        args.out or default_outdir(),
        verify=lambda staging: reports.append(enforce(check_outdir(staging, deployments))),
        format=chosen,
        states=states,
        migrated=migrated,
    )
    stack_costs = [monthly(deployment) for deployment in deployments]
    for deployment, costs in zip(deployments, stack_costs, strict=True):
        for stack in (summary for summary in summaries if summary.deployment == deployment.stack):
            held = (
                f"{plural(stack.pipelines, 'pipeline')}, {plural(stack.variants, 'variant')}"
                if stack.pipelines
                else f"shared by {plural(len(deployment.pipelines()), 'pipeline')}"
            )
            print(f"stack {stack.name}: {held}, {plural(stack.resources, 'resource')} -> {shown(stack.path)}")
        for spec in deployment.variants:
            cost = f", {costs.per_variant[spec.address]}" if spec.address in costs.per_variant else ""
            size = f"{spec.settings.cpu:g} vCPU, {spec.settings.memory:g} GiB, {spec.settings.architecture}"
            ci = " (first image; CI rolls out the next)" * (spec.settings.image_owner == "ci")
            print(f"  {spec.pipeline}/{spec.variant}: {size}, {_tasks(spec)}, {spec.image.uri}{ci}{cost}")
        print(f"  {costs.line}")
    if len(deployments) > 1:
        print(overall(deployments, stack_costs))
    for report in reports:
        for line in describe(report):
            print(f"  {line}")
    for stack, moved in migrated.items():
        imports = sum(len(blocks) for blocks in moved.imports.values())
        print(
            f"split {stack}: {plural(moved.moved, 'resource')} leave its state (removed, destroy = false), "
            f"{plural(imports, 'import')} into {plural(len(moved.imports), 'pipeline stack')}; "
            f"apply {stack} first, then the others"
        )
        for address in moved.recreated:
            print(f"  {address}: not importable, created again by its pipeline's stack (same AWS name: updated)")
    return EXIT_OK


def split_states(options: list[str], deployments: list[Deployment]) -> dict[str, dict[str, Any]]:
    """`--split-from STACK=STATE_JSON` options: by shared stack, the state read; ConfigError for a stack that is no
    split deployment or a file that is no `terraform show -json` state."""
    split = [deployment.stack for deployment in deployments if deployment.split]
    states: dict[str, dict[str, Any]] = {}
    problems = []
    for option in options:
        stack, _, path = option.partition("=")
        if stack not in split or not path:
            valid = ", ".join(split) or "none: set `stacks: per_pipeline` first"
            expected = f"expected STACK=STATE_JSON, STACK a split stack ({valid})"
            problems.append(Problem("--split-from", expected, option))
            continue
        try:
            state = json.loads(Path(path).read_text())
        except (OSError, ValueError) as error:
            problems.append(Problem("--split-from", f"cannot read a JSON state ({error})", path))
            continue
        if not isinstance(state, dict) or "format_version" not in state:
            problems.append(Problem("--split-from", "not the output of `terraform show -json`", path))
            continue
        states[stack] = state
    if problems:
        raise ConfigError(problems)
    return states


def _tasks(spec: VariantSpec) -> str:
    """'1 task', or '1-4 tasks (autoscaling)'."""
    if spec.settings.autoscaling:
        return f"{spec.settings.autoscaling.min}-{spec.settings.autoscaling.max} tasks (autoscaling)"
    return plural(spec.settings.desired_count, "task")
