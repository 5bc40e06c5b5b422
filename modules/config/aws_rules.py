"""AWS's own rules, checked at validate: what AWS refuses at apply (or would never run) is refused here.

Each rule is registered in `AWS_RULES` with its id, the config keys it reads and the AWS documentation
it follows (URL and quoted sentence). A rule across keys, or one that needs the stack's region, is a small
pure function over one variant's merged settings in its stack (`Subject`), run by `resolve.resolve_pipeline`;
a rule of one value is enforced by that value's type in the schema (`enforced_by` names the function or
type). docs/aws-rules.md lists them all (`python -m modules.config.reference --write` writes it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..lib.generated_text import Markers
from . import arns, fargate
from .errors import Problem
from .observability import ObservabilityConfig, merge_layers, partition_of

if TYPE_CHECKING:
    from .model import ContainerSettings, ExecLoggingConfig
    from .resolve import MergedVariant, VariantSpec

BEGIN = "<!-- generated: python -m modules.config.reference --write -->"
END = "<!-- end generated -->"
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "aws-rules.md"


@dataclass(frozen=True)
class Source:
    """Where AWS says so: a documentation page and the sentence on it the rule follows."""

    url: str
    quote: str


@dataclass(frozen=True)
class Subject:
    """What a rule reads: one variant's merged settings, in its stack.

    `region`: the stack's region; None when the config's region is itself invalid (then the rules that
    compare with it report nothing). `observability`: the variant's observability blocks, nearest last,
    each with its dotted path (`observability.merge_layers`). `exec_logging`: the cluster's, which a variant
    with ECS Exec uses.
    """

    merged: MergedVariant
    region: str | None
    observability: Sequence[tuple[str, ObservabilityConfig | None]] = ()
    exec_logging: ExecLoggingConfig | None = None


@dataclass(frozen=True)
class AwsRule:
    """One rule AWS enforces, refused at validate."""

    id: str
    title: str
    keys: tuple[str, ...]
    """The config keys it reads, as `docs/configuration.md` names them (a pipeline's or variant's below `pipelines`)."""
    sources: tuple[Source, ...]
    check: Callable[[Subject], list[Problem]] | None = None
    """A rule across keys or against the region; None: enforced by the value's type (`enforced_by`)."""
    enforced_by: str = ""
    """Where a rule without `check` is enforced (a function or type of `modules/config`)."""


def spot_runs_x86_only(subject: Subject) -> list[Problem]:
    """An arm64 variant gives FARGATE_SPOT no weight: Fargate Spot runs only x86_64 Linux tasks."""
    merged = subject.merged
    values = merged.values
    if fargate.runs_on_spot(values.architecture) or values.fargate_spot_weight == 0:
        return []
    why = (
        f"Fargate Spot runs only x86_64 tasks and this variant is {values.architecture}: set fargate_spot_weight "
        "to 0 here (with fargate_weight above 0), or architecture to x86_64"
    )
    path = f"{merged.nearest('architecture', 'fargate_spot_weight')}.fargate_spot_weight"
    return [Problem(path, why, values.fargate_spot_weight)]


def alarm_topics_in_region(subject: Subject) -> list[Problem]:
    """Alarm actions (and EventBridge targets) are SNS topics of the stack's own region."""
    region = subject.region
    values, origin = merge_layers(subject.observability, ObservabilityConfig())
    if region is None or not values["enabled"]:
        return []
    problems = []
    for index, arn in enumerate(values["alarm_topic_arns"]):
        partition, topic_region = arn.split(":")[1], arn.split(":")[3]
        if topic_region == region or partition != partition_of(region):  # another partition: reported as such
            continue
        why = (
            f"a topic of region {topic_region}: CloudWatch alarms and EventBridge rules notify only topics of "
            f"their own region; use a topic in the stack's region {region}"
        )
        problems.append(Problem(f"{origin['alarm_topic_arns']}.alarm_topic_arns[{index}]", why, arn))
    return problems


