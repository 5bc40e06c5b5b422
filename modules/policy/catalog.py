"""The project's own security rules: ids and one-line titles (no imports, so the config
layer can validate `waivers` keys without importing the rules)."""

from __future__ import annotations

#: Rule id -> what it requires. Ids are what `waivers` keys name in pipelines.yaml.
RULES: dict[str, str] = {
    "ECS-READONLY-ROOT": "containers have a read-only root filesystem",
    "ECS-NON-ROOT-USER": "containers run as an explicit non-root user",
    "ECS-NOT-PRIVILEGED": "containers are not privileged",
    "ECS-NO-PLAIN-SECRETS": "no credentials in plain environment variables, command or entry point (use secrets)",
    "ECS-AWSLOGS": "containers log to CloudWatch Logs through the awslogs driver",
    "ECS-IMAGE-PINNED": "container images are pinned by a digest or a tag other than `latest`",
    "IAM-DISTINCT-ROLES": "the task's execution role and task role are distinct roles",
    "IAM-NO-WILDCARD-RESOURCE": "no IAM Allow on Resource '*' except ecr:GetAuthorizationToken and the ECS Exec "
    "session channels",
    "IAM-NO-ADMIN-POLICY": "no AWS managed policy granting admin or broad secret, KMS or IAM power on the task role",
    "ECS-NO-EXEC": "ECS Exec (a shell into running containers) is off, unless waived with the reason",
    "NET-NO-PUBLIC-IP": "services never assign a public IP",
    "NET-NO-OPEN-INGRESS": "no ingress from 0.0.0.0/0 or ::/0",
    "LOG-RETENTION": "log groups have a retention period",
    "DATA-OWN-NAMESPACE": "no two variants may write the same S3 or DynamoDB namespace, unless waived with the reason",
}
