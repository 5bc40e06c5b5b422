"""May a synthesized output be planned with cloud credentials? Only what this generator emits.

The pull-request workflow synthesizes the pull request's code without credentials, then plans
the result in a job that holds them. `terraform plan` runs providers and evaluates
expressions, in values and in JSON object keys alike: a stack carrying another provider, a
provisioner, a backend or provider setting that reads files, or a function such as `file()`
could leak the runner's credentials into the plan. So the plan job, running the base branch's
(trusted) copy of this module, plans a stack only when it holds nothing but what
`PipelinesStack` can produce (an allow-list, not a list of known-bad patterns):

- a stack directory is named as a stack (a config name: the shell loop that plans them passes it
  on) and holds `cdk.tf.json` alone, a regular file (Terraform also reads `*.tf`,
  overrides, `*.tfvars` and `.terraform/`), JSON without duplicate keys (Python keeps the last
  one, Terraform reads every one);
- top-level blocks `terraform`, `provider`, `resource`, `output`, `import`, and cdktf's `//`
  metadata; with `stacks: per_pipeline`, `data` (the lookups of `DATA_SOURCES`, each by a literal name)
  and `removed` (of a resource type in `RESOURCE_TYPES` gone from the stack, `destroy = false`);
- in `terraform`: the `hashicorp/aws` provider alone, and the settings and backends `synth`
  writes (`BACKEND_SETTINGS`; a local state file only as `../../../terraform.<stack>.tfstate`);
  in `provider`: `aws` with `PROVIDER_SETTINGS`;
- the resource types in `RESOURCE_TYPES`, no provisioner or connection; an `import` of one of
  the stack's resources;
- no expression in any key, nor anywhere outside resources and outputs, but for the values of
  the backend and cloud settings: Terraform reads them as text, never evaluated (synth writes a
  config's backend `key: s/${x}` as it is); in resources and outputs, only the
  references the constructs write: `${<type>.<name>.<attribute>}` of a resource of the stack,
  with an attribute in `ATTRIBUTES`, or `${data.<type>.<name>.<attribute>}` of a lookup of the stack
  with an attribute `DATA_SOURCES` lists (no function call, operator, variable or directive).

`python -m modules.policy.plannable OUTDIR` checks every stack of a cdktf output: exit 0, or
exit 2 with one line per problem.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..config.names import NAME, NAME_MAX, NAME_RULE
from ..lib.terraform_literal import Expression, parse

TOP_LEVEL = frozenset({"//", "terraform", "provider", "resource", "output", "import", "data", "removed"})
#: The lookups of a pipeline's own stack (`stacks: per_pipeline`): data source type -> its one argument (a
#: literal name) and the attributes referred to.
DATA_SOURCES = {
    "aws_ecs_cluster": ("cluster_name", frozenset({"arn", "cluster_name"})),
    "aws_cloudwatch_log_group": ("name", frozenset({"arn"})),
}
#: A stack's name: a config name, or `<environment or project>-<pipeline>` (`stacks: per_pipeline`).
STACK_NAME_MAX = 2 * NAME_MAX + 1
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
        "aws_kinesis_stream_consumer",
        "aws_security_group",
        "aws_sns_topic_subscription",
        "aws_sqs_queue",
        "aws_sqs_queue_policy",
    }
)
#: The attributes the constructs refer to (`Address.ref`).
ATTRIBUTES = frozenset(
    {"arn", "id", "name", "family", "alarm_name", "resource_id", "scalable_dimension", "service_namespace", "url"}
)
PROVIDER_SOURCES = frozenset({"hashicorp/aws", "registry.terraform.io/hashicorp/aws"})
TERRAFORM_SETTINGS = frozenset({"required_version", "required_providers", "backend", "cloud"})
BACKEND_SETTINGS = {
    "local": frozenset({"path"}),
    "s3": frozenset(
        {
            "bucket",
            "key",
            "region",
            "encrypt",
            "kms_key_id",
            "dynamodb_table",
            "workspace_key_prefix",
            "assume_role",
            "use_lockfile",
        }
    ),
}
CLOUD_SETTINGS = frozenset({"organization", "hostname", "workspaces"})
PROVIDER_SETTINGS = frozenset({"region", "assume_role", "default_tags"})
FORBIDDEN_KEYS = frozenset({"provisioner", "connection"})
STACK_FILE = "cdk.tf.json"
_LOCAL_STATE = re.compile(r"\.\./\.\./\.\./terraform\.[^/\\]+\.tfstate")
#: Where values are text to Terraform (in `<stack>.terraform...` paths): the settings of a backend or of `cloud`.
_LITERAL = re.compile(r"[^.]*\.terraform\.(?:backend\.[a-z0-9_]+|cloud)[.\[]")
_REFERENCE = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}")
_DATA_REFERENCE = re.compile(r"\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}")


class DuplicateKeyError(ValueError):
    """A JSON object names a key twice."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKeyError(f"duplicate key {key!r} (Terraform would read both)")
        found[key] = value
    return found


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of `value`, mapping keys included, with its dotted path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield f"{path} key", key
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _shown(expression: str) -> str:
    return repr(expression if len(expression) <= 80 else expression[:77] + "...")


