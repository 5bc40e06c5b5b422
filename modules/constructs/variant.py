"""One variant of a pipeline: its own log group, roles, security group, task and service."""

from __future__ import annotations

import hashlib
import json

from ..config.fargate import cpu_units, memory_mib
from ..lib.terraform_literal import hcl_escape
from ..runtime import cdk
from ..runtime.cdk import Construct
from . import documents
from .address import Address, pin
from .cluster import ClusterLookup, PipelineCluster
from .data import VariantData
from .props import VariantServiceProps

_ARCHITECTURE = {"x86_64": "X86_64", "arm64": "ARM64"}


def _json(document: object) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


class VariantService(Construct):
    """Everything one variant runs on; nothing is shared with other variants but the cluster.

    The construct id is the Terraform name stem: with id `news-encoder_control` the service
    is `aws_ecs_service.news-encoder_control`, the roles `aws_iam_role.<id>_execution` and
    `aws_iam_role.<id>_task`. Addresses depend on that id only.

    Behaviour:

    - Log group `/ecs/<cluster>/<pipeline>/<variant>`, retention from the props, encrypted
      with their KMS key when it names one (else CloudWatch Logs' own encryption).
    - Execution role: pull from the one repository, write the one log group, read the
      variant's own secrets (see `documents.execution_role_policy`). Task role: no
      permissions unless `task_role_policy_arns` attaches managed policies, or `input`/`output` grant
      their use (below).
    - Security group: no ingress; egress only as the props say (the variant's `egress`
      rules, else the network's; default HTTPS).
    - Task definition: Fargate, awsvpc, the props' CPU, memory, architecture and ephemeral
      storage; the main container and its sidecars, each with a read-only root filesystem and
      a writable /tmp volume, an init process unless `init_process_enabled` is off.
    - Service: in `cluster`, created after the cluster's capacity providers are attached
      (ECS refuses a strategy naming a provider the cluster does not have yet, and the AWS
      provider does not retry that); capacity provider strategy (FARGATE / FARGATE_SPOT weights), private subnets,
      no public IP, platform version LATEST, tags propagated from the task definition.
    - Deployments (`props.deployment`): the circuit breaker, and the `alarms` block when
      it watches any alarm (`_deployment_alarms`), roll a failed deployment back unless `rollback` is off;
      minimum healthy / maximum percent and `wait_for_steady_state` as set (their defaults:
      `config.deployment.DeploymentConfig`) with the `timeouts` set (else the provider's).
    - Spot floor: `fargate_base` tasks on FARGATE before the weights apply (FARGATE joins the strategy
      for its base even at weight 0).
    - `input`/`output` (`props.data`): the variant's own queue and grants (`data.VariantData`); the main
      container's environment names them (`props.data_environment`).
    - ECS Exec only when `exec_log_group` is set: `enable_execute_command`, and an inline task role
      policy `aws_iam_role_policy.<id>_task_exec` (`documents.exec_task_role_policy`).
    - `force_new_deployment`: an update of the service rolls its tasks. The AWS provider
      (6.x, since PR #43533 of July 2025) rejects a `capacity_provider_strategy` change without it, so
      changing a Spot weight is an in-place update instead of a failed plan.
    - Old task definition revisions stay registered (`skip_destroy`), for rollbacks.
    - With autoscaling the service starts at `min` tasks and ignores `desired_count` drift.
    - `image_owner: ci`: the task definition tracks the family's latest revision and
      ignores `container_definitions` after creation, and the service ignores
      `task_definition`, so an apply never reverts what CI rolled out. Only lifecycle and
      `track_latest` differ from `image_owner: terraform`: switching is an in-place change.
    """

    def __init__(
        self, scope: Construct, id: str, *, props: VariantServiceProps, cluster: PipelineCluster | ClusterLookup
    ) -> None:
        super().__init__(scope, id)
        self.props = props
        log_group = self._add_log_group(id)
        execution_role, task_role = self._add_roles(id, log_group)
        data = VariantData(self, "data", props=props.data, task_role=task_role) if props.data else None
        security_group = self._add_security_group(id)
        task_definition = self._add_task_definition(id, execution_role, task_role)
        service = self._add_service(id, cluster, task_definition, security_group)
        self.addresses: dict[str, Address] = {
            "log_group": log_group,
            "execution_role": execution_role,
            "task_role": task_role,
            "security_group": security_group,
            "task_definition": task_definition,
            "service": service,
            **(data.addresses if data else {}),
        }
        """Each resource's pinned address, by attribute name: references without a kernel call."""

    @property
    def _ci_owned(self) -> bool:
        return self.props.settings.image_owner == "ci"

    def _add_log_group(self, id: str) -> Address:
        """`aws_cloudwatch_log_group.<id>`: the container's logs."""
        props = self.props
        self.log_group = cdk.CloudwatchLogGroup(
            self,
            "log_group",
            name=props.names.log_group,
            retention_in_days=props.settings.log_retention_days,
            kms_key_id=props.settings.log_kms_key_arn,
            tags=dict(props.tags),
        )
        return pin(self.log_group, id)

    def _add_roles(self, id: str, log_group: Address) -> tuple[Address, Address]:
        """`aws_iam_role.<id>_execution` with its inline policy, `aws_iam_role.<id>_task` with its attachments."""
        props, tags = self.props, dict(self.props.tags)
        assume = _json(documents.assume_role_policy())
        self.execution_role = cdk.IamRole(
            self,
            "execution_role",
            name=props.names.execution_role,
            description=f"ECS starts {props.pipeline}/{props.variant}: image pull, logs, secrets",
            assume_role_policy=assume,
            tags=tags,
        )
        execution_role = pin(self.execution_role, f"{id}_execution")
        execution_policy = cdk.IamRolePolicy(
            self,
            "execution_policy",
            name="least-privilege",
            role=execution_role.ref("id"),
            policy=_json(documents.execution_role_policy(props, log_group.ref("arn"))),
        )
        pin(execution_policy, f"{id}_execution")

        self.task_role = cdk.IamRole(
            self,
            "task_role",
            name=props.names.task_role,
            description=f"The {props.pipeline}/{props.variant} container's own AWS permissions",
            assume_role_policy=assume,
            tags=tags,
        )
        task_role = pin(self.task_role, f"{id}_task")
        if props.exec_log_group is not None:
            exec_policy = cdk.IamRolePolicy(
                self,
                "task_exec_policy",
                name="ecs-exec",
                role=task_role.ref("id"),
                policy=_json(documents.exec_task_role_policy(props.exec_log_group.ref("arn"), props.exec_kms_key_arn)),
            )
            pin(exec_policy, f"{id}_task_exec")
        for policy_arn in props.settings.task_role_policy_arns:
            suffix = hashlib.sha256(policy_arn.encode()).hexdigest()[:8]
            attachment = cdk.IamRolePolicyAttachment(
                self, f"task_policy_{suffix}", role=task_role.ref("name"), policy_arn=policy_arn
            )
            pin(attachment, f"{id}_task_{suffix}")
        return execution_role, task_role

    def _add_security_group(self, id: str) -> Address:
        """`aws_security_group.<id>`: no ingress, the configured egress."""
        props = self.props
        self.security_group = cdk.SecurityGroup(
            self,
            "security_group",
            name=props.names.security_group,
            description=f"{props.pipeline}/{props.variant} tasks: no ingress, egress as configured",
            vpc_id=props.vpc_id,
            egress=[
                cdk.SecurityGroupEgress(
                    description=rule.description,
                    from_port=rule.port,
                    to_port=rule.port,
                    protocol=rule.protocol,
                    cidr_blocks=list(rule.cidr_blocks),
                )
                for rule in props.settings.egress or ()
            ],
            tags=dict(props.tags),
        )
        return pin(self.security_group, id)

    def _add_task_definition(self, id: str, execution_role: Address, task_role: Address) -> Address:
        """`aws_ecs_task_definition.<id>`: the one container on Fargate."""
        props, ci_owned = self.props, self._ci_owned
        self.task_definition = cdk.EcsTaskDefinition(
            self,
            "task_definition",
            family=props.names.family,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(cpu_units(props.settings.cpu)),
            memory=str(memory_mib(props.settings.memory)),
            runtime_platform=cdk.EcsTaskDefinitionRuntimePlatform(
                operating_system_family="LINUX", cpu_architecture=_ARCHITECTURE[props.settings.architecture]
            ),
            ephemeral_storage=(
                cdk.EcsTaskDefinitionEphemeralStorage(size_in_gib=props.settings.ephemeral_storage)
                if props.settings.ephemeral_storage
                else None
            ),
            execution_role_arn=execution_role.ref("arn"),
            task_role_arn=task_role.ref("arn"),
            volume=[
                cdk.EcsTaskDefinitionVolume(name=container.tmp_volume)
                for container in (props.container, *props.sidecars)
            ],
            container_definitions=_json(documents.container_definitions(props.container, props.region, props.sidecars)),
            skip_destroy=True,
            track_latest=ci_owned or None,
            lifecycle=cdk.TerraformResourceLifecycle(ignore_changes=["container_definitions"]) if ci_owned else None,
            tags=dict(props.tags),
        )
        return pin(self.task_definition, id)

    def _add_service(
        self, id: str, cluster: PipelineCluster | ClusterLookup, task_definition: Address, security_group: Address
    ) -> Address:
        """`aws_ecs_service.<id>` in `cluster`, after its capacity providers."""
        props, deploy = self.props, self.props.deployment
        ignored = [
            *(["desired_count"] if props.autoscaled else []),
            *(["task_definition"] if self._ci_owned else []),
        ]
        self.service = cdk.EcsService(
            self,
            "service",
            name=props.names.service,
            cluster=cluster.arn,
            task_definition=task_definition.ref("arn"),
            desired_count=props.desired_count,
            capacity_provider_strategy=[
                cdk.EcsServiceCapacityProviderStrategy(capacity_provider=provider, weight=weight, base=base or None)
                for provider, weight, base in (
                    ("FARGATE", props.settings.fargate_weight, props.settings.fargate_base),
                    ("FARGATE_SPOT", props.settings.fargate_spot_weight, 0),
                )
                if weight or base
            ],
            network_configuration=cdk.EcsServiceNetworkConfiguration(
                subnets=list(props.subnet_ids), security_groups=[security_group.ref("id")], assign_public_ip=False
            ),
            deployment_circuit_breaker=cdk.EcsServiceDeploymentCircuitBreaker(enable=True, rollback=deploy.rollback),
            alarms=_deployment_alarms(props),
            deployment_minimum_healthy_percent=deploy.minimum_healthy_percent,
            deployment_maximum_percent=deploy.maximum_percent,
            wait_for_steady_state=deploy.wait_for_steady_state,
            timeouts=cdk.EcsServiceTimeouts(**{op: f"{minutes}m" for op, minutes in deploy.timeouts})
            if deploy.timeouts
            else None,
            availability_zone_rebalancing=props.settings.availability_zone_rebalancing,
            platform_version="LATEST",
            propagate_tags="TASK_DEFINITION",
            enable_ecs_managed_tags=True,
            enable_execute_command=props.exec_log_group is not None,
            force_new_deployment=True,
            lifecycle=cdk.TerraformResourceLifecycle(ignore_changes=ignored) if ignored else None,
            tags=dict(props.tags),
            depends_on=[cluster.capacity_providers] if cluster.capacity_providers else None,
        )
        return pin(self.service, id)


