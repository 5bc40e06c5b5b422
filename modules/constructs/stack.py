"""The stacks: provider, shared cluster, one VariantService per variant, outputs; in one stack, or split into a
shared stack and one stack per pipeline (`stacks: per_pipeline`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

from ..config.fingerprint import METADATA_KEY, PRICED, PRICING_KEY, variant_metadata
from ..config.resolve import Deployment, VariantSpec
from ..lib.terraform_literal import literal_strings
from ..runtime import cdk
from ..runtime.cdk import Construct
from .adopt import add_imports, keep_adopted
from .autoscaling import VariantAutoscaling
from .backend import add_state_backend, pin_versions
from .cluster import ClusterLookup, PipelineCluster
from .observability import add_observability
from .outputs import outputs
from .props import ALWAYS, CLUSTER_ID, Switches, autoscaling_props, cluster_props, service_props
from .variant import VariantService

MANAGED_BY = "streaming-feature-pipelines"


class PipelinesStack(cdk.TerraformStack):
    """A Terraform stack holding every pipeline variant of one deployment.

    The AWS provider works in the deployment's region, through `assume_role_arn` when set,
    and carries the config's global `tags` plus `managed-by` as default tags (an
    environment's stack adds `project` and `environment`); each resource adds its own
    `pipeline` and `variant` tags. Under `//.variants` (ignored by Terraform) the stack records
    each variant's config fingerprints for `review`, and under `//.pricing` the config's own `pricing:`
    regions and Spot discount when it sets them (what `review` prices with). Outputs: the exported module's
    (`declare_outputs`): cluster name and ARN, per variant its service, task definition, log
    group, roles and security group. State: the configured backend (`add_state_backend`).
    The `terraform` block requires the configured Terraform and provider versions (`pin_versions`).
    Resources the config adopts are imported (`adopt.add_imports`), never replaced (`adopt.keep_adopted`).
    Every config string reaches Terraform as a literal (`terraform_literal.literal_strings`), except in
    the `terraform` block (backend, versions): Terraform reads its JSON strings literally, with no
    templates to escape, so they are written as the config says.
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment) -> None:
        super().__init__(scope, id)
        written = deployment
        deployment = configure_root(self, written)
        self.cluster, self.variants = add_workloads(self, deployment, region=deployment.region)
        declare_outputs(self, deployment, cluster=self.cluster, variants=self.variants)
        if deployment.adopt:
            add_imports(self, deployment.adopt, cluster=self.cluster, variants=self.variants)
        add_metadata(self, written, deployment.variants)


def configure_root(stack: cdk.TerraformStack, written: Deployment) -> Deployment:
    """The AWS provider, the `terraform` block's versions and the state backend of `stack`; the deployment
    with every config string a literal (`terraform_literal.literal_strings`)."""
    deployment = literal_strings(written)
    cdk.AwsProvider(
        stack,
        "aws",
        region=deployment.region,
        assume_role=[cdk.AwsProviderAssumeRole(role_arn=deployment.assume_role_arn)]
        if deployment.assume_role_arn
        else None,
        default_tags=[cdk.AwsProviderDefaultTags(tags=default_tags(deployment))],
    )
    pin_versions(stack, written.terraform)
    add_state_backend(stack, backend=written.backend, project=written.project, region=written.region)
    return deployment


def add_metadata(stack: cdk.TerraformStack, written: Deployment, variants: Sequence[VariantSpec]) -> None:
    """For `review`: the config's own prices (`//.pricing`), when set, and each of `variants`' fingerprints."""
    priced = written.pricing.model_dump(mode="json", include=PRICED & written.pricing.model_fields_set)
    if priced:  # the config's own prices, for `review`'s cost section
        stack.add_override(f"//.{PRICING_KEY}", priced)
    if variants:  # one jsii call for all variants' fingerprints
        stack.add_override(
            f"//.{METADATA_KEY}",
            {
                spec.address: variant_metadata(
                    spec.pipeline, spec.variant, spec.own_config, spec.pipeline_config, spec.settings.waivers
                )
                for spec in variants
            },
        )


