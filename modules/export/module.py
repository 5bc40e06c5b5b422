"""The pipelines as a reusable Terraform module: variables in, the same resources, outputs out."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..config.resolve import Deployment, VariantSpec
from ..constructs.backend import pin_versions
from ..constructs.stack import add_workloads, declare_outputs
from ..lib.terraform_literal import literal_strings
from ..runtime import cdk
from ..runtime.cdk import Construct
from .interface import (
    Variable,
    desired_count_variable,
    image_tag_variable,
    variables,
)


class PipelinesModule(cdk.TerraformStack):
    """Every pipeline variant of a deployment, parameterised by the module's variables.

    The resources are the ones `PipelinesStack` synthesizes, with the same addresses, but:

    - `vpc_id`, `subnet_ids`, `tags` and per variant the image tag and the desired count come
      from variables whose defaults are the config's values (`export.interface.variables`);
      the image is `<repository URI>:<tag>`, or `@<digest>` for a `sha256:` value.
    - The provider is the caller's: an `aws` provider construct is declared only so that the
      `terraform` block requires `hashicorp/aws` (`pin_versions`); `module_json` drops its
      (empty) configuration, and there is no backend. Tasks log to the caller's region
      (`data.aws_region.current`).
    - Every config string, variable defaults included, is a Terraform literal
      (`terraform_literal.literal_strings`): Terraform evaluates JSON strings as templates.
    - Outputs: cluster name and ARN, and per variant the service, task definition, log group,
      role and security group names/ARNs/IDs (`constructs.outputs`, as the stack's).
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment) -> None:
        super().__init__(scope, id)
        deployment = literal_strings(deployment)
        cdk.AwsProvider(self, "aws")
        pin_versions(self, deployment.terraform)
        inputs = {variable.name: _declare(self, variable) for variable in variables(deployment)}
        tags = inputs["tags"].value
        specs = [_parameterised(self, spec, inputs, deployment.tags, tags) for spec in deployment.variants]
        parameterised = dataclasses.replace(
            deployment,
            vpc_id=inputs["vpc_id"].string_value,
            subnet_ids=tuple(inputs["subnet_ids"].list_value),
            variants=tuple(specs),
        )
        region = cdk.DataAwsRegion(self, "current").name  # `region` exists in 6.x only
        self.cluster, self.variants = add_workloads(self, parameterised, region=region)
        declare_outputs(self, deployment, cluster=self.cluster, variants=self.variants)


def _declare(scope: Construct, variable: Variable) -> cdk.TerraformVariable:
    return cdk.TerraformVariable(
        scope,
        variable.name,
        type=variable.type,
        description=variable.description,
        default=variable.default,
        nullable=False,
        validation=[
            cdk.TerraformVariableValidationConfig(
                condition=f"${{{variable.condition}}}", error_message=variable.error_message
            )
        ],
    )


def _parameterised(
    scope: Construct,
    spec: VariantSpec,
    inputs: dict[str, cdk.TerraformVariable],
    config_tags: Any,
    tags: Any,
) -> VariantSpec:
    """`spec` with its image, desired count and tags taken from the module's variables."""
    tag = f"var.{image_tag_variable(spec)}"
    image = cdk.TerraformLocal(
        scope, f"{spec.address}_image", f'{spec.repository.uri}${{startswith({tag}, "sha256:") ? "@" : ":"}}${{{tag}}}'
    )
    own_tags = {key: value for key, value in spec.tags.items() if config_tags.get(key) != value}
    own = cdk.TerraformLocal(scope, f"{spec.address}_tags", own_tags)
    changes: dict[str, Any] = {
        "image": image.as_string,
        "tags": cdk.Token.as_string_map(cdk.Fn.merge([tags, own.expression])),
    }
    if desired_count_variable(spec) in inputs:
        changes["desired_count"] = inputs[desired_count_variable(spec)].number_value
    return dataclasses.replace(spec, **changes)
