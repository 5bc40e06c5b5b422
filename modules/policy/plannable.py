"""May a synthesized output be planned with cloud credentials? Only what this generator emits.

The pull-request workflow synthesizes the pull request's code without credentials, then plans
the result in a job that holds them. `terraform plan` runs providers and evaluates
expressions: a stack carrying another provider, a provisioner, a data source that reads
secrets, or a function such as `file()` could leak the runner's credentials into the plan.
So the plan job, running the base branch's (trusted) copy of this module, plans a stack only
when it holds nothing but what `PipelinesStack` can produce:

- top-level blocks `terraform`, `provider` (`aws` only), `resource`, `data`, `output`,
  `locals`, `variable`, and cdktf's `//` metadata;
- the `hashicorp/aws` provider alone; the resource and data source types in `RESOURCE_TYPES`
  and `DATA_TYPES`; no provisioner or connection;
- strings that are literals or plain references (`terraform_literal.evaluate`): no function
  call, operator or directive anywhere.

`python -m modules.policy.plannable OUTDIR` checks every stack of a cdktf output: exit 0, or
exit 2 with one line per problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..lib.terraform_literal import NotLiteralError, evaluate

TOP_LEVEL = frozenset({"//", "terraform", "provider", "resource", "data", "output", "locals", "variable"})
RESOURCE_TYPES = frozenset(
    {
        "aws_appautoscaling_policy",
        "aws_appautoscaling_scheduled_action",
        "aws_appautoscaling_target",
        "aws_cloudwatch_dashboard",
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_event_target",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_metric_alarm",
        "aws_ecs_cluster",
        "aws_ecs_cluster_capacity_providers",
        "aws_ecs_service",
        "aws_ecs_task_definition",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_security_group",
    }
)
DATA_TYPES = frozenset({"aws_region"})
PROVIDER_SOURCES = frozenset({"hashicorp/aws", "registry.terraform.io/hashicorp/aws"})
FORBIDDEN_KEYS = frozenset({"provisioner", "connection"})


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "//":
                yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def problems(stack: Mapping[str, Any], name: str) -> list[str]:
    """Why `stack` (a cdk.tf.json) must not be planned with credentials; empty when it may."""
    found = [
        f"{name}: top-level block {key!r} is not one this generator writes" for key in stack if key not in TOP_LEVEL
    ]
    providers = (stack.get("terraform") or {}).get("required_providers") or {}
    for local, requirement in providers.items():
        source = requirement.get("source") if isinstance(requirement, Mapping) else None
        if local != "aws" or source not in PROVIDER_SOURCES:
            found.append(f"{name}: provider {local!r} ({source}) is not hashicorp/aws")
    found += [
        f"{name}: provider configuration {key!r} is not aws" for key in stack.get("provider") or {} if key != "aws"
    ]
    for block, allowed in (("resource", RESOURCE_TYPES), ("data", DATA_TYPES)):
        for rtype, by_name in (stack.get(block) or {}).items():
            if rtype not in allowed:
                found.append(f"{name}: {block} type {rtype!r} is not one this generator writes")
                continue
            for resource, body in by_name.items():
                for key in FORBIDDEN_KEYS & set(body if isinstance(body, Mapping) else ()):
                    found.append(f"{name}: {rtype}.{resource} has a {key}")
    for path, text in _strings({key: stack[key] for key in stack if key != "terraform"}, name):
        try:
            evaluate(text)
        except NotLiteralError as err:
            found.append(f"{path}: {err}")
    return found


def check_outdir(outdir: Path) -> list[str]:
    """`problems` of every stack in a cdktf output directory (`stacks/<name>/cdk.tf.json`)."""
    stacks = sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    if not stacks:
        return [f"{outdir}: no stacks/<name>/cdk.tf.json to check"]
    return [line for path in stacks for line in problems(json.loads(path.read_text()), path.parent.name)]


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m modules.policy.plannable OUTDIR", file=sys.stderr)
        return 2
    found = check_outdir(Path(argv[0]))
    for line in found:
        print(f"not plannable: {line}", file=sys.stderr)
    return 2 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