def _deployment_alarms(props: VariantServiceProps) -> cdk.EcsServiceAlarms | None:
    """The service's `alarms` block: the variant's own deployment alarms, then the extra names. With
    `alarms_switch`, while it is true the own alarms' instances (a splat: they have `count`), else the extra
    names, or, without any, the own alarms' names in a disabled block (ECS refuses an empty list)."""
    own, extras = props.deployment_alarms, props.deployment.extra_alarm_names
    if not own and not extras:
        return None
    rollback = props.deployment.rollback
    switch = props.alarms_switch
    if switch is None or not own:
        names = [*(alarm.address.ref("alarm_name") for alarm in own), *extras]
        return cdk.EcsServiceAlarms(alarm_names=names, enable=True, rollback=rollback)
    splats = ", ".join(f"{alarm.address}[*].alarm_name" for alarm in own)
    extra = ", ".join(f'"{hcl_escape(name)}"' for name in extras)
    off = ", ".join(f'"{hcl_escape(name)}"' for name in (extras or [alarm.name for alarm in own]))
    return cdk.EcsServiceAlarms(
        alarm_names=cdk.Token.as_list(f"${{{switch} ? concat({splats}, [{extra}]) : [{off}]}}"),
        enable=True if extras else cdk.Token.as_any(f"${{{switch}}}"),
        rollback=rollback,
    )
