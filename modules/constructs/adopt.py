"""Adopting running resources: what keeps an import from replacing (`keep_adopted`, every root construct), and
the stack's Terraform `import` blocks (`add_imports`: only a root module may declare them)."""

from __future__ import annotations

from collections.abc import Mapping

from ..config.adopt import Adoption
from ..runtime import cdk
from .address import Address
from .cluster import ClusterLookup, PipelineCluster
from .variant import VariantService

CAPACITY_PROVIDERS = "aws_ecs_cluster_capacity_providers"


def imports(
    adoption: Adoption, *, cluster: PipelineCluster | ClusterLookup, variants: Mapping[str, VariantService]
) -> list[tuple[Address, str]]:
    """(address, import id) of every adopted resource, cluster first, then variants in config order.

    Import ids as the AWS provider's import docs give them: a cluster and its capacity providers by
    the cluster's name, a service as `<cluster>/<service>`, a role and a log group by name, a security
    group by id. Task definitions are not imported: the first apply registers a new revision.
    """
    found: list[tuple[Address, str]] = []
    if adoption.cluster is not None:
        address = cluster.addresses["cluster"]
        found += [(address, adoption.cluster), (Address(CAPACITY_PROVIDERS, address.name), adoption.cluster)]
    for stem, variant in variants.items():
        adopted = adoption.variants.get(stem)
        if adopted is None:
            continue
        addresses = variant.addresses
        for key, value in (
            ("log_group", adopted.log_group),
            ("execution_role", adopted.execution_role),
            ("task_role", adopted.task_role),
            ("security_group", adopted.security_group),
            ("service", adopted.service),
        ):
            if value is not None:
                found.append((addresses[key], value))
    return found


def keep_adopted(adoption: Adoption, *, variants: Mapping[str, VariantService]) -> None:
    """Keep each adopted resource from being replaced (why: `config.adopt`); the stack and the exported module.

    Behaviour:

    - A service adopted with launch type FARGATE keeps `launch_type = "FARGATE"` and has no capacity
      provider strategy (a change of either replaces a service).
    - An adopted security group takes the adopted description when given; a name or description not
      given is ignored (`lifecycle.ignore_changes`): both force replacement and only AWS knows them.
    """
    for stem, adopted in adoption.variants.items():
        variant = variants[stem]
        if adopted.launch_type is not None:
            variant.service.reset_capacity_provider_strategy()
            variant.service.add_override("launch_type", adopted.launch_type)
        if adopted.security_group_description is not None:
            variant.security_group.add_override("description", adopted.security_group_description)
        ignored = adopted.ignored_security_group_attributes
        if ignored:
            variant.security_group.add_override("lifecycle.ignore_changes", list(ignored))


def add_imports(
    stack: cdk.TerraformStack,
    adoption: Adoption,
    *,
    cluster: PipelineCluster | ClusterLookup,
    variants: Mapping[str, VariantService],
) -> None:
    """One top-level `import` list, `{to, id}` per adopted resource (`imports`), in one override; none when
    `write_imports` is off. Only a root module may hold import blocks: the stack calls this, the module never."""
    if adoption.write_imports:
        found = imports(adoption, cluster=cluster, variants=variants)
        if found:
            stack.add_override("import", [{"to": str(address), "id": id} for address, id in found])
