"""`adopt:`: take over resources that already run (made by the AWS CDK, the console or other Terraform).

The first plan imports them (Terraform `import` blocks) instead of creating second copies, and never
replaces one: adopted resources keep their AWS names, and what our config would change that AWS
cannot change in place is refused here, before anything is written. Pure: no cdktf, no AWS calls;
what only AWS knows (a security group's VPC, a log group's KMS key) is listed by `adopt-plan` and
caught by `review` on the real plan (an import that also replaces is a danger).

What each attribute does when adopted, and why (AWS provider 5.x/6.x force-new attributes):

- ECS cluster: `name` forces replacement, so the cluster's name is `adopt.cluster` (a `cluster.name` that
  differs is refused); the names derived from the cluster's derive from it.
- ECS service: `name` and `cluster` force replacement: the service keeps its name, and its cluster
  (`<cluster>/<service>`) must be the adopted cluster (refused otherwise). `launch_type` forces
  replacement, and so does going from no capacity provider strategy to one (provider 5.x
  `capacityProviderStrategyCustomizeDiff`): a service created with launch type FARGATE (what the
  AWS CDK's `FargateService` makes) keeps it and gets no strategy, so Spot (`fargate_spot_weight`)
  is refused for it.
- IAM roles: `name` forces replacement: the roles keep their names; the rest (description, trust
  policy, tags) updates in place. Inline policies the old tool attached stay until removed by hand
  (ours, `least-privilege`, is added beside them).
- Log group: `name` forces replacement: it keeps its name. The KMS key updates in place.
- Security group: `name`, `description` and `vpc_id` force replacement. Name and description
  are taken from `security_group_name` / `security_group_description` when given (then nothing
  differs from a security group of ours), else ignored (`lifecycle.ignore_changes`): AWS cannot
  change either, and only AWS knows them. The VPC is `network.vpc_id`: a security group in another
  VPC would be replaced, which `review` reports on the plan. Egress rules update in place.
- Task definition family: the next revision is registered in it (task definitions are immutable
  revisions, never imported).

`imports: false` (after the first apply) keeps every adopted name and setting and drops the import
blocks only: the resources synthesize byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from .errors import Problem
from .names import LIMITS, VariantNames
from .strict import Strict

#: What AWS accepts in each identifier (CreateCluster / CreateService names, RegisterTaskDefinition
#: family, CreateRole RoleName, CreateLogGroup logGroupName, EC2 security group ids, GroupName and
#: GroupDescription), and how a problem says it.
_ECS_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]{0,254}"
_ECS_RULE = "1-255 letters, digits, '-' and '_', starting with a letter or digit"
_SHAPES = {
    "cluster": (re.compile(_ECS_NAME), f"an ECS cluster name: {_ECS_RULE}"),
    "service": (re.compile(rf"{_ECS_NAME}/{_ECS_NAME}"), f"<cluster>/<service>, each {_ECS_RULE}"),
    "family": (re.compile(r"[A-Za-z0-9_-]{1,255}"), "a task definition family: 1-255 letters, digits, '-' and '_'"),
    "role": (re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}"), "an IAM role name: 1-64 letters, digits and + = , . @ _ -"),
    "log_group": (re.compile(r"[A-Za-z0-9_./#-]{1,512}"), "a log group name: 1-512 letters, digits and _ - / . #"),
    "security_group": (
        re.compile(r"sg-[0-9a-f]{8}(?:[0-9a-f]{9})?"),
        "a security group id: sg- and 8 or 17 hex digits, e.g. sg-0123456789abcdef0",
    ),
    "security_group_text": (
        re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}"),
        "1-255 letters, digits, spaces and . _ - : / ( ) # , @ [ ] + = & ; { } ! $ * (what EC2 accepts)",
    ),
}


def _shape(kind: str) -> AfterValidator:
    pattern, rule = _SHAPES[kind]

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"not {rule}" if rule.startswith(("a ", "an ")) else f"use {rule}")
        return value

    return AfterValidator(check)


ClusterName = Annotated[str, _shape("cluster")]
ServiceId = Annotated[str, _shape("service")]
Family = Annotated[str, _shape("family")]
RoleName = Annotated[str, _shape("role")]
LogGroupName = Annotated[str, _shape("log_group")]
SecurityGroupId = Annotated[str, _shape("security_group")]
SecurityGroupText = Annotated[str, _shape("security_group_text")]


class AdoptVariant(Strict):
    """The existing resources one variant takes over; each is optional (what is not named is created)."""

    service: ServiceId | None = Field(
        None, description="the running ECS service as `<cluster>/<service>` (the cluster must be `adopt.cluster`)"
    )
    launch_type: Literal["FARGATE", "none"] = Field(
        "FARGATE",
        description="how the adopted service gets capacity: `FARGATE`, a launch type (the AWS CDK's FargateService, "
        "`create-service --launch-type FARGATE`): it keeps it and gets no capacity provider strategy (a change "
        "would replace the service), so no Spot; `none`: it already has a capacity provider strategy",
    )
    family: Family | None = Field(None, description="task definition family: the next revision is registered in it")
    execution_role: RoleName | None = Field(None, description="name of the task execution IAM role")
    task_role: RoleName | None = Field(None, description="name of the task IAM role")
    log_group: LogGroupName | None = Field(None, description="name of the CloudWatch Logs group the container logs to")
    security_group: SecurityGroupId | None = Field(None, description="id (`sg-...`) of the tasks' security group")
    security_group_name: SecurityGroupText | None = Field(
        None, description="its name (AWS cannot rename it); unset: whatever it is, left alone"
    )
    security_group_description: SecurityGroupText | None = Field(
        None, description="its description (AWS cannot change it); unset: whatever it is, left alone"
    )


class AdoptPipeline(Strict):
    """One pipeline's variants that adopt resources."""

    variants: dict[str, AdoptVariant] = Field(description="variant name -> the resources that variant takes over")


