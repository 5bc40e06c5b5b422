"""AWS's own rules, checked at validate: what AWS refuses at apply (or would never run) is refused here.

Each rule is registered in `AWS_RULES` with its id, the config keys it reads and the AWS documentation
it follows (URL and quoted sentence). A rule across keys, or one that needs the stack's region, is a small
pure function over one variant's merged settings in its stack (`Subject`), run by `resolve.resolve_pipeline`;
a rule of one value is enforced by that value's type in the schema (`enforced_by` names the function or
type). docs/aws-rules.md lists them all (`python -m modules.config.reference --write` writes it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..lib.generated_text import Markers
from . import fargate
from .errors import Problem
from .observability import ObservabilityConfig, merge_layers, partition_of

if TYPE_CHECKING:
    from .model import ExecLoggingConfig
    from .resolve import MergedVariant

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
        if key is not None and region is not None and key.split(":")[3] != region
    ]


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


def render(rules: Sequence[AwsRule] = AWS_RULES) -> str:
    """The generated table of docs/aws-rules.md: one row per rule."""
    lines = ["| rule | what AWS requires | config keys | AWS source |", "|---|---|---|---|"]
    for rule in rules:
        keys = ", ".join(f"`{key}`" for key in rule.keys)
        sources = "<br>".join(
            f"[{s.url.removeprefix('https://')}]({s.url}): \u201c{s.quote}\u201d" for s in rule.sources
        )
        lines.append(f"| `{rule.id}` | {_cell(rule.title)} | {keys} | {_cell(sources)} |")
    return "\n".join(lines)


#: Where the generated part of the document starts and ends.
MARKERS = Markers(BEGIN, END)
generated_part = MARKERS.part
splice = MARKERS.splice


if _wrong := registry_problems():
    raise LookupError("; ".join(_wrong))
