"""What reviewers fear, found in a list of resource changes (pure).

- `orphans`: the provider's region changes while the state stays: Terraform looks for every regional
  resource in the new region, finds none and creates them anew; the old ones keep running unmanaged,
  and global ones (IAM) it replaces or deletes are taken from under them;
- `replace`: a resource is destroyed and created again (an ECS service: its tasks stop); a
  variant renamed (removed while another appears in the same pipeline) counts too;
- `data_loss`: a resource that holds data is destroyed or replaced;
- `security`: a grant widened on what already runs (`security.find`), ECS Exec turned on or the
  cluster's exec configuration changed (`dangers_service.find`); what something new grants (a new
  role, security group or service, a policy on an adopted role) is no danger by itself: it is listed
  as new access (`security.new_access`);
- `safety`: a deployment made less safe: rollback off, minimum healthy 0, deployment alarms removed,
  `wait_for_steady_state` off (`dangers_service.find`);
- `shared`: something every variant depends on changes (shared resources, the provider, the
  state backend);
- `isolation`: a variant's resources change although its own config block did not (by the
  config fingerprints the stack records; not checked when an output lacks them); under a plan, a
  resource created or imported is no such change (it is missing from AWS, or adopted);
- `shared_data`: after the change two variants share an input or an output namespace they did not
  share before (`namespaces`: one SQS queue both may receive from, competing consumers; overlapping S3
  object patterns both may write): the A/B comparison reads a part of the stream or mixed features;
- `observability`: an alarm, metric filter, dashboard or deployment event rule is destroyed: what
  would notice a broken variant goes away (not a step scaling alarm, which runs a scaling policy and
  watches nothing: removing scaling is no danger);
- `plan_fails`: a change the AWS provider rejects as written;
- `adoption`: a resource the plan imports (`adopt:`) is then replaced or destroyed: adopting must
  never take down what runs (docs/adopting.md). An import updated in place is what adopting means: it
  is no `shared` or `isolation` danger; what it widens (egress) still is a `security` one.

Under a plan every finder reads Terraform's before/after (`ResourceChange.before`/`after`), never the
synthesized outputs' bodies: a danger is raised only where the plan holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import dangers_service, namespaces, security
from .changes import CREATE, DELETE, IMPORT, REPLACE, UPDATE, ResourceChange, stack_variants
from .diff import AFTER_APPLY, diff_values
from .forcenew import GLOBAL, HOLDS_DATA, NEEDS_FORCE_NEW_DEPLOYMENT, PROVIDER_SOURCE
from .outputs import Stack
from .owners import Owner, owner_of

KINDS = (
    "orphans",
    "adoption",
    "replace",
    "data_loss",
    "security",
    "safety",
    "shared",
    "isolation",
    "shared_data",
    "observability",
    "plan_fails",
)
#: What watches the variants (`constructs.observability`): destroying one is an `observability` danger.
OBSERVABILITY_TYPES = frozenset(
    {
        "aws_cloudwatch_dashboard",
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_log_metric_filter",
        "aws_cloudwatch_metric_alarm",
    }
)


@dataclass(frozen=True)
class Danger:
    """One thing a reviewer must look at: its kind (KINDS), where, and why."""

    kind: str
    address: str
    stack: str
    detail: str


def _short(paths: list[str]) -> str:
    return ", ".join(paths[:4]) + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")


#: Why Terraform replaces, by the plan's `action_reason`, when no attribute forces it.
_REASONS = {
    "replace_by_request": "asked for (-replace)",
    "replace_by_triggers": "its replace_triggered_by changed",
    "replace_because_tainted": "it is tainted",
}


def _replace(change: ResourceChange) -> Danger:
    if change.forces_replacement:
        why = f"changes to {_short(change.forces_replacement)} force it"
    else:
        why = _REASONS.get(change.reason or "", "as planned")
    effect = (
        "its tasks stop and start again (an outage)" if change.type == "aws_ecs_service" else "destroyed, then created"
    )
    return Danger("replace", change.address, change.stack, f"replaced ({why}): {effect}")


def _adoption(change: ResourceChange) -> Danger:
    forced = f" ({_short(change.forces_replacement)} force it)" if change.forces_replacement else ""
    verb = "replaced" if change.action == REPLACE else "destroyed"
    return Danger(
        "adoption",
        change.address,
        change.stack,
        f"imported ({change.importing}), then {verb}{forced}: the running resource is destroyed instead of adopted; "
        "make the config match it (docs/adopting.md)",
    )


def _renames(changes: list[ResourceChange]) -> list[Danger]:
    """A variant that disappears while another appears in the same pipeline: its service is
    destroyed, the new one created."""
    gone: dict[tuple[str, str | None], list[ResourceChange]] = {}
    added: dict[tuple[str, str | None], set[Owner]] = {}
    for change in changes:
        if change.owner.variant and change.type == "aws_ecs_service":
            key = (change.stack, change.owner.pipeline)
            if change.action == DELETE:
                gone.setdefault(key, []).append(change)
            elif change.action == CREATE:
                added.setdefault(key, set()).add(change.owner)
    dangers = []
    for key, removed in gone.items():
        for change in removed if key in added else []:
            others = ", ".join(sorted(str(o) for o in added[key]))
            dangers.append(
                Danger(
                    "replace",
                    change.address,
                    change.stack,
                    f"{change.owner} is removed while {others} is added (a rename?): the service is destroyed "
                    "and a new one created; its tasks stop (an outage) and its history goes with it",
                )
            )
    return dangers


def _data_loss(change: ResourceChange) -> Danger | None:
    """A data-holding resource destroyed or replaced, unless `skip_destroy` keeps it."""
    if change.action not in (DELETE, REPLACE):
        return None
    if (change.before or {}).get("skip_destroy") is True:
        return None
    verb = "destroyed" if change.action == DELETE else "replaced"
    return Danger("data_loss", change.address, change.stack, f"{verb}: {HOLDS_DATA[change.type]}")


def _shared(change: ResourceChange) -> Danger:
    scope = f"every variant of {change.owner.pipeline}" if change.owner.pipeline else "every variant"
    what = _short(list(dict.fromkeys(a.path for a in change.attributes))) or "the whole resource"
    return Danger("shared", change.address, change.stack, f"{change.action} ({what}): {scope} depends on it")


def _observability(change: ResourceChange) -> Danger:
    return Danger(
        "observability", change.address, change.stack, f"destroyed: {change.owner} is no longer watched by it"
    )


def _runs_scaling(change: ResourceChange) -> bool:
    """Whether the alarm's actions run an Application Auto Scaling policy (a step scaling alarm): a
    reference to one (synthesized) or its ARN (a plan)."""
    actions = (change.before or {}).get("alarm_actions") or ()
    return any(
        str(action).startswith("${aws_appautoscaling_policy.") or ":scalingPolicy:" in str(action) for action in actions
    )


def _plan_fails(change: ResourceChange, head: Stack | None) -> Danger | None:
    attribute = NEEDS_FORCE_NEW_DEPLOYMENT.get(change.type)
    if change.action != UPDATE or not attribute or not head:
        return None
    if not any(a.schema_path.startswith(attribute) for a in change.attributes):
        return None
    if head.resources.get(change.address, {}).get("force_new_deployment") is True:
        return None
    return Danger(
        "plan_fails",
        change.address,
        change.stack,
        f"{attribute} changes without force_new_deployment = true: the AWS provider rejects the plan "
        f"({PROVIDER_SOURCE} PR #43533; older providers replace the service instead)",
    )


def _isolation(changes: list[ResourceChange], base: Stack | None, head: Stack | None, *, planned: bool) -> list[Danger]:
    if not (base and head and base.variants and head.variants):
        return []
    by_variant: dict[Owner, list[ResourceChange]] = {}
    for change in changes:
        if planned and (change.action in (CREATE, IMPORT) or change.importing is not None):
            continue
        if change.owner.variant and change.owner.stem in base.variants and change.owner.stem in head.variants:
            by_variant.setdefault(change.owner, []).append(change)
    dangers = []
    for owner, touched in by_variant.items():
        was, now = base.variants[owner.stem], head.variants[owner.stem]
        if was.get("own_config") != now.get("own_config"):
            continue
        cause = (
            f"pipeline {owner.pipeline}'s settings"
            if was.get("pipeline_config") != now.get("pipeline_config")
            else "top-level settings (network, cluster, tags), a shared resource or the generator itself"
        )
        first = next((c for c in touched if c.type == "aws_ecs_service"), touched[0])
        others = [c.address for c in touched if c is not first]
        also = f" (also {_short(others)})" if others else ""
        dangers.append(
            Danger(
                "isolation",
                first.address,
                first.stack,
                f"{owner} changes although its own config did not{also}; the change comes from {cause}",
            )
        )
    return dangers


def _taken(changes: list[ResourceChange], region: str | None) -> str:
    """What a region change destroys of the global resources the old region's ones still use."""
    gone = [c.address for c in changes if c.type in GLOBAL and c.action in (REPLACE, DELETE)]
    if not gone:
        return ""
    return (
        f"; global resources are found, not recreated: {_short(gone)} are destroyed (replaced or deleted), "
        f"although the resources left in {region} still use them"
    )


