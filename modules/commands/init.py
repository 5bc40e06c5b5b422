"""`init`: write a commented starter pipelines.yaml for your repository, VPC and subnets; never overwrites.

Its first line points editors at the JSON Schema by a path relative to the config, so that it works
wherever the config is committed: inside this checkout, the shipped `pipelines.schema.json`; anywhere
else, a copy written beside the config (`schema --out` refreshes it; an existing one is kept).
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

import yaml

from ..config import ConfigError, Problem, load_text
from ..config.arns import parse_repository_arn
from ..config.names import check_name
from ..config.schema import SCHEMA_FILE, render
from .common import CONFIG_NAME, CONFIG_VARIABLE, EXIT_OK, default_config, shown

NAME = "init"
HELP = "write a commented starter pipelines.yaml (for your ECR repository, VPC and subnets) that validates as written"
#: Stand-ins for what the options leave out: valid in form, so the starter validates; the comments say to replace them.
EXAMPLE_REPOSITORY = "arn:aws:ecr:ap-northeast-1:123456789012:repository/my-pipeline"
EXAMPLE_VPC = "vpc-0123456789abcdef0"
EXAMPLE_SUBNETS = ("subnet-0123456789abcdef0", "subnet-0123456789abcdef1")
FALLBACK_PIPELINE = "my-pipeline"

TEMPLATE = """\
# yaml-language-server: $schema={schema}
# Starter config written by `python main.py init`. Reference of every key: docs/configuration.md.
# Check it with `python main.py validate`; write Terraform JSON with `python main.py synth`.
{todo}region: {region}
# The stack's name (cdktf.out/stacks/<project>) and the cluster's, which prefixes every AWS name.
project: {project}
# An existing VPC: tasks run in its private subnets, never with a public IP.
network:
  vpc_id: {vpc_id}
  subnet_ids: [{subnet_ids}]
# Tags on every resource.
tags:
  team: {project}
pipelines:
  {pipeline}:
    repository_arn: {repository_arn}
    # entry_point: [python, -m, my_pipeline.stream]  # unset: the image's ENTRYPOINT
    # command: []                                    # unset: the image's CMD
    environment: {{}}       # name: value; never credentials: they go in secrets
    # secrets:            # name: a Secrets Manager secret or SSM parameter ARN
    #   FEATURE_STORE_TOKEN: arn:aws:secretsmanager:{region}:<account>:secret:<name>
    cpu: 1                # vCPU
    memory: 2             # GiB; docs/configuration.md lists the sizes Fargate accepts
    user: "1000:1000"     # a non-root uid[:gid]: the security checks require one
    # Each variant is its own ECS service; add `treatment` to A/B test a change side by side.
    variants:
      control:
        image_tag: "1.0.0"  # the release tag (or image_digest) you deploy; never latest
        desired_count: 1
      # treatment:
      #   image_tag: "next"
      #   desired_count: 1
      #   cpu: 2
      #   memory: 4
"""
#: A value written as is when it reads back as the same string; anything else is quoted.
_PLAIN = re.compile(r"[a-z][A-Za-z0-9:/._-]*")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        default=default_config(),
        help=f"file to write (default: ${CONFIG_VARIABLE}, else ./{CONFIG_NAME}); an existing one is never replaced",
    )
    parser.add_argument("--repository-arn", help="ECR repository of the image (its region becomes the stack's)")
    parser.add_argument("--vpc-id", help="VPC of the tasks (vpc-...)")
    parser.add_argument("--subnet-ids", nargs="+", metavar="SUBNET_ID", help="private subnets (subnet-...)")
    parser.add_argument(
        "--project", default="feature-pipelines", help="the stack's and the cluster's name (default: %(default)s)"
    )


def _scalar(value: str) -> str:
    """`value` as a YAML scalar that reads back as exactly this string: plain when safe, else double-quoted
    (a JSON string is a YAML one)."""
    return value if _PLAIN.fullmatch(value) and yaml.safe_load(value) == value else json.dumps(value)


def schema_for(config: Path) -> Path:
    """The schema file the config's first line names: the shipped one inside this checkout, else one beside it."""
    folder = config.resolve().parent
    return SCHEMA_FILE if folder.is_relative_to(SCHEMA_FILE.parent) else folder / SCHEMA_FILE.name


def _schema_reference(config: Path) -> str:
    """The schema's path relative to the config (a file URI would name this checkout, on this machine only)."""
    return os.path.relpath(schema_for(config), config.resolve().parent)


def _pipeline_name(repository_arn: str) -> str:
    """The repository's last path segment when it is a valid pipeline name, else a stand-in."""
    try:
        return check_name(parse_repository_arn(repository_arn).name.rsplit("/", 1)[-1])
    except ValueError:
        return FALLBACK_PIPELINE


def starter(
    config: Path, *, repository_arn: str | None, vpc_id: str | None, subnet_ids: list[str] | None, project: str
) -> str:
    """The starter config's text for the file `config`; options left out are stand-ins, flagged by a comment."""
    missing = [
        option
        for option, value in (("--repository-arn", repository_arn), ("--vpc-id", vpc_id), ("--subnet-ids", subnet_ids))
        if not value
    ]
    arn = repository_arn or EXAMPLE_REPOSITORY
    try:
        region = parse_repository_arn(arn).region
    except ValueError:
        region = "ap-northeast-1"  # the ARN's own problem is reported at pipelines.<name>.repository_arn
    todo = f"# Example values stand in for {', '.join(missing)}: put yours in their place.\n" if missing else ""
    return TEMPLATE.format(
        schema=_schema_reference(config),
        todo=todo,
        region=region,
        project=_scalar(project),
        vpc_id=_scalar(vpc_id or EXAMPLE_VPC),
        subnet_ids=", ".join(_scalar(subnet) for subnet in (subnet_ids or EXAMPLE_SUBNETS)),
        pipeline=_pipeline_name(arn),
        repository_arn=_scalar(arn),
    )


def run(args: argparse.Namespace) -> int:
    """Check the starter as `validate` would read it, then create the file (never replacing one)."""
    text = starter(
        args.config,
        repository_arn=args.repository_arn,
        vpc_id=args.vpc_id,
        subnet_ids=args.subnet_ids,
        project=args.project,
    )
    load_text(text, str(args.config))
    try:
        descriptor = os.open(args.config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        message = "exists; init never replaces a config: edit it, or name a new file with --config"
        raise ConfigError([Problem("--config", message, str(args.config))]) from None
    with os.fdopen(descriptor, "w") as stream:
        stream.write(text)
    written = [str(shown(args.config.resolve()))]
    schema = schema_for(args.config)
    if schema != SCHEMA_FILE:
        try:
            with open(schema, "x") as stream:
                stream.write(render())
            written.append(f"{shown(schema)} (for editors; `python main.py schema --out {shown(schema)}` refreshes it)")
        except FileExistsError:
            pass  # the user's copy, kept as it is
    print(f"wrote {' and '.join(written)}: check it with `python main.py validate --config {args.config}`")
    return EXIT_OK
