"""The pipelines as a reusable Terraform module: variables in, the same resources, outputs out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from ..config.names import LIMITS, fit
from ..config.resolve import Deployment, VariantSpec
from ..constructs.address import Address
from ..constructs.backend import pin_versions
from ..constructs.observability import PipelineDashboard, VariantObservability
from ..constructs.stack import add_workloads, declare_outputs
from ..lib.terraform_literal import hcl_escape, literal_strings
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
      (`data.aws_region.current`).
    - Every config string, variable defaults included, is a Terraform literal
      (`terraform_literal.literal_strings`): Terraform evaluates JSON strings as templates.
    - `observability_enabled` and per variant `<pipeline>_<variant>_alarms_enabled` (both default
      true) switch the observability resources off (`_switch_observability`).
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
        region = cdk.DataAwsRegion(self, "current").name  # `region` exists in 6.x only
        self.cluster, self.variants = add_workloads(self, parameterised, region=region, tags=tags)
        _switch_observability(self, parameterised.variants, cluster_name=parameterised.cluster_name)
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


def _switch_observability(module: cdk.TerraformStack, specs: Sequence[VariantSpec], *, cluster_name: str) -> None:
    """`count` on every observability resource: 1 while its variables are true, else 0.

    The dashboards and metric filters follow `observability_enabled`; a variant's alarms, its
    deployment-event rule and targets follow it and `<pipeline>_<variant>_alarms_enabled`, and so do
    the service's deployment alarms (`_deployment_alarms`). A
    resource that gains `count` keeps its object: Terraform moves `x` to `x[0]` by itself (tested
    with a plan against a state of the module before the switch).
    """
    enabled = f"var.{OBSERVABILITY_ENABLED}"
    pipelines: list[str] = []
    for spec in specs:
        if spec.observability is None:
            continue
        pipelines += [spec.pipeline] if spec.pipeline not in pipelines else []
        observed: VariantObservability = module.node.find_child(f"{spec.address}_observability")  # type: ignore[assignment]
        alarms = f"{enabled} && var.{alarms_enabled_variable(spec)}"
        rule = observed.addresses.get("deployment_rule")
        for key, address in observed.addresses.items():
            _count(module, address, enabled if key == "metric_filter" else alarms)
            if key.startswith("deployment_target_") and rule is not None:
                module.add_override(f"resource.{address.type}.{address.name}.rule", f"${{{rule}[0].name}}")
        if spec.deployment.alarms:
            _deployment_alarms(module, spec, alarms, cluster_name)
    for pipeline in pipelines:
        dashboard: PipelineDashboard = module.node.find_child(f"{pipeline}__dashboard")  # type: ignore[assignment]
        _count(module, dashboard.address, enabled)


def _deployment_alarms(module: cdk.TerraformStack, spec: VariantSpec, condition: str, cluster_name: str) -> None:
    """The service's deployment alarms as the switches leave them. On: each own alarm's instances (a
    splat, so Terraform creates them first), then the extra names. Off: the extra names, else the
    block is disabled; ECS refuses an empty list, so it then lists the own alarms' names unwatched."""
    own = [
        f"{Address('aws_cloudwatch_metric_alarm', f'{spec.address}_{s}')}[*].alarm_name" for s in spec.deployment.alarms
    ]
    extras = spec.deployment.extra_alarm_names
    names = extras or tuple(fit(f"{cluster_name}_{spec.address}_{s}", LIMITS["alarm"]) for s in spec.deployment.alarms)
    listed = ", ".join(f'"{hcl_escape(name)}"' for name in names)
    extra = ", ".join(f'"{hcl_escape(name)}"' for name in extras)
    service = f"resource.aws_ecs_service.{spec.address}.alarms"
    module.add_override(
        f"{service}.alarm_names", f"${{{condition} ? concat({', '.join(own)}, [{extra}]) : [{listed}]}}"
    )
    if not extras:
        module.add_override(f"{service}.enable", f"${{{condition}}}")


def _count(module: cdk.TerraformStack, address: Address, condition: str) -> None:
    module.add_override(f"resource.{address.type}.{address.name}.count", f"${{{condition} ? 1 : 0}}")


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