def _expressions(value: Any, path: str, declared: set[tuple[str, str]], *, references: bool) -> list[str]:
    """Every expression in `value` but, where `references`, those the constructs write; keys hold none.
    The values of the backend and cloud settings are text to Terraform (`_LITERAL`): only their keys count."""
    found = []
    for where, text in _walk(value, path):
        if _LITERAL.match(where) and not where.endswith(" key"):
            continue
        for part in parse(text):
            if not isinstance(part, Expression):
                continue
            reference = _REFERENCE.fullmatch(part)
            lookup = _DATA_REFERENCE.fullmatch(part)
            allowed = (
                references
                and not where.endswith(" key")
                and (
                    (reference is not None and (reference[1], reference[2]) in declared and reference[3] in ATTRIBUTES)
                    or (
                        lookup is not None
                        and (f"data.{lookup[1]}", lookup[2]) in declared
                        and lookup[3] in DATA_SOURCES[lookup[1]][1]
                    )
                )
            )
            if not allowed:
                found.append(f"{where}: a Terraform expression {_shown(part)} that this generator does not write")
    return found


def _settings(value: Any, allowed: frozenset[str], path: str) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"{path}: expected a JSON object"]
    return [f"{path}: {key!r} is not a setting this generator writes" for key in value if key not in allowed]


def _terraform(block: Any, name: str) -> list[str]:
    path = f"{name}.terraform"
    found = _settings(block, TERRAFORM_SETTINGS, path)
    if found and not isinstance(block, Mapping):
        return found
    providers = block.get("required_providers") or {}
    for local, requirement in providers.items() if isinstance(providers, Mapping) else ():
        source = requirement.get("source") if isinstance(requirement, Mapping) else None
        if local != "aws" or source not in PROVIDER_SOURCES:
            found.append(f"{name}: provider {local!r} ({source}) is not hashicorp/aws")
    backends = block.get("backend") or {}
    for kind, settings in backends.items() if isinstance(backends, Mapping) else ():
        if kind not in BACKEND_SETTINGS:
            found.append(f"{name}: backend {kind!r} is not one this generator writes (local, s3)")
            continue
        found += _settings(settings, BACKEND_SETTINGS[kind], f"{path}.backend.{kind}")
        local = settings.get("path") if kind == "local" and isinstance(settings, Mapping) else None
        if isinstance(local, str) and not _LOCAL_STATE.fullmatch(local):
            found.append(f"{path}.backend.local.path: {local!r} is not ../../../terraform.<stack>.tfstate")
    if "cloud" in block:
        found += _settings(block["cloud"], CLOUD_SETTINGS, f"{path}.cloud")
    return found


def _provider(block: Any, name: str) -> list[str]:
    if not isinstance(block, Mapping):
        return [f"{name}.provider: expected a JSON object"]
    found = [f"{name}: provider configuration {key!r} is not aws" for key in block if key != "aws"]
    configs = block.get("aws")
    for index, config in enumerate(configs if isinstance(configs, list) else [configs]):
        found += _settings(config, PROVIDER_SETTINGS, f"{name}.provider.aws[{index}]")
    return found


def _resources(stack: Mapping[str, Any], name: str) -> tuple[list[str], set[tuple[str, str]]]:
    found, declared = [], set()
    by_type = stack.get("resource") or {}
    if not isinstance(by_type, Mapping):
        return [f"{name}.resource: expected a JSON object"], declared
    for rtype, by_name in by_type.items():
        if rtype not in RESOURCE_TYPES:
            found.append(f"{name}: resource type {rtype!r} is not one this generator writes")
            continue
        for resource, body in by_name.items() if isinstance(by_name, Mapping) else ():
            declared.add((rtype, resource))
            for key in sorted(FORBIDDEN_KEYS & set(body if isinstance(body, Mapping) else ())):
                found.append(f"{name}: {rtype}.{resource} has a {key}")
    return found, declared


def _data(stack: Mapping[str, Any], name: str) -> tuple[list[str], set[tuple[str, str]]]:
    """The lookups `DATA_SOURCES` allows, each with its one argument (a literal: `_expressions` refuses any
    expression outside resources and outputs); their addresses as `("data.<type>", name)`."""
    found, declared = [], set()
    by_type = stack.get("data") or {}
    if not isinstance(by_type, Mapping):
        return [f"{name}.data: expected a JSON object"], declared
    for dtype, by_name in by_type.items():
        if dtype not in DATA_SOURCES:
            found.append(f"{name}: data source {dtype!r} is not one this generator writes")
            continue
        for source, body in by_name.items() if isinstance(by_name, Mapping) else ():
            declared.add((f"data.{dtype}", source))
            found += _settings(body, frozenset({DATA_SOURCES[dtype][0], "//"}), f"{name}.data.{dtype}.{source}")
    return found, declared