def log_key_in_region(subject: Subject) -> list[Problem]:
    """The log groups a variant writes to (its own; with ECS Exec, the cluster's exec audit log) are encrypted
    with KMS keys of the stack's own region."""
    values, region = subject.merged.values, subject.region
    keys = [(subject.merged.path("log_kms_key_arn"), values.log_kms_key_arn)]
    if values.exec is not None and values.exec.enabled and subject.exec_logging is not None:
        keys.append(("cluster.exec_logging.log_kms_key_arn", subject.exec_logging.log_kms_key_arn))
    return [
        Problem(path, f"the key must be in the stack's region {region}", key)
        for path, key in keys
        if key is not None
        and region is not None
        and key.split(":")[3] != region
        and key.split(":")[1] == partition_of(region)  # another partition: reported as such
    ]


def referenced_arns(subject: Subject) -> list[tuple[str, str]]:
    """(dotted path, ARN) of every ARN the variant references (SNS topics apart: `observability` checks those)."""
    merged, values = subject.merged, subject.merged.values
    found = [(merged.path("repository_arn"), values.repository_arn)]
    found += [(f"{merged.path('secrets')}.{name}", arn) for name, arn in values.secrets.items()]
    found += [(f"{merged.path('secrets_kms_key_arns')}[{i}]", arn) for i, arn in enumerate(values.secrets_kms_key_arns)]
    found += [(merged.path("log_kms_key_arn"), values.log_kms_key_arn)]
    found += [
        (f"{merged.path('task_role_policy_arns')}[{i}]", arn) for i, arn in enumerate(values.task_role_policy_arns)
    ]
    for name, sidecar in values.sidecars.items():
        where = merged.path(f"sidecars.{name}")
        found += [(f"{where}.repository_arn", sidecar.repository_arn)]
        found += [(f"{where}.secrets.{key}", arn) for key, arn in sidecar.secrets.items()]
    if values.exec is not None and values.exec.enabled and subject.exec_logging is not None:
        logging = subject.exec_logging
        found += [("cluster.exec_logging.kms_key_arn", logging.kms_key_arn)]
        found += [("cluster.exec_logging.log_kms_key_arn", logging.log_kms_key_arn)]
    return [(path, arn) for path, arn in found if arn is not None]


def arns_in_partition(subject: Subject) -> list[Problem]:
    """Every ARN the variant references is in the stack's partition (`aws`, `aws-cn`, `aws-us-gov`)."""
    if subject.region is None:
        return []
    partition = partition_of(subject.region)
    why = f"in another partition than the stack's {partition} (region {subject.region}): use an ARN of {partition}"
    return [Problem(path, why, arn) for path, arn in referenced_arns(subject) if arn.split(":")[1] != partition]


#: IAM's limit on a role's inline policies together, in characters other than white space.
ROLE_POLICY_CHARS = 10_240


def execution_policy_resources(subject: Subject) -> list[str]:
    """The ARNs the variant's execution role policy lists, each once: its ECR repositories, the secrets and
    parameters of its containers (`arns.secret_resource_arn`) and the keys that decrypt them."""
    values = subject.merged.values
    sidecars = values.sidecars.values()
    secrets = [*values.secrets.values(), *(arn for sidecar in sidecars for arn in sidecar.secrets.values())]
    found = [
        values.repository_arn or "",
        *(sidecar.repository_arn for sidecar in sidecars if sidecar.repository_arn),
        *(arns.secret_resource_arn(arn) for arn in secrets),
        *values.secrets_kms_key_arns,
    ]
    return list(dict.fromkeys(arn for arn in found if arn))


def execution_policy_fits(subject: Subject) -> list[Problem]:
    """The execution role's inline policy stays within IAM's 10,240 characters: its resource ARNs alone (each a
    quoted JSON string and a comma) are a lower bound of its size, so a config over it is certainly refused."""
    resources = execution_policy_resources(subject)
    floor = sum(len(arn) + 3 for arn in resources)
    if floor <= ROLE_POLICY_CHARS:
        return []
    merged = subject.merged
    why = (
        f"the execution role's inline policy would list {len(resources)} ARNs ({floor} characters), over IAM's "
        f"{ROLE_POLICY_CHARS:,} per role: reference fewer secrets (e.g. several keys of one JSON secret, "
        "`<arn>:<json-key>::`, share one grant)"
    )
    return [Problem(merged.path("secrets"), why, len(resources))]


#: ECS's limit on a task definition's size, in bytes.
TASK_DEFINITION_BYTES = 65_536


def _entries(pairs: Mapping[str, str], value_key: str) -> int:
    """Bytes of `[{"name": ..., value_key: ...}, ...]` at least (the strings unescaped)."""
    syntax = len(f'{{"name":"","{value_key}":""}},')
    return sum(syntax + len(name.encode()) + len(value.encode()) for name, value in pairs.items())


