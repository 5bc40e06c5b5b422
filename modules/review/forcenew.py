"""Which attribute changes make Terraform replace a resource, and which resources hold data.

The one place for these lists. Source: the resource schemas of hashicorp/terraform-provider-aws
(`ForceNew: true`), files named per type below; the bindings here pin AWS provider 6.25.0.
Read in the provider source on 2026-11-28: aws_ecs_service, aws_cloudwatch_log_group,
aws_security_group and aws_appautoscaling_scheduled_action; on 2026-12-07 (main branch):
aws_cloudwatch_metric_alarm, aws_cloudwatch_dashboard, aws_cloudwatch_log_metric_filter,
aws_cloudwatch_event_rule and aws_cloudwatch_event_target; on 2026-12-07 also aws_sqs_queue,
aws_sqs_queue_policy and aws_sns_topic_subscription; aws_kinesis_stream_consumer on 2026-12-07 from
the provider's website/docs/r/kinesis_stream_consumer.html.markdown ("Forces new resource"). The other
entries follow the same provider's schemas but were not re-read here: re-check them when the provider is
upgraded.
Every resource type the stacks declare has an entry (tests/review/test_forcenew.py).
"""

from __future__ import annotations

PROVIDER_SOURCE = "hashicorp/terraform-provider-aws"

#: type -> (attributes whose change forces replacement, schema file in PROVIDER_SOURCE).
FORCE_NEW: dict[str, tuple[tuple[str, ...], str]] = {
    "aws_ecs_service": (
        ("name", "cluster", "launch_type", "iam_role", "scheduling_strategy", "deployment_controller.type"),
        "internal/service/ecs/service.go",
    ),
    "aws_ecs_cluster": (("name",), "internal/service/ecs/cluster.go"),
    "aws_ecs_cluster_capacity_providers": (("cluster_name",), "internal/service/ecs/cluster_capacity_providers.go"),
    "aws_cloudwatch_log_group": (("name", "name_prefix", "log_group_class"), "internal/service/logs/group.go"),
    "aws_security_group": (
        ("name", "name_prefix", "description", "vpc_id"),
        "internal/service/ec2/vpc_security_group.go",
    ),
    "aws_iam_role": (("name", "name_prefix", "path"), "internal/service/iam/role.go"),
    "aws_iam_role_policy": (("name", "name_prefix", "role"), "internal/service/iam/role_policy.go"),
    "aws_iam_role_policy_attachment": (("role", "policy_arn"), "internal/service/iam/role_policy_attachment.go"),
    "aws_appautoscaling_target": (
        ("resource_id", "scalable_dimension", "service_namespace"),
        "internal/service/appautoscaling/target.go",
    ),
    "aws_appautoscaling_scheduled_action": (
        ("name", "resource_id", "scalable_dimension", "service_namespace"),
        "internal/service/appautoscaling/scheduled_action.go",
    ),
    "aws_appautoscaling_policy": (
        ("name", "resource_id", "scalable_dimension", "service_namespace"),
        "internal/service/appautoscaling/policy.go",
    ),
    "aws_cloudwatch_metric_alarm": (("alarm_name",), "internal/service/cloudwatch/metric_alarm.go"),
    "aws_cloudwatch_dashboard": (("dashboard_name",), "internal/service/cloudwatch/dashboard.go"),
    "aws_cloudwatch_log_metric_filter": (("name", "log_group_name"), "internal/service/logs/metric_filter.go"),
    "aws_cloudwatch_event_rule": (("name", "name_prefix", "event_bus_name"), "internal/service/events/rule.go"),
    "aws_cloudwatch_event_target": (("rule", "target_id", "event_bus_name"), "internal/service/events/target.go"),
    "aws_sqs_queue": (("name", "name_prefix", "fifo_queue"), "internal/service/sqs/queue.go"),
    "aws_sqs_queue_policy": (("queue_url",), "internal/service/sqs/queue_policy.go"),
    "aws_sns_topic_subscription": (("endpoint", "protocol", "topic_arn"), "internal/service/sns/topic_subscription.go"),
    "aws_kinesis_stream_consumer": (("name", "stream_arn"), "internal/service/kinesis/stream_consumer.go"),
}

#: Types where every change but these attributes registers a new revision instead of
#: updating in place: a routine replacement, not an outage (the service rolls to it).
REVISIONED: dict[str, tuple[str, ...]] = {"aws_ecs_task_definition": ("tags", "skip_destroy", "track_latest")}

#: aws_ecs_service: since provider PR #43533 (July 2025) a capacity_provider_strategy change is
#: in place but needs `force_new_deployment = true`; without it the provider rejects the plan
#: (before that PR it replaced the service).
NEEDS_FORCE_NEW_DEPLOYMENT: dict[str, str] = {"aws_ecs_service": "capacity_provider_strategy"}

#: Types that hold data, and what destroying one loses. A log group with `skip_destroy = true`
#: is only removed from the state, so destroying it loses nothing.
HOLDS_DATA: dict[str, str] = {
    "aws_cloudwatch_log_group": "its log events are deleted",
    "aws_s3_bucket": "its objects are deleted",
    "aws_dynamodb_table": "its items are deleted",
    "aws_kinesis_stream": "its unread records are lost",
    "aws_sqs_queue": "its messages are lost",
    "aws_ecr_repository": "its images are deleted",
    "aws_efs_file_system": "its files are deleted",
}

#: Types AWS keeps outside any region (IAM): after a region change Terraform still finds them and
#: plans their changes as usual, under the resources left running in the old region.
GLOBAL: tuple[str, ...] = ("aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_policy")


#: Terraform meta-arguments: changing them changes how Terraform treats the resource, never
#: the resource itself, so they neither force replacement nor make an update on their own.
META_ARGUMENTS = ("lifecycle", "depends_on", "provider", "count", "for_each")


def is_meta(path: str) -> bool:
    """True for a path inside a meta-argument (`lifecycle.ignore_changes`)."""
    return path.split(".", 1)[0] in META_ARGUMENTS


def matches(path: str, attribute: str) -> bool:
    """`deployment_controller.type` matches a change at that path, below it, or of its block."""
    return path == attribute or path.startswith(f"{attribute}.") or attribute.startswith(f"{path}.")


def forcing(resource_type: str, paths: list[str]) -> list[str]:
    """The changed attribute paths (list indices removed) that force replacement of the resource."""
    paths = [p for p in paths if not is_meta(p)]
    if resource_type in REVISIONED:
        kept = REVISIONED[resource_type]
        return [p for p in paths if not any(matches(p, k) for k in kept)]
    attributes = FORCE_NEW.get(resource_type, ((), ""))[0]
    return [p for p in paths if any(matches(p, a) for a in attributes)]