class AdoptConfig(Strict):
    """Existing resources the stack takes over: imported on the first plan, never replaced (docs/adopting.md)."""

    cluster: ClusterName | None = Field(
        None,
        description="name of the running ECS cluster to import; it keeps it (AWS cannot rename a cluster), in place "
        "of `cluster.name`, which may be left unset (or set to the same)",
    )
    imports: bool = Field(
        True,
        description="write Terraform `import` blocks; set false once applied: the adopted names stay, only the "
        "import blocks go",
    )
    pipelines: dict[str, AdoptPipeline] = Field({}, description="the pipelines whose variants adopt resources")


@dataclass(frozen=True)
class AdoptedVariant:
    """One variant's adopted resources, checked: AWS names and ids, and what keeps them from being replaced."""

    service: str | None = None
    """`<cluster>/<service>`: the import id of the service."""
    launch_type: str | None = None
    """"FARGATE": the service keeps its launch type and gets no capacity provider strategy."""
    execution_role: str | None = None
    task_role: str | None = None
    log_group: str | None = None
    security_group: str | None = None
    security_group_name: str | None = None
    security_group_description: str | None = None

    @property
    def ignored_security_group_attributes(self) -> tuple[str, ...]:
        """Force-new attributes of the adopted security group we do not know, so leave alone."""
        if self.security_group is None:
            return ()
        return tuple(
            key
            for key, value in (("name", self.security_group_name), ("description", self.security_group_description))
            if value is None
        )


@dataclass(frozen=True)
class Adoption:
    """What one stack adopts: the cluster (by name), each variant's resources by variant address."""

    cluster: str | None = None
    write_imports: bool = True
    variants: Mapping[str, AdoptedVariant] = field(default_factory=lambda: MappingProxyType({}))

    def __bool__(self) -> bool:
        return self.cluster is not None or bool(self.variants)


def cluster_name(configured: str, adopt: AdoptConfig) -> str:
    """The cluster's AWS name: the adopted cluster's (it cannot be renamed), else `cluster.name`.

    Every name derived from the cluster's (`names.VariantNames`) derives from this one.
    """
    return adopt.cluster or configured


def adopted_names(names: VariantNames, adopted: AdoptVariant) -> VariantNames:
    """`names` with the adopted resources' own names: nothing adopted is renamed."""
    service = adopted.service.split("/", 1)[1] if adopted.service else None
    taken = {
        "service": service,
        "family": adopted.family,
        "execution_role": adopted.execution_role,
        "task_role": adopted.task_role,
        "log_group": adopted.log_group,
        "security_group": adopted.security_group_name,
    }
    return replace(names, **{key: value for key, value in taken.items() if value is not None})


def adoption_problems(
    adopt: AdoptConfig,
    *,
    cluster_name: str,
    cluster_name_set: bool,
    variants: Mapping[tuple[str, str], Mapping[str, object]],
) -> list[Problem]:
    """Everything in `adopt:` that cannot be taken over without a replacement, or names nothing.

    `cluster_name_set`: the config writes `cluster.name` (else it is the default). `variants`: every
    (pipeline, variant) of the config -> its merged settings (`fargate_spot_weight`, `fargate_base`).
    """
    problems: list[Problem] = []
    if adopt.cluster is not None and cluster_name_set and adopt.cluster != cluster_name:
        problems.append(
            Problem(
                "adopt.cluster",
                f"cluster.name is {cluster_name!r}: an ECS cluster cannot be renamed; the adopted cluster keeps its "
                "name, so remove cluster.name or set it to this",
                adopt.cluster,
            )
        )
    cluster_name = adopt.cluster or cluster_name
    owners: dict[tuple[str, str], str] = {}
    for pipeline, entry in adopt.pipelines.items():
        for variant, adopted in entry.variants.items():
            path = f"adopt.pipelines.{pipeline}.variants.{variant}"
            settings = variants.get((pipeline, variant))
            if settings is None:
                known = ", ".join(f"{p}.{v}" for p, v in variants) or "none"
                problems.append(Problem(path, f"no such variant in pipelines; variants: {known}"))
                continue
            problems += _variant_problems(adopt, adopted, path, cluster_name, settings)
            for key in ("service", "family", "execution_role", "task_role", "log_group", "security_group"):
                value = getattr(adopted, key)
                kind = "role" if key.endswith("_role") else key
                if value is None:
                    continue
                first = owners.setdefault((kind, value), f"{path}.{key}")
                if first != f"{path}.{key}" and not first.startswith(f"{path}."):  # in one variant: below
                    problems.append(
                        Problem(f"{path}.{key}", f"already adopted by {first}; each is one variant's", value)
                    )
    return problems