def _settings(changes: list[ResourceChange], base: Stack | None, head: Stack | None) -> list[Danger]:
    """The provider and the state backend: every resource of the stack depends on them."""
    if not (base and head):
        return []
    dangers = []
    same_state = _portable(base.backend) == _portable(head.backend)
    moved = same_state and base.region != head.region
    if moved:
        dangers.append(
            Danger(
                "orphans",
                "provider.aws",
                head.name,
                f"the region changes from {base.region} to {head.region} with the same state: Terraform looks for "
                f"every regional resource in {head.region}, finds none and creates them anew, while those in "
                f"{base.region} keep running (and billing), no longer managed by Terraform"
                f"{_taken(changes, base.region)}; destroy them first, or give the new region its own state",
            )
        )
    provider = [a for a in diff_values(base.provider, head.provider) if not (moved and a.schema_path == "aws.region")]
    if provider:
        changed = _short(list(dict.fromkeys(a.path for a in provider)))
        dangers.append(
            Danger("shared", "provider.aws", head.name, f"the AWS provider changes ({changed}): every resource sees it")
        )
    if not same_state:
        dangers.append(
            Danger(
                "shared",
                "terraform.backend",
                head.name,
                "the state backend changes: Terraform will not find the existing state unless it is migrated "
                "(terraform init -migrate-state); otherwise it plans to create everything again",
            )
        )
    return dangers