def _strings(values: Sequence[str] | None) -> int:
    return sum(len(value.encode()) + 3 for value in values or ())


def task_definition_floor(values: ContainerSettings) -> int:
    """Bytes a variant's task definition has at least (`values`: its merged settings): its containers'
    environment, secrets, entry points and commands as JSON (the rest of the definition only adds to it)."""
    containers = [
        (values.environment, values.secrets, values.entry_point, values.command),
        *((s.environment, s.secrets, s.entry_point, s.command) for s in values.sidecars.values()),
    ]
    return sum(
        _entries(environment, "value") + _entries(secrets, "valueFrom") + _strings(entry_point) + _strings(command)
        for environment, secrets, entry_point, command in containers
    )


def task_definition_fits(subject: Subject) -> list[Problem]:
    """The task definition stays within ECS's 64 KiB (`task_definition_floor` is a lower bound of its size)."""
    floor = task_definition_floor(subject.merged.values)
    if floor <= TASK_DEFINITION_BYTES:
        return []
    why = (
        f"the task definition would be at least {floor:,} bytes (environment, secrets, commands of its containers), "
        f"over ECS's {TASK_DEFINITION_BYTES:,}: move large values out of the environment (e.g. into a secret or a "
        "file the image reads)"
    )
    return [Problem(subject.merged.path("environment"), why, floor)]


#: The most lines (metrics and expressions) of one graph: the limit of CloudWatch's metric widget structure.
#: With every variant overlaid it also bounds the widgets: a pipeline's dashboard has its graphs (at most ten:
#: CPU, memory, running tasks, error lines, stream and step scaling signals, an input's), the experiment's header
#: and one table per observed variant, so at most 61 of CloudWatch's 500 (tests/constructs/test_dashboard.py).
MAX_GRAPH_LINES = 100


def dashboard_lines(specs: Sequence[VariantSpec]) -> int:
    """The lines of the fullest graph of a pipeline's dashboard (only observed variants count): two per variant
    (its value and its desired tasks or its difference from control), or the stream graph's, where a signal per
    task is three queries (the signal, the running tasks, their quotient)."""
    observed = [spec for spec in specs if spec.observability is not None]
    backlogs = [spec.settings.autoscaling.backlog for spec in observed if spec.settings.autoscaling]
    stream = sum(3 if backlog.source == "sqs" or backlog.per_task else 1 for backlog in backlogs if backlog)
    return max(2 * len(observed), stream)


def dashboard_fits(pipeline: str, specs: Sequence[VariantSpec]) -> list[Problem]:
    """Each graph of a pipeline's dashboard has at most 100 lines (`dashboard_lines`)."""
    lines = dashboard_lines(specs)
    if lines <= MAX_GRAPH_LINES:
        return []
    why = (
        f"a graph of the pipeline's dashboard would have {lines} lines (every variant's), over CloudWatch's "
        f"{MAX_GRAPH_LINES}: split the variants across pipelines, or set observability.enabled false on some"
    )
    return [Problem(f"pipelines.{pipeline}.variants", why, len(specs))]


ECS_TAG = Source(
    "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html",
    "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either keys or values "
    "as it is reserved for AWS use.",
)

