"""Pure builders of the JSON documents a variant needs: IAM policies and its container.

Kept free of cdktf so that the policy checks and the tests read exactly what is deployed.
Values may contain Terraform references (`${...}`), which Terraform resolves at plan time.
"""

from __future__ import annotations

from typing import Any

from ..config.arns import secret_resource_arn, secret_service, service_host
from ..config.container import HealthCheck
from ..config.fargate import cpu_units, memory_mib
from ..config.resolve import ContainerSpec
from .props import VariantServiceProps

Document = dict[str, Any]

ECR_PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
#: Per secret service: the statement id and the one action ECS needs to read its secrets.
SECRET_READS = (
    ("secretsmanager", "Secrets", "secretsmanager:GetSecretValue"),
    ("ssm", "Parameters", "ssm:GetParameters"),
)


def assume_role_policy(service: str = "ecs-tasks.amazonaws.com") -> Document:
    """Trust policy letting `service` assume the role."""
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
    }


def execution_role_policy(props: VariantServiceProps, log_group_arn: str) -> Document:
    """What ECS needs to start this variant's task, and nothing more.

    Pull from the one repository and the private ECR repositories of its sidecars
    (`ecr:GetAuthorizationToken` only accepts "*"), write to the variant's own log group, read
    only the secrets its containers reference, and decrypt
    with the variant's `secrets_kms_key_arns` only through Secrets Manager or SSM (the
    `kms:ViaService` of each key's region), so the role cannot use the keys directly.
    """
    repositories = list(props.repository_arns)
    statements: list[Document] = [
        {"Sid": "EcrAuth", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "EcrPull",
            "Effect": "Allow",
            "Action": list(ECR_PULL_ACTIONS),
            "Resource": repositories[0] if len(repositories) == 1 else repositories,
        },
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        },
    ]
    by_service: dict[str, list[str]] = {}
    secrets = [v for container in (props.container, *props.sidecars) for v in container.secrets.values()]
    for value_from in secrets:
        arns = by_service.setdefault(secret_service(value_from), [])
        if secret_resource_arn(value_from) not in arns:
            arns.append(secret_resource_arn(value_from))
    for service, sid, action in SECRET_READS:
        if service in by_service:
            statements.append(
                {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": sorted(by_service[service])}
            )
    if props.settings.secrets_kms_key_arns:
        keys = sorted(set(props.settings.secrets_kms_key_arns))
        statements.append(
            {
                "Sid": "SecretsKms",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": keys,
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": sorted({service_host(svc, key) for key in keys for svc in by_service})
                    }
                },
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


#: What the SSM agent in a task needs for an ECS Exec session: open the control and data channels.
EXEC_CHANNEL_ACTIONS = (
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
)
#: The statement id of the channel grant: the policy rules accept Resource "*" for exactly this statement.
EXEC_CHANNELS_SID = "EcsExecChannels"


def exec_task_role_policy(log_group_arn: str, kms_key_arn: str | None) -> Document:
    """What ECS Exec needs from the task role, and nothing more.

    The ssmmessages channel actions have no resource type in IAM (the Service Authorization
    Reference lists none for them), so they are granted on "*", in a statement holding only them;
    the session log goes to the cluster's one exec log group, and the session key (when the cluster
    sets one) may only decrypt.
    """
    statements: list[Document] = [
        {"Sid": EXEC_CHANNELS_SID, "Effect": "Allow", "Action": list(EXEC_CHANNEL_ACTIONS), "Resource": "*"},
        {"Sid": "EcsExecLogGroup", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": log_group_arn},
        {
            "Sid": "EcsExecLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        },
    ]
    if kms_key_arn:
        statements.append({"Sid": "EcsExecKms", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": kms_key_arn})
    return {"Version": "2012-10-17", "Statement": statements}


def container_definitions(
    container: ContainerSpec, region: str, sidecars: tuple[ContainerSpec, ...] = ()
) -> list[Document]:
    """The variant's containers: the main one first, then its sidecars."""
    return [container_definition(c, region) for c in (container, *sidecars)]


def container_definition(container: ContainerSpec, region: str) -> Document:
    """One container: image, entry point, env, secrets, awslogs, health check, restarts, limits."""
    document: Document = {
        "name": container.name,
        "image": container.image,
        "essential": container.essential,
        "readonlyRootFilesystem": True,
        "privileged": False,
        "mountPoints": [{"sourceVolume": container.tmp_volume, "containerPath": "/tmp", "readOnly": False}],  # noqa: S108
        "environment": [{"name": k, "value": v} for k, v in sorted(container.environment.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(container.secrets.items())],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": container.log_group,
                "awslogs-region": region,
                "awslogs-stream-prefix": container.log_stream_prefix,
            },
        },
    }
    if container.entry_point:
        document["entryPoint"] = list(container.entry_point)
    if container.command:
        document["command"] = list(container.command)
    if container.user:
        document["user"] = container.user
    if container.stop_timeout is not None:
        document["stopTimeout"] = container.stop_timeout
    if container.cpu is not None:
        document["cpu"] = cpu_units(container.cpu)
    if container.memory is not None:
        document["memory"] = memory_mib(container.memory)
    if container.depends_on:
        document["dependsOn"] = [
            {"containerName": name, "condition": condition} for name, condition in sorted(container.depends_on.items())
        ]
    if container.health_check:
        document["healthCheck"] = _health_check(container.health_check)
    if container.restart_policy:
        policy = container.restart_policy
        document["restartPolicy"] = {
            "enabled": True,
            **({"ignoredExitCodes": list(policy.ignored_exit_codes)} if policy.ignored_exit_codes else {}),
            "restartAttemptPeriod": policy.restart_attempt_period,
        }
    if container.init_process_enabled:
        document["linuxParameters"] = {"initProcessEnabled": True}
    if container.ulimits:
        document["ulimits"] = [
            {"name": name, "softLimit": limit.soft, "hardLimit": limit.hard}
            for name, limit in sorted(container.ulimits.items())
        ]
    return document


def _health_check(check: HealthCheck) -> Document:
    """ECS's HealthCheck, every timing written out (ECS fills in unset ones, which would show as drift)."""
    return {
        "command": list(check.command),
        "interval": check.interval,
        "timeout": check.timeout,
        "retries": check.retries,
        **({"startPeriod": check.start_period} if check.start_period else {}),
    }