def _portable(backend: dict) -> dict:
    """A backend without the absolute local path (it differs between two checkouts)."""
    local = backend.get("local")
    if isinstance(local, dict) and "path" in local:
        return {**backend, "local": {**local, "path": str(local["path"]).rsplit("/", 1)[-1]}}
    return backend


@dataclass(frozen=True)
class Changes:
    """What every finder reads: one stack's resource changes and, when known, its two outputs.

    `inferred`: the changes come from comparing two outputs (no plan), so what the AWS provider
    would reject is checked too."""

    changes: list[ResourceChange]
    base: Stack | None
    head: Stack | None
    inferred: bool

    @property
    def stack(self) -> str:
        return (self.head or self.base).name  # type: ignore[union-attr]


def _adoptions(found: Changes) -> list[Danger]:
    return [_adoption(c) for c in found.changes if c.importing is not None and c.action in (REPLACE, DELETE)]


def _replacements(found: Changes) -> list[Danger]:
    return [_replace(c) for c in found.changes if c.action == REPLACE and not c.new_revision and c.importing is None]


def _variant_renames(found: Changes) -> list[Danger]:
    return _renames(found.changes)


def _data_losses(found: Changes) -> list[Danger]:
    return [d for c in found.changes if c.type in HOLDS_DATA and (d := _data_loss(c))]


def _shared_resources(found: Changes) -> list[Danger]:
    return [
        _shared(c)
        for c in found.changes
        if not c.owner.variant
        and c.action in (UPDATE, REPLACE, DELETE)
        and c.importing is None  # adopted: an import replaced or destroyed is an `adoption` danger
        and not (c.type in OBSERVABILITY_TYPES and c.action == UPDATE)  # a dashboard edit stops nothing
    ]


def _stack_settings(found: Changes) -> list[Danger]:
    return _settings(found.changes, found.base, found.head)


def _grants(found: Changes) -> list[Danger]:
    return [
        Danger("security", address, found.stack, detail)
        for address, detail in security.find(found.changes, found.base, found.head, planned=not found.inferred)
    ]


def _services(found: Changes) -> list[Danger]:
    return [Danger(kind, address, found.stack, detail) for kind, address, detail in dangers_service.find(found.changes)]


def _variant_isolation(found: Changes) -> list[Danger]:
    return _isolation(found.changes, found.base, found.head, planned=not found.inferred)


def _policies(found: Changes, side: str) -> list[tuple[str, Owner, Any]]:
    """Every policy document of one side (`before`, `after`) with its address and owner. Without a plan:
    the base's or the head's bodies. Under a plan: a policy the plan changes, from its before or after
    (the head's body where Terraform knows it only after the apply), every other one from the head's
    body (as written: the plan found it matches AWS)."""
    variants = stack_variants(found.base, found.head)
    if found.inferred:
        stack = found.base if side == "before" else found.head
        resources = stack.resources if stack else {}
        return [
            (address, owner_of(address, body, variants), body.get("policy"))
            for address, body in resources.items()
            if address.split(".", 1)[0] in namespaces.POLICY_TYPES
        ]
    head = found.head.resources if found.head else {}
    changed = {c.address: c for c in found.changes if c.type in namespaces.POLICY_TYPES}
    documents = []
    for address in [*head, *(a for a in changed if a not in head)]:
        if address.split(".", 1)[0] not in namespaces.POLICY_TYPES:
            continue
        change = changed.get(address)
        if change is None:
            documents.append((address, owner_of(address, head[address], variants), head[address].get("policy")))
            continue
        values = change.before if side == "before" else change.after
        policy = (values or {}).get("policy")
        if policy == AFTER_APPLY:
            policy = head.get(address, {}).get("policy")
        documents.append((address, change.owner, policy))
    return documents


