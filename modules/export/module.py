"""The pipelines as a reusable Terraform module: variables in, the same resources, outputs out."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType
from typing import Any

from ..config.resolve import Deployment, VariantSpec
from ..constructs.backend import pin_versions
from ..constructs.props import ALWAYS, Switches
from ..constructs.stack import add_workloads, declare_outputs
from ..lib.terraform_literal import literal_strings
from ..runtime import cdk
from ..runtime.cdk import Construct
from .interface import (
    OBSERVABILITY_ENABLED,
    Variable,
    alarms_enabled_variable,
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
      (`data.aws_region.current.id`).
    - Every config string, variable defaults included, is a Terraform literal
      (`terraform_literal.literal_strings`): Terraform evaluates JSON strings as templates.
    - `observability_enabled` and per variant `<pipeline>_<variant>_alarms_enabled` (both default
      true) switch the observability resources off (`switches`, construct parameters): the dashboards and
      metric filters follow `observability_enabled`; a variant's alarms, its deployment-event rule and
      targets, and its service's deployment alarms follow both. A resource that gains `count` keeps its
      object: Terraform moves `x` to `x[0]` by itself (tested with a plan against a state of the module
      before the switches).
    - Outputs: cluster name and ARN, and per variant the service, task definition, log group,
      role and security group names/ARNs/IDs (`constructs.outputs`, as the stack's).
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment) -> None:
        super().__init__(scope, id)
        deployment = literal_strings(deployment)
        cdk.AwsProvider(self, "aws")
        pin_versions(self, deployment.terraform)
        inputs = {variable.name: _declare(self, variable) for variable in variables(deployment)}
        specs, tags = [], {}
        for spec in deployment.variants:
            specs.append(_parameterised(self, spec, inputs))
            tags[spec.address] = _tags(self, spec, inputs["tags"])
        parameterised = dataclasses.replace(
            deployment,
            vpc_id=inputs["vpc_id"].string_value,
            subnet_ids=tuple(inputs["subnet_ids"].list_value),
            variants=tuple(specs),
        )
        # `id` is the region's name in 5.x and 6.x alike; 6.x deprecates `name`, 5.x has no `region`.
        region = cdk.DataAwsRegion(self, "current").id
        self.cluster, self.variants = add_workloads(
            self, parameterised, region=region, tags=tags, switches=switches(deployment)
        )
        declare_outputs(self, deployment, cluster=self.cluster, variants=self.variants)


def _declare(scope: Construct, variable: Variable) -> cdk.TerraformVariable:
    checks = (
        [
            cdk.TerraformVariableValidationConfig(
                condition=f"${{{variable.condition}}}", error_message=variable.error_message
            )
        ]
        if variable.condition
        else None
    )
    declared = cdk.TerraformVariable(
        scope,
        variable.name,
        type=variable.type,
        description=variable.description,
        nullable=False,
        validation=checks,
    )
    # An override is written as given; cdktf would rewrite a default's mapping keys in snake_case
    # (`cost-center` -> `cost_center`), so the config's tag keys would not reach Terraform.
    declared.add_override("default", variable.default)
    return declared


def switches(deployment: Deployment) -> Switches:
    """The module's switches: `observability_enabled`, and per observed variant its alarms' variable with it."""
    observed = [spec for spec in deployment.variants if spec.observability is not None]
    if not observed:
        return ALWAYS
    enabled = f"var.{OBSERVABILITY_ENABLED}"
    return Switches(
        observability=enabled,
        alarms=MappingProxyType(
            {spec.address: f"{enabled} && var.{alarms_enabled_variable(spec)}" for spec in observed}
        ),
    )


def _parameterised(scope: Construct, spec: VariantSpec, inputs: dict[str, cdk.TerraformVariable]) -> VariantSpec:
    """`spec` with its image and desired count taken from the module's variables."""
    tag = f"var.{image_tag_variable(spec)}"
    image = cdk.TerraformLocal(
        scope, f"{spec.address}_image", f'{spec.repository.uri}${{startswith({tag}, "sha256:") ? "@" : ":"}}${{{tag}}}'
    )
    changes: dict[str, Any] = {"image": dataclasses.replace(spec.image, uri=image.as_string)}
    if desired_count_variable(spec) in inputs:
        desired_count = inputs[desired_count_variable(spec)].number_value
        changes["settings"] = spec.settings.model_copy(update={"desired_count": desired_count})
    return dataclasses.replace(spec, **changes)


def _tags(scope: Construct, spec: VariantSpec, inherited: cdk.TerraformVariable) -> dict[str, str]:
    """The tags `spec`'s resources carry: the module's `tags` variable, then the variant's own tags (a local)."""
    own = cdk.TerraformLocal(scope, f"{spec.address}_tags", dict(spec.tags))
    return cdk.Token.as_string_map(cdk.Fn.merge([inherited.value, own.expression]))