def _removed(blocks: Any, name: str, declared: set[tuple[str, str]]) -> list[str]:
    """`removed` blocks as `synth --split-from` writes them: a resource type this generator writes, no longer in
    the stack, forgotten (`lifecycle.destroy = false`), never destroyed."""
    found = []
    for index, block in enumerate(blocks if isinstance(blocks, list) else [blocks]):
        path = f"{name}.removed[{index}]"
        found += _settings(block, frozenset({"from", "lifecycle"}), path)
        source = block.get("from") if isinstance(block, Mapping) else None
        address = tuple(source.split(".", 1)) if isinstance(source, str) else ()
        if len(address) != 2 or address[0] not in RESOURCE_TYPES or address in declared:
            found.append(f"{path}.from: {source!r} is not one of our resource types gone from the stack")
        if isinstance(block, Mapping) and block.get("lifecycle") != {"destroy": False}:
            found.append(f"{path}.lifecycle: not {{destroy = false}}: the generator never destroys through removed")
    return found


def _imports(blocks: Any, name: str, declared: set[tuple[str, str]]) -> list[str]:
    found = []
    for index, block in enumerate(blocks if isinstance(blocks, list) else [blocks]):
        path = f"{name}.import[{index}]"
        found += _settings(block, frozenset({"to", "id"}), path)
        target = block.get("to") if isinstance(block, Mapping) else None
        if not isinstance(target, str) or tuple(target.split(".", 1)) not in declared:
            found.append(f"{path}.to: {target!r} is not a resource of this stack")
    return found


def problems(stack: Mapping[str, Any], name: str) -> list[str]:
    """Why `stack` (a cdk.tf.json) must not be planned with credentials; empty when it may."""
    found = [
        f"{name}: top-level block {key!r} is not one this generator writes" for key in stack if key not in TOP_LEVEL
    ]
    resources, declared = _resources(stack, name)
    found += resources
    lookups, looked_up = _data(stack, name)
    found += lookups
    if "terraform" in stack:
        found += _terraform(stack["terraform"], name)
    if "provider" in stack:
        found += _provider(stack["provider"], name)
    if "import" in stack:
        found += _imports(stack["import"], name, declared)
    if "removed" in stack:
        found += _removed(stack["removed"], name, declared)
    for key in stack:
        found += _expressions(
            stack[key], f"{name}.{key}", declared | looked_up, references=key in ("resource", "output")
        )
    found += _expressions(list(stack), name, declared, references=False)
    return found


def _stack_problems(directory: Path) -> list[str]:
    name = directory.name
    if not (NAME.fullmatch(name) and len(name) <= STACK_NAME_MAX):
        return [f"{name!r}: not a stack name synth writes ({NAME_RULE})"]
    if directory.is_symlink() or not directory.is_dir():
        return [f"{name}: not a directory"]
    found = [
        f"{name}/{entry.name}: synth writes nothing but {STACK_FILE} in a stack directory"
        for entry in sorted(directory.iterdir())
        if entry.name != STACK_FILE
    ]
    file = directory / STACK_FILE
    if not file.exists() and not file.is_symlink():
        return [*found, f"{name}: no {STACK_FILE} (the plan job plans `make synth` output, Terraform JSON)"]
    if file.is_symlink() or not file.is_file():
        return [*found, f"{name}/{STACK_FILE}: not a regular file"]
    try:
        stack = json.loads(file.read_text(encoding="utf-8"), object_pairs_hook=_unique)
    except DuplicateKeyError as err:
        return [*found, f"{name}/{STACK_FILE}: {err}"]
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        reason = f"{err.msg} (line {err.lineno})" if isinstance(err, json.JSONDecodeError) else str(err)
        return [*found, f"{name}/{STACK_FILE}: not JSON: {reason}"]
    if not isinstance(stack, Mapping):
        return [*found, f"{name}/{STACK_FILE}: expected a JSON object"]
    return found + problems(stack, name)


def check_outdir(outdir: Path) -> list[str]:
    """`problems` of every stack in a cdktf output directory (`stacks/<name>/cdk.tf.json`), and of
    anything else in a stack directory (Terraform reads every `*.tf`, `*.tf.json` and more there)."""
    stacks = outdir / "stacks"
    entries = sorted(stacks.iterdir()) if stacks.is_dir() and not stacks.is_symlink() else []
    if not entries:
        return [f"{outdir}: no stacks/<name>/{STACK_FILE} to check"]
    return [line for entry in entries for line in _stack_problems(entry)]


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