#: Every AWS rule checked at validate, in the order their problems are reported.
AWS_RULES: tuple[AwsRule, ...] = (
    AwsRule(
        id="fargate-spot-x86-only",
        title="Fargate Spot runs only x86_64 Linux tasks",
        keys=("pipelines.<pipeline>.architecture", "pipelines.<pipeline>.fargate_spot_weight"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html",
                "Linux tasks with the ARM64 architecture don't support the Fargate Spot capacity provider. "
                "Fargate Spot only supports Linux tasks with the X86_64 architecture.",
            ),
        ),
        check=spot_runs_x86_only,
    ),
    AwsRule(
        id="alarm-topic-same-region",
        title="Alarm and event notifications go to SNS topics of the stack's region",
        keys=("observability.alarm_topic_arns", "observability.deployment_failure_events", "region"),
        sources=(
            Source(
                "https://github.com/cds-snc/notification-terraform/pull/128",
                "Creating metric alarm failed: ValidationError: Invalid region ca-central-1 specified. Only "
                "us-west-2 is supported.",
            ),
            Source(
                "https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification",
                "The targets you associate with a rule must be in the same Region as the rule.",
            ),
        ),
        check=alarm_topics_in_region,
    ),
    AwsRule(
        id="log-kms-key-same-region",
        title="A log group is encrypted with a KMS key of its own region",
        keys=("pipelines.<pipeline>.log_kms_key_arn", "cluster.exec_logging.log_kms_key_arn", "region"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
                "Creates a multi-Region primary key that you can replicate into other Amazon Web Services Regions.",
            ),
        ),
        check=log_key_in_region,
    ),
    AwsRule(
        id="arns-in-stack-partition",
        title="Every ARN the config references is in the stack's partition",
        keys=(
            "pipelines.<pipeline>.repository_arn",
            "pipelines.<pipeline>.secrets",
            "pipelines.<pipeline>.secrets_kms_key_arns",
            "pipelines.<pipeline>.log_kms_key_arn",
            "pipelines.<pipeline>.task_role_policy_arns",
            "pipelines.<pipeline>.sidecars.<sidecar>",
            "cluster.exec_logging",
            "observability.alarm_topic_arns",
            "region",
        ),
        sources=(
            Source(
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
                "The partition in which the resource is located. A partition is a group of AWS Regions. Each AWS "
                "account is scoped to one partition.",
            ),
        ),
        check=arns_in_partition,
    ),
    AwsRule(
        id="fargate-task-size",
        title="Task cpu and memory are a Fargate task size",
        keys=("pipelines.<pipeline>.cpu", "pipelines.<pipeline>.memory"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html",
                "For tasks hosted on Fargate, the following table shows the valid CPU and memory combinations.",
            ),
        ),
        enforced_by="resolve.fits_fargate (fargate.size_problem)",
    ),
    AwsRule(
        id="fargate-ephemeral-storage",
        title="Ephemeral storage is 21-200 GiB when set",
        keys=("pipelines.<pipeline>.ephemeral_storage",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html",
                "The minimum supported value is 21 GiB and the maximum supported value is 200 GiB.",
            ),
        ),
        enforced_by="model.ContainerSettings.ephemeral_storage (fargate.EPHEMERAL_STORAGE_GIB)",
    ),
    AwsRule(
        id="fargate-stop-timeout",
        title="stopTimeout is at most 120 s on Fargate",
        keys=("pipelines.<pipeline>.stop_timeout",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
                "For tasks that use the Fargate launch type, the max stop timeout value is 120 seconds and if the "
                "parameter is not specified, the default value of 30 seconds is used.",
            ),
        ),
        enforced_by="model.ContainerSettings.stop_timeout",
    ),
    AwsRule(
        id="tag-reserved-prefix",
        title="Tag keys and values do not start with aws: (in any case)",
        keys=("tags", "pipelines.<pipeline>.tags"),
        sources=(ECS_TAG,),
        enforced_by="model.TagKey, model.TagValue",
    ),
    AwsRule(
        id="tags-per-resource",
        title="At most 50 tags on a resource, every level's counted",
        keys=("tags", "pipelines.<pipeline>.tags"),
        sources=(Source(ECS_TAG.url, "Maximum number of tags per resource - 50"),),
        enforced_by="resolve.tags_within_limit",
    ),
    AwsRule(
        id="subnets-at-most-16",
        title="A service's network configuration names at most 16 subnets",
        keys=("network.subnet_ids",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html",
                "There's a limit of 16 subnets that can be specified.",
            ),
        ),
        enforced_by="model.NetworkConfig.subnet_ids",
    ),
    AwsRule(
        id="execution-role-policy-size",
        title="The execution role's inline policy fits IAM's 10,240 characters",
        keys=(
            "pipelines.<pipeline>.secrets",
            "pipelines.<pipeline>.sidecars.<sidecar>.secrets",
            "pipelines.<pipeline>.secrets_kms_key_arns",
        ),
        sources=(
            Source(
                "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html",
                "Role policy size cannot exceed 10,240 characters.",
            ),
        ),
        check=execution_policy_fits,
    ),
    AwsRule(
        id="task-definition-size",
        title="A task definition is at most 64 KiB",
        keys=(
            "pipelines.<pipeline>.environment",
            "pipelines.<pipeline>.secrets",
            "pipelines.<pipeline>.command",
            "pipelines.<pipeline>.entry_point",
            "pipelines.<pipeline>.sidecars.<sidecar>",
        ),
        sources=(
            Source(
                "https://github.com/awsdocs/amazon-ecs-developer-guide/pull/149",
                "Actual length: '66420'. Max allowed length is '65536' bytes.",
            ),
        ),
        check=task_definition_fits,
    ),
    AwsRule(
        id="dashboard-graph-lines-at-most-100",
        title="A graph of a pipeline's dashboard has at most 100 lines (every variant's overlaid)",
        keys=("pipelines.<pipeline>.variants", "observability.enabled", "pipelines.<pipeline>.autoscaling.backlog"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html",
                "One metrics array can include 1–100 metrics and expressions.",
            ),
        ),
        enforced_by="aws_rules.dashboard_fits (per pipeline, from resolve.resolve_pipeline)",
    ),
    AwsRule(
        id="containers-per-task-at-most-10",
        title="A task definition has at most 10 containers (the main one and 9 sidecars)",
        keys=("pipelines.<pipeline>.sidecars",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html",
                "Containers per task definition Each supported Region: 10 No The maximum number of containers "
                "definitions within a task definition.",
            ),
        ),
        enforced_by="model.ContainerSettings.sidecars",
    ),
    AwsRule(
        id="log-retention-values",
        title="Log retention is one of the periods CloudWatch Logs offers",
        keys=("pipelines.<pipeline>.log_retention_days", "cluster.exec_logging.log_retention_days"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
                "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, "
                "2192, 2557, 2922, 3288, and 3653.",
            ),
        ),
        enforced_by="model.Retention",
    ),
    AwsRule(
        id="health-check-ranges",
        title="Health check interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s",
        keys=("pipelines.<pipeline>.health_check", "pipelines.<pipeline>.sidecars.<sidecar>.health_check"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html",
                "The time period in seconds between each health check execution. You may specify between 5 and "
                "300 seconds.",
            ),
        ),
        enforced_by="container.HealthCheck",
    ),
    AwsRule(
        id="ulimit-names",
        title="Ulimits are among the names ECS accepts",
        keys=("pipelines.<pipeline>.ulimits", "pipelines.<pipeline>.sidecars.<sidecar>.ulimits"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Ulimit.html",
                "Valid Values: core | cpu | data | fsize | locks | memlock | msgqueue | nice | nofile | nproc | rss "
                "| rtprio | rttime | sigpending | stack",
            ),
        ),
        enforced_by="container.UlimitName",
    ),
    AwsRule(
        id="capacity-weight-above-zero",
        title="At least one capacity provider has a weight above 0",
        keys=("pipelines.<pipeline>.fargate_weight", "pipelines.<pipeline>.fargate_spot_weight"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html",
                "When multiple capacity providers are specified within a capacity provider strategy, at least one "
                "of the capacity providers must have a weight value greater than zero and any capacity providers "
                "with a weight of 0 can't be used to place tasks.",
            ),
        ),
        enforced_by="resolve.capacity_weights",
    ),
    AwsRule(
        id="deployment-can-progress",
        title="Deployment percents let ECS start or stop a task at every task count the service may have",
        keys=(
            "pipelines.<pipeline>.deployment.minimum_healthy_percent",
            "pipelines.<pipeline>.deployment.maximum_percent",
            "pipelines.<pipeline>.desired_count",
            "pipelines.<pipeline>.autoscaling",
        ),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html",
                "The maximumPercent parameter represents an upper limit on the number of your service's tasks "
                "that are allowed in the RUNNING or PENDING state during a deployment, as a percentage of the "
                "desiredCount (rounded down to the nearest integer).",
            ),
        ),
        enforced_by="deployment.stalls (deployment.resolve_deployment)",
    ),
    AwsRule(
        id="alarm-actions-at-most-5",
        title="An alarm notifies at most 5 topics",
        keys=("observability.alarm_topic_arns",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
                "Array Members: Maximum number of 5 items.",
            ),
        ),
        enforced_by="observability.ObservabilityConfig.alarm_topic_arns",
    ),
    AwsRule(
        id="alarm-evaluation-within-a-day",
        title="An alarm evaluates at most one day of datapoints (its minutes are at most 1,440)",
        keys=(
            "observability.tasks_below_desired_minutes",
            "observability.stream_lag_minutes",
            "observability.saturation_minutes",
            "pipelines.<pipeline>.autoscaling.steps.scale_out_minutes",
            "pipelines.<pipeline>.autoscaling.steps.scale_in_minutes",
        ),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
                "For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't "
                "be longer than one day (86,400 seconds).",
            ),
        ),
        enforced_by="observability.Minutes, autoscaling.MAX_STEP_MINUTES",
    ),
    AwsRule(
        id="scheduled-actions-at-most-200",
        title="A service has at most 200 scheduled scaling actions",
        keys=("pipelines.<pipeline>.autoscaling.schedules",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-quotas.html",
                "Scheduled actions per scalable target 200 No",
            ),
        ),
        enforced_by="autoscaling.AutoscalingConfig.schedules",
    ),
    AwsRule(
        id="step-adjustments-at-most-20",
        title="A step scaling policy has at most 20 steps (the default quota)",
        keys=("pipelines.<pipeline>.autoscaling.steps.scale_out", "pipelines.<pipeline>.autoscaling.steps.scale_in"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-quotas.html",
                "Step adjustments per step scaling policy 20 Yes",
            ),
        ),
        enforced_by="autoscaling.MAX_STEPS",
    ),
    AwsRule(
        id="alarm-name-characters",
        title="Alarm names are 1-255 characters without control characters",
        keys=("pipelines.<pipeline>.deployment.extra_alarm_names",),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
                "The name must contain only UTF-8 characters, and can't contain ASCII control characters",
            ),
        ),
        enforced_by="deployment.AlarmName",
    ),
    AwsRule(
        id="security-group-rule-description",
        title="A security group rule's description uses only what EC2 accepts, up to 255 characters",
        keys=("network.egress", "pipelines.<pipeline>.egress"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpRange.html",
                "Constraints: Up to 255 characters in length. Allowed characters are a-z, A-Z, 0-9, spaces, and "
                "._-:/()#,@[]+=&;{}!$*",
            ),
        ),
        enforced_by="model.EgressRule.description",
    ),
    AwsRule(
        id="iam-tag-characters",
        title="Tags use only what IAM accepts (they land on the roles), keys up to 128 and values up to 256",
        keys=("tags", "pipelines.<pipeline>.tags"),
        sources=(
            Source(
                "https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html",
                "Pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
            ),
        ),
        enforced_by="model.TagKey, model.TagValue",
    ),
)