def _variant_problems(
    adopt: AdoptConfig, adopted: AdoptVariant, path: str, cluster_name: str, settings: Mapping[str, object]
) -> list[Problem]:
    problems: list[Problem] = []
    if adopted.service is not None:
        cluster, _ = adopted.service.split("/", 1)
        if cluster != cluster_name:
            why = (
                f"the service runs in cluster {cluster!r}, ours is {cluster_name!r}: a service cannot move to another "
                "cluster (Terraform would replace it); adopt its cluster (cluster.name and adopt.cluster)"
            )
            problems.append(Problem(f"{path}.service", why, adopted.service))
        elif adopt.cluster is None:
            why = "adopting a service needs its cluster adopted too: set adopt.cluster (ECS services live in it)"
            problems.append(Problem(f"{path}.service", why, adopted.service))
        for key in ("fargate_spot_weight", "fargate_base"):
            if adopted.launch_type == "FARGATE" and settings.get(key):
                why = (
                    f"the service has launch type FARGATE: {key} needs a capacity provider strategy, and adding one "
                    f"replaces the service; keep {key} 0 while adopting (launch_type: none if it has one)"
                )
                problems.append(Problem(f"{path}.launch_type", why, adopted.launch_type))
    elif adopted.launch_type != "FARGATE":
        problems.append(
            Problem(f"{path}.launch_type", "only with `service` (it is the service's)", adopted.launch_type)
        )
    if adopted.security_group is None and (adopted.security_group_name or adopted.security_group_description):
        problems.append(Problem(f"{path}.security_group", "name the adopted security group's id (sg-...)"))
    for key, limit in (("execution_role", LIMITS["iam_role"]), ("family", LIMITS["task_family"])):
        value = getattr(adopted, key)
        if value is not None and len(value) > limit:
            problems.append(Problem(f"{path}.{key}", f"longer than AWS's {limit} characters", value))
    if adopted.execution_role is not None and adopted.execution_role == adopted.task_role:
        why = "the execution role and the task role are two roles (least privilege): adopt them apart"
        problems.append(Problem(f"{path}.task_role", why, adopted.task_role))
    return problems


def resolve_adoption(adopt: AdoptConfig, addresses: Mapping[tuple[str, str], str]) -> Adoption:
    """The checked `adopt:` of a stack; `addresses`: (pipeline, variant) -> its address stem."""
    variants = {
        addresses[(pipeline, variant)]: AdoptedVariant(
            service=adopted.service,
            launch_type=adopted.launch_type if adopted.service and adopted.launch_type != "none" else None,
            execution_role=adopted.execution_role,
            task_role=adopted.task_role,
            log_group=adopted.log_group,
            security_group=adopted.security_group,
            security_group_name=adopted.security_group_name,
            security_group_description=adopted.security_group_description,
        )
        for pipeline, entry in adopt.pipelines.items()
        for variant, adopted in entry.variants.items()
        if (pipeline, variant) in addresses
    }
    return Adoption(cluster=adopt.cluster, write_imports=adopt.imports, variants=MappingProxyType(variants))


def shared_adoptions(stacks: Mapping[str, tuple[Adoption, str, str | None]]) -> list[Problem]:
    """Resources two environments' stacks would both import: both would manage them.

    `stacks`: stack name -> (its adoption, region, the role it assumes). Two stacks are apart when their
    regions differ or they assume different roles (possibly other accounts); the same role, or none, is
    taken as the same account.
    """
    seen: dict[tuple[str, str | None, str, str], str] = {}
    problems: list[Problem] = []
    for stack, (adoption, region, role) in stacks.items():
        ids = [("cluster", adoption.cluster)] if adoption.cluster else []
        for adopted in adoption.variants.values():
            ids += [
                (key, value)
                for key, value in (
                    ("service", adopted.service),
                    ("role", adopted.execution_role),
                    ("role", adopted.task_role),
                    ("log_group", adopted.log_group),
                    ("security_group", adopted.security_group),
                )
                if value
            ]
        for kind, value in ids:
            first = seen.setdefault((region, role, kind, value), stack)
            if first != stack:
                why = (
                    f"environments {first} and {stack} both import {kind} {value!r}: each stack would manage it; "
                    "give each environment its own `adopt:` (in its entry)"
                )
                problems.append(Problem("adopt", why))
    return problems