class SharedStack(cdk.TerraformStack):
    """`stacks: per_pipeline`: what every pipeline of a deployment shares, under the single stack's name.

    The cluster with its capacity providers and ECS Exec log group (`PipelineCluster`, created as in
    `PipelinesStack`: same addresses, same state, so a single stack's state becomes this one's), the
    outputs `cluster_name` and `cluster_arn`, the adopted cluster's imports. Provider, versions and backend
    as in `PipelinesStack`. Apply it before the pipelines' stacks (they look the cluster up by name).
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment) -> None:
        super().__init__(scope, id)
        written = deployment
        deployment = configure_root(self, written)
        self.cluster = PipelineCluster(self, CLUSTER_ID, props=cluster_props(deployment))
        declare_outputs(self, replace(deployment, variants=()), cluster=self.cluster, variants={})
        if deployment.adopt.cluster:
            cluster_only = replace(deployment.adopt, variants=MappingProxyType({}))
            add_imports(self, cluster_only, cluster=self.cluster, variants={})
        add_metadata(self, written, ())


class PipelineStack(cdk.TerraformStack):
    """`stacks: per_pipeline`: one pipeline's variants in their own stack (`Deployment.pipeline_stack`).

    Every resource of the pipeline's variants, its dashboard and alarms, at the addresses `PipelinesStack`
    gives them; the cluster looked up by name (`ClusterLookup`); the variants' outputs and adopted resources'
    imports. Provider, versions and backend as in `PipelinesStack` (the state is the stack's own). Depends on
    the shared stack (`add_dependency`: `cdktf deploy` applies that first).
    """

    def __init__(self, scope: Construct, id: str, *, deployment: Deployment, shared: SharedStack) -> None:
        super().__init__(scope, id)
        written = deployment
        deployment = configure_root(self, written)
        cluster = ClusterLookup(
            self, CLUSTER_ID, props=cluster_props(deployment), exec_log_group=deployment.exec_enabled
        )
        self.variants = add_workloads(self, deployment, region=deployment.region, cluster=cluster)[1]
        declare_outputs(self, deployment, cluster=cluster, variants=self.variants, shared=False)
        if deployment.adopt:
            add_imports(self, deployment.adopt, cluster=cluster, variants=self.variants)
        add_metadata(self, written, deployment.variants)
        self.add_dependency(shared)


def declare_outputs(
    root: cdk.TerraformStack,
    deployment: Deployment,
    *,
    cluster: PipelineCluster | ClusterLookup,
    variants: dict[str, VariantService],
    shared: bool = True,
) -> None:
    """The outputs of `outputs.outputs` (the stack's and the exported module's), read from `cluster` and `variants`;
    without `shared`, only the variants' (a pipeline's own stack: the shared stack declares the cluster's).

    The stack and the exported module declare the same outputs under the same names. Each
    value references a pinned address (`<resource>.<attribute>` of the owning construct).
    They are declared in one override, as one `TerraformOutput` each would synthesize them
    (the `output` block and cdktf's `//.outputs` index, which `cdktf output` reads): one
    kernel call instead of one per output, 1,600 for 50 pipelines x 4 variants.
    tests/constructs/test_stack.py compares both ways on the cdktf in use.
    """
    declared: dict[str, dict[str, str]] = {}
    for output in outputs(deployment):
        if output.variant is None and not shared:
            continue
        owner = cluster if output.variant is None else variants[output.variant]
        resource, attribute = output.attribute.split(".")
        declared[output.name] = {"value": owner.addresses[resource].ref(attribute), "description": output.description}
    root.add_override("output", declared)
    root.add_override("//.outputs", {root.node.id: {name: name for name in declared}})


def add_workloads(
    scope: Construct,
    deployment: Deployment,
    *,
    region: str,
    tags: Mapping[str, Mapping[str, str]] | None = None,
    switches: Switches = ALWAYS,
    cluster: PipelineCluster | ClusterLookup | None = None,
) -> tuple[PipelineCluster | ClusterLookup, dict[str, VariantService]]:
    """The shared cluster, then per variant its VariantService and, when set, VariantAutoscaling; adopted
    resources kept from replacement (`adopt.keep_adopted`).

    `region` is where the tasks log (a name, or a reference in an exported module). `tags`: by variant address,
    the tags its resources carry; None: `Deployment.resource_tags`. `switches`: conditions that create the
    observability resources (the exported module's variables); none: always created. `cluster`: the cluster the
    variants run in; None: a `PipelineCluster` created here.
    """
    tags = tags or {spec.address: deployment.resource_tags(spec) for spec in deployment.variants}
    cluster = cluster or PipelineCluster(scope, CLUSTER_ID, props=cluster_props(deployment))
    variants: dict[str, VariantService] = {}
    for spec in deployment.variants:
        variant = VariantService(
            scope,
            spec.address,
            props=service_props(
                spec,
                deployment,
                region=region,
                tags=tags[spec.address],
                alarms_switch=switches.alarms.get(spec.address),
                exec_log_group=cluster.exec_log_group,
            ),
            cluster=cluster,
        )
        variants[spec.address] = variant
        scaling = autoscaling_props(spec, cluster_name=deployment.cluster_name, tags=tags[spec.address])
        if scaling:
            VariantAutoscaling(
                scope,
                f"{spec.address}_autoscaling",
                props=scaling,
                cluster_name=cluster.name,
                service_name=variant.addresses["service"].ref("name"),
            )
    if deployment.adopt:
        keep_adopted(deployment.adopt, variants=variants)
    addresses = {address: variant.addresses for address, variant in variants.items()}
    add_observability(
        scope,
        deployment.variants,
        cluster_name=deployment.cluster_name,
        region=region,
        addresses=addresses,
        tags=tags,
        switches=switches,
    )
    return cluster, variants


def default_tags(deployment: Deployment) -> dict[str, str]:
    """The provider's default tags: global tags, then project/environment (environments only), managed-by."""
    scope = {"project": deployment.project, "environment": deployment.environment} if deployment.environment else {}
    return {**deployment.tags, **scope, "managed-by": MANAGED_BY}
