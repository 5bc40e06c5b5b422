"""`module`: export the pipelines as a reusable Terraform module for HCL callers."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import ConfigError, Deployment, Problem, load_file
from ..lib.wording import plural
from .common import EXIT_OK, add_config_argument, shown

NAME = "module"
HELP = "export the pipelines as a Terraform module (variables, outputs, README) for HCL callers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--environment", help="the environment to export (required when the config has environments)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write the module into")
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even if the directory holds other files (they are kept; a file the export did not write "
        "is never overwritten)",
    )
    parser.add_argument(
        "--format",
        choices=("hcl", "json"),
        default="hcl",
        help="hcl: main.tf, variables.tf, outputs.tf, versions.tf (default); json: the same as *.tf.json",
    )


def select(deployments: list[Deployment], environment: str | None) -> Deployment:
    """The deployment of `environment`; with no environments, the only one."""
    stacks = {deployment.environment: deployment for deployment in deployments}
    if environment is None and None in stacks:
        return stacks[None]
    if environment is None:
        return _refuse(f"the config has environments: choose one with --environment ({', '.join(stacks)})")
    if None in stacks:
        return _refuse("the config has no environments: leave --environment out", environment)
    if environment not in stacks:
        return _refuse(f"no such environment; use one of {', '.join(stacks)}", environment)
    return stacks[environment]


def _refuse(message: str, *value: str) -> Deployment:
    raise ConfigError([Problem("--environment", message, *value)])


def run(args: argparse.Namespace) -> int:
    from ..app import module_json
    from ..export.files import check_destination, module_source_of, render, write
    from ..output_dir import output_path
    from ..policy.enforce import check_stack, describe, enforce

    deployment = select(load_file(args.config), args.environment)
    output_path(args.out)  # refuses a symlink loop or a path below a file
    check_destination(args.out, force=args.force)
    module = module_json(deployment)
    report = enforce(check_stack(module, deployment))  # the same security rules as synth
    files = render(
        module,
        deployment,
        source=args.config.name,
        module_source=module_source_of(args.out, Path.cwd()),
        format=args.format,
    )
    written = write(files, args.out, force=args.force)
    print(
        f"module -> {shown(args.out)}: {plural(len(deployment.variants), 'variant')}, "
        f"{', '.join(path.name for path in written)}"
    )
    for line in describe(report):
        print(f"  {line}")
    return EXIT_OK