def _queue_names(found: Changes) -> dict[str, str]:
    """Queue resource name -> its queue name, from both outputs and the plan."""
    names: dict[str, str] = {}
    bodies = [stack.resources for stack in (found.base, found.head) if stack]
    bodies.append({c.address: c.after or c.before or {} for c in found.changes})
    for resources in bodies:
        for address, body in resources.items():
            kind, _, name = address.partition(".")
            if kind == "aws_sqs_queue" and isinstance(body.get("name"), str) and body["name"] != AFTER_APPLY:
                names[name] = body["name"]
    return names


#: Why sharing is a danger, by kind.
_SHARING = {
    namespaces.INPUT: "both may receive from SQS queue {what}: SQS hands each message to one of them (competing "
    "consumers), so each variant sees only part of the stream and the A/B comparison is biased",
    namespaces.OUTPUT: "both may write {what}: the variants overwrite each other's features and the A/B "
    "comparison reads mixed data",
}


def _data_sharing(found: Changes) -> list[Danger]:
    """Variants that share an input queue or an output namespace after the changes and did not before."""
    queues = _queue_names(found)
    before_uses = namespaces.uses(_policies(found, "before"), queues)
    was = namespaces.shared(before_uses)
    old = {(use.owner, use.kind, use.what) for use in before_uses}
    dangers = []
    for (kind, first, second), pair in namespaces.shared(namespaces.uses(_policies(found, "after"), queues)).items():
        if (kind, first, second) in was:
            continue
        grown = [use for use in pair if (use.owner, use.kind, use.what) not in old] or list(pair)
        what = " and ".join(dict.fromkeys(use.what for use in pair))
        dangers.append(
            Danger(
                "shared_data",
                grown[-1].address,
                found.stack,
                f"{first} and {second} come to share their {kind}: {_SHARING[kind].format(what=what)} "
                "(docs/data-isolation.md)",
            )
        )
    return dangers


def _unwatched(found: Changes) -> list[Danger]:
    return [
        _observability(c)
        for c in found.changes
        if c.type in OBSERVABILITY_TYPES and c.action == DELETE and not _runs_scaling(c)
    ]


def _rejected(found: Changes) -> list[Danger]:
    return [d for c in found.changes if (d := _plan_fails(c, found.head))] if found.inferred else []


#: Every finder and the kinds it reports, run in this order (within a kind, dangers keep it).
FINDERS: tuple[tuple[Callable[[Changes], list[Danger]], tuple[str, ...]], ...] = (
    (_adoptions, ("adoption",)),
    (_replacements, ("replace",)),
    (_variant_renames, ("replace",)),
    (_data_losses, ("data_loss",)),
    (_shared_resources, ("shared",)),
    (_stack_settings, ("orphans", "shared")),
    (_grants, ("security",)),
    (_services, ("security", "safety")),
    (_variant_isolation, ("isolation",)),
    (_data_sharing, ("shared_data",)),
    (_unwatched, ("observability",)),
    (_rejected, ("plan_fails",)),
)
assert {kind for _, kinds in FINDERS for kind in kinds} == set(KINDS), "every kind has a finder, every finder a kind"


def find(changes: list[ResourceChange], base: Stack | None, head: Stack | None, *, inferred: bool) -> list[Danger]:
    """Every danger in one stack's changes (`FINDERS`), in KINDS order."""
    found = Changes(changes, base, head, inferred)
    dangers = [danger for finder, _ in FINDERS for danger in finder(found)]
    return sorted(dangers, key=lambda d: KINDS.index(d.kind))


@dataclass(frozen=True)
class Access:
    """What something new grants (a new role, security group, service; a policy on an adopted role):
    no danger by itself, listed for the reviewer."""

    address: str
    stack: str
    detail: str


def new_access(
    changes: list[ResourceChange], base: Stack | None, head: Stack | None, *, inferred: bool
) -> list[Access]:
    """Every grant of something new in one stack's changes."""
    stack = (head or base).name  # type: ignore[union-attr]
    found = security.new_access(changes, base, head, planned=not inferred) + dangers_service.exec_access(changes)
    return [Access(address, stack, detail) for address, detail in found]
