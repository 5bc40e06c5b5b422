"""Where each stack keeps its Terraform state: the `backend:` block (pure Python, no cdktf).

Every stack must get its own state, so the S3 `key` and the HCP Terraform workspace (its
name, or one of its tags) are templates that must contain `{stack}`; `{project}` may be
used as well. `render` fills them in for one stack.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from . import arns
from .errors import Problem
from .lists import Distinct
from .names import check_one_line
from .strict import Strict

PLACEHOLDERS = ("stack", "project")
_ROLE_ARN = re.compile(r"arn:(?:aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@/-]{1,512}")
# What Terraform's S3 backend accepts as kms_key_id: a key id, a multi-Region key id or an
# alias, each alone or as an ARN (hashicorp/terraform internal/backend/remote-state/s3/validate.go).
_KMS_ID = r"(?:key/)?(?:[a-f0-9]{8}-[a-f0-9]{4}-[1-5][a-f0-9]{3}-[ab89][a-f0-9]{3}-[a-f0-9]{12}|mrk-[a-f0-9]{32})"
_KMS_KEY = re.compile(
    rf"(?:arn:(?:aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{{12}}:)?(?:{_KMS_ID}|alias/[A-Za-z0-9/_-]+)"
)
ROLE_ARN_FORMAT = "arn:aws:iam::<12-digit account>:role/<name>"


def check_role_arn(value: str) -> str:
    """`value` if it is an IAM role ARN; ValueError naming the expected form otherwise."""
    if not _ROLE_ARN.fullmatch(value):
        raise ValueError(f"not an IAM role ARN; expected {ROLE_ARN_FORMAT}")
    return value


def _kms_key(value: str) -> str:
    if not _KMS_KEY.fullmatch(value):
        raise ValueError("not a KMS key: use a key id, alias/<name>, or their ARN (arn:aws:kms:<region>:<account>:...)")
    return value


def placeholders(template: str) -> set[str]:
    """The `{name}` placeholders of a template; ValueError for unknown or malformed ones."""
    try:
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as err:
        raise ValueError(f"malformed template ({err}); use {{stack}} and {{project}}") from None
    unknown = sorted(names - set(PLACEHOLDERS))
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use {{stack}} and {{project}}")
    return names


def _template(template: str) -> str:
    placeholders(template)
    return template


def _per_stack(example: str):
    """A check that a template names the stack (`example` shows how in the message)."""

    def check(template: str) -> str:
        if "stack" not in placeholders(template):
            raise ValueError(f"does not contain {{stack}}: every stack would share one state; add it, e.g. '{example}'")
        return template

    return AfterValidator(check)


def _workspace_name(template: str) -> str:
    """HCP Terraform workspace names: letters, digits, `-` and `_` (names and projects fill in as such)."""
    if not re.fullmatch(r"(?:[A-Za-z0-9_-]|\{stack\}|\{project\})+", template):
        raise ValueError("a workspace name holds only letters, digits, '-' and '_' besides {stack} and {project}")
    return template


def render(template: str, *, stack: str, project: str) -> str:
    """Fill a template in for one stack."""
    return template.format(stack=stack, project=project)


RoleArn = Annotated[str, AfterValidator(check_role_arn)]
StateKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024),
    AfterValidator(check_one_line),
    _per_stack("{project}/{stack}.tfstate"),
]
WorkspaceName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=90),
    _per_stack("{project}-{stack}"),
    AfterValidator(_workspace_name),
]
Template = Annotated[
    str, StringConstraints(min_length=1, max_length=255), AfterValidator(check_one_line), AfterValidator(_template)
]


class BackendConfig(Strict):
    """The `backend:` block. `type` picks the backend; each type uses only its own keys.

    - `local` (default): state in `terraform.<stack>.tfstate` beside the output directory
      (the project root for ./cdktf.out), written as a path relative to the stack directory.
    - `s3`: an existing bucket; `bucket` is required, `key` is a template with `{stack}`.
    - `cloud`: HCP Terraform / Terraform Enterprise; `organization` and one of `workspace`
      (a name template with `{stack}`) or `workspace_tags` (one of them with `{stack}`).
    """

    type: Literal["local", "s3", "cloud"] = Field(
        "local",
        description="the backend; `local`: `terraform.<stack>.tfstate` beside the output directory (the project "
        "root for `./cdktf.out`), written relative to the stack directory",
    )
    # s3
    bucket: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")] | None = Field(
        None, description="`s3`: the existing bucket holding the state; required for `s3`"
    )
    key: StateKey = Field(
        "{project}/{stack}.tfstate", description="`s3`: object key of a stack's state, a template with `{stack}`"
    )
    region: Annotated[str, AfterValidator(arns.check_region)] | None = Field(
        None,
        description="`s3`: region of the bucket; unset: the top-level `region` (an environment that sets its own "
        "`region` keeps its state in the config's bucket; one that sets its own `bucket`: its region)",
    )
    encrypt: bool = Field(True, description="`s3`: server-side encryption of the state object")
    kms_key_id: Annotated[str, AfterValidator(_kms_key)] | None = Field(
        None, description="`s3`: KMS key of that encryption: key id, `alias/<name>` or their ARN; unset: SSE-S3"
    )
    use_lockfile: bool = Field(
        True,
        description="`s3`: Terraform >= 1.10's native S3 lock file (cdktf 0.21's `S3Backend` lacks the option: "
        "written as an override)",
    )
    dynamodb_table: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{3,255}$")] | None = Field(
        None, description="`s3`: DynamoDB lock table, for older setups"
    )
    workspace_key_prefix: (
        Annotated[str, StringConstraints(min_length=1, max_length=255), AfterValidator(check_one_line)] | None
    ) = Field(None, description="`s3`: key prefix of non-default workspaces; unset: Terraform's `env:`")
    role_arn: RoleArn | None = Field(
        None, description="`s3`: IAM role assumed to reach the state (`assume_role` block)"
    )
    # cloud
    organization: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,40}$")] | None = Field(
        None, description="`cloud`: HCP Terraform / Terraform Enterprise organization; required for `cloud`"
    )
    workspace: WorkspaceName | None = Field(
        None,
        description="`cloud`: workspace name per stack, a template with `{stack}` (letters, digits, `-`, `_`), "
        "e.g. `feature-pipelines-{stack}`; set this or `workspace_tags`",
    )
    workspace_tags: Annotated[list[Template], Field(min_length=1, max_length=10), Distinct] | None = Field(
        None,
        description="`cloud`: workspaces selected by tags (templates, one with `{stack}`), e.g. "
        '`[feature-pipelines, "{stack}"]`',
    )
    hostname: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+(?::\d+)?$")] | None = Field(
        None, description="`cloud`: Terraform Enterprise host; unset: `app.terraform.io`"
    )


#: The keys each backend type uses (besides `type`).
KEYS = {
    "local": (),
    "s3": (
        "bucket", "key", "region", "encrypt", "kms_key_id", "use_lockfile", "dynamodb_table",
        "workspace_key_prefix", "role_arn",
    ),
    "cloud": ("organization", "workspace", "workspace_tags", "hostname"),
}  # fmt: skip
assert {key for keys in KEYS.values() for key in keys} | {"type"} == set(BackendConfig.model_fields)


def backend_problems(backend: BackendConfig, path: str = "backend") -> list[Problem]:
    """Rules across keys: what each type requires, and keys another type would use."""
    problems = [
        Problem(f"{path}.{key}", f"not used by type {backend.type}; remove it (valid here: {_valid(backend.type)})")
        for key in sorted(backend.model_fields_set - {"type"} - set(KEYS[backend.type]))
    ]
    if backend.type == "s3" and backend.bucket is None:
        problems.append(Problem(f"{path}.bucket", "required for type s3: the existing bucket that holds the state"))
    if backend.type == "cloud":
        if backend.organization is None:
            problems.append(Problem(f"{path}.organization", "required for type cloud: the HCP Terraform organization"))
        if (backend.workspace is None) == (backend.workspace_tags is None):
            problems.append(
                Problem(
                    f"{path}.workspace",
                    "set workspace (a name with {stack}) or workspace_tags (one of them with {stack}), not both",
                )
            )
        elif backend.workspace_tags and not any("stack" in placeholders(tag) for tag in backend.workspace_tags):
            problems.append(
                Problem(
                    f"{path}.workspace_tags",
                    "no tag contains {stack}: every stack would share the same workspaces; add a tag such as '{stack}'",
                    backend.workspace_tags,
                )
            )
    return problems


def _valid(backend_type: str) -> str:
    return ", ".join(("type", *KEYS[backend_type]))
