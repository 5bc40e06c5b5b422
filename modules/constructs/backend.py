"""A stack's state backend and its `terraform` block settings (wiring only)."""

from __future__ import annotations

from ..config.backend import BackendConfig, render
from ..config.terraform import TerraformConfig
from ..runtime import cdk

#: The fully qualified provider source; a bare `aws` is ambiguous to OpenTofu.
AWS_PROVIDER_SOURCE = "hashicorp/aws"


def add_state_backend(stack: cdk.TerraformStack, *, backend: BackendConfig, project: str, region: str) -> None:
    """Configure where `stack` keeps its state; templates are filled in with the stack's name.

    Behaviour:

    - `local`: `terraform.<stack>.tfstate` beside the output directory (with `cdktf.out` in
      the project, the project root, where cdktf's own default puts it), written as a path
      relative to the stack directory Terraform runs in (`<out>/stacks/<stack>`): cdktf's
      default is an absolute path of the machine that synthesized, which would differ
      between a laptop, CI's base and head checkouts, and every review.
    - `s3`: `encrypt` (default on), `kms_key_id`, `dynamodb_table`, `workspace_key_prefix`
      and `role_arn` (an `assume_role` block) as configured; `region` defaults to the
      stack's region (an environment's config pins it to the bucket's region:
      `config.environments`). `use_lockfile` (default on; Terraform >= 1.10) is not an S3Backend
      option in cdktf 0.21, so it is written as an override of the backend block.
    - `cloud`: organization, hostname (default app.terraform.io), and the workspace by
      name or by tags.
    """
    name = stack.node.id
    if backend.type == "local":
        cdk.LocalBackend(stack, path=f"../../../terraform.{name}.tfstate")
    elif backend.type == "s3":
        s3 = cdk.S3Backend(
            stack,
            bucket=backend.bucket,
            key=render(backend.key, stack=name, project=project),
            region=backend.region or region,
            encrypt=backend.encrypt,
            kms_key_id=backend.kms_key_id,
            dynamodb_table=backend.dynamodb_table,
            workspace_key_prefix=backend.workspace_key_prefix,
            assume_role=cdk.S3BackendAssumeRoleConfig(role_arn=backend.role_arn) if backend.role_arn else None,
        )
        s3.add_override("use_lockfile", backend.use_lockfile)
    elif backend.type == "cloud":
        workspaces = (
            cdk.NamedCloudWorkspace(render(backend.workspace, stack=name, project=project))
            if backend.workspace
            else cdk.TaggedCloudWorkspaces(
                tags=[render(tag, stack=name, project=project) for tag in backend.workspace_tags or ()]
            )
        )
        cdk.CloudBackend(stack, organization=backend.organization, workspaces=workspaces, hostname=backend.hostname)


def pin_versions(stack: cdk.TerraformStack, versions: TerraformConfig) -> None:
    """Write `required_version` and the AWS provider's fully qualified source and constraint.

    cdktf writes the bare source `aws` (ambiguous to OpenTofu) and the exact version the
    bindings were generated for; written instead: `hashicorp/aws` and the config's
    `terraform.aws_provider_version` (default: 5.100 and every 6.x, `config.terraform`).
    """
    stack.add_override("terraform.required_version", versions.required_version)
    stack.add_override("terraform.required_providers.aws.source", AWS_PROVIDER_SOURCE)
    stack.add_override("terraform.required_providers.aws.version", versions.aws_provider_version)