@dataclass(frozen=True)
class LeftToAws:
    """A constraint AWS documents that validate does not check, and why."""

    what: str
    keys: tuple[str, ...]
    why: str


#: What AWS checks at apply (or later) that validate deliberately does not, each with the reason.
LEFT_TO_AWS: tuple[LeftToAws, ...] = (
    LeftToAws(
        "A secret in another region than the stack",
        ("pipelines.<pipeline>.secrets",),
        "ECS reads it there: \u201cIf the parameter exists in a different Region, then the full ARN must be "
        "specified\u201d ([ECS API reference, Secret](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/"
        "API_Secret.html)); the config takes full ARNs only.",
    ),
    LeftToAws(
        "An ECR repository in another region",
        ("pipelines.<pipeline>.repository_arn",),
        "Fargate pulls across regions (at data transfer cost); nothing fails.",
    ),
    LeftToAws(
        "That what the config references exists: the VPC and its subnets (and that they are private), the image "
        "tag or digest, secrets and parameters, SNS topics, KMS keys (and key policies that let CloudWatch Logs "
        "use them), managed policies, `extra_alarm_names`, queues, streams and metrics",
        (
            "network",
            "pipelines.<pipeline>.repository_arn",
            "pipelines.<pipeline>.secrets",
            "observability.alarm_topic_arns",
            "pipelines.<pipeline>.task_role_policy_arns",
            "pipelines.<pipeline>.autoscaling",
        ),
        "`validate` runs offline, without credentials; `terraform plan` and apply read the account. A missing "
        "image or secret fails when a task starts (the deployment circuit breaker rolls it back), not at apply.",
    ),
    LeftToAws(
        "Security group rules per group (60 outbound by default; each CIDR block of an `egress` rule is one)",
        ("network.egress", "pipelines.<pipeline>.egress"),
        "An adjustable account quota: refusing above the default would refuse accounts that raised it.",
    ),
    LeftToAws(
        "Account and regional quotas: Fargate vCPUs per region, services per cluster, tasks per service, IAM "
        "roles per account, managed policies per role above 10",
        ("pipelines.<pipeline>.desired_count", "pipelines.<pipeline>.autoscaling.max", "pipelines"),
        "Adjustable per account and region; validate cannot know the account's values. Task counts are capped at "
        "1,000 per service and managed policies at 10 per role (the defaults) by the schema.",
    ),
    LeftToAws(
        "Fargate Spot capacity",
        ("pipelines.<pipeline>.fargate_spot_weight",),
        "Capacity varies by zone and time; tasks ECS cannot place on Spot wait (a `fargate_base` on-demand floor "
        "keeps some running).",
    ),
    LeftToAws(
        "The exact size of a task definition, of the execution role's policy and of a dashboard body",
        ("pipelines.<pipeline>.environment", "pipelines.<pipeline>.secrets", "pipelines.<pipeline>.variants"),
        "Validate refuses what is certainly over (a lower bound: the config's own strings, above); the rest of "
        "each document is the generator's and small. No byte limit of a dashboard body is stated in the "
        "PutDashboard reference; its graphs' lines (100 each) are checked above.",
    ),
    LeftToAws(
        "Subnets in Availability Zones Fargate supports (in some regions only some zones: e.g. us-west-1 "
        "usw1-az1 and usw1-az3, ap-northeast-1 apne1-az1, apne1-az2 and apne1-az4)",
        ("network.subnet_ids",),
        "A subnet ID does not say its zone; validate runs offline ([Supported Regions for Amazon ECS on AWS "
        "Fargate](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AWS_Fargate-Regions.html)).",
    ),
    LeftToAws(
        "Metric math limits of alarms and dashboard lines",
        ("observability", "pipelines.<pipeline>.autoscaling.backlog"),
        "The expressions are the generator's own, not config: each alarm reads at most two metrics.",
    ),
)


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def registry_problems(rules: Sequence[AwsRule] = AWS_RULES) -> list[str]:
    """What is wrong with a registry: ids unique and kebab-case, each rule with keys, a source (https URL
    and a quoted sentence) and either a check or where it is enforced."""
    found = []
    ids = [rule.id for rule in rules]
    found += [f"{rule_id}: registered twice" for rule_id in sorted({i for i in ids if ids.count(i) > 1})]
    for rule in rules:
        if not _ID.fullmatch(rule.id):
            found.append(f"{rule.id}: an id is lower-case words joined by -")
        if not rule.keys:
            found.append(f"{rule.id}: names no config key")
        if not rule.sources or any(not s.url.startswith("https://") or not s.quote for s in rule.sources):
            found.append(f"{rule.id}: needs a source with an https URL and a quoted sentence")
        if (rule.check is None) == (not rule.enforced_by):
            found.append(f"{rule.id}: needs either a check or enforced_by, not both")
    return found


def problems(subject: Subject) -> list[Problem]:
    """The problems every checked rule finds in one variant, in registry order."""
    return [problem for rule in AWS_RULES if rule.check is not None for problem in rule.check(subject)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(rules: Sequence[AwsRule] = AWS_RULES, left: Sequence[LeftToAws] = LEFT_TO_AWS) -> str:
    """The generated part of docs/aws-rules.md: one row per rule, then what is left to AWS and why."""
    lines = ["| rule | what AWS requires | config keys | AWS source |", "|---|---|---|---|"]
    for rule in rules:
        keys = ", ".join(f"`{key}`" for key in rule.keys)
        sources = "<br>".join(
            f"[{s.url.removeprefix('https://')}]({s.url}): \u201c{s.quote}\u201d" for s in rule.sources
        )
        lines.append(f"| `{rule.id}` | {_cell(rule.title)} | {keys} | {_cell(sources)} |")
    lines += ["", "## Left to AWS, deliberately", "", "| what | config keys | why it is not refused |", "|---|---|---|"]
    for item in left:
        keys = ", ".join(f"`{key}`" for key in item.keys)
        lines.append(f"| {_cell(item.what)} | {keys} | {_cell(item.why)} |")
    return "\n".join(lines)


#: Where the generated part of the document starts and ends.
MARKERS = Markers(BEGIN, END)
generated_part = MARKERS.part
splice = MARKERS.splice


if _wrong := registry_problems():
    raise LookupError("; ".join(_wrong))
