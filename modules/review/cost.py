"""The Fargate cost of each variant of a synthesized stack, read from its JSON (pure).

Task definitions give vCPU, memory, architecture and ephemeral storage; services give the
desired count and capacity provider weights; an `aws_appautoscaling_target` of the variant, when
there is one, gives min and max tasks; the provider block gives the region. Priced with the
config's own prices and Spot discount when the stack recorded them (`//.pricing`), else the built-in
ones and the default Spot assumption (`modules.cost`), which the report states.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..config.errors import Problem
from ..config.pricing import PricingConfig
from ..cost.model import Tasks, VariantCost, Workload, price
from ..cost.prices import FREE_STORAGE_GIB
from .diff import references
from .outputs import Stack
from .owners import Owner, owner_of, variants_in

_ARCHITECTURES = {"X86_64": "x86_64", "ARM64": "arm64"}
PRICING = PricingConfig()
"""Built-in prices, the default Spot discount: what a stack that recorded no `pricing:` is priced with."""


def _block(value: Any) -> dict[str, Any]:
    """A nested block as cdktf writes it: a dict, or a list of one dict."""
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


def _weights(service: dict[str, Any]) -> tuple[int, int, int]:
    """FARGATE weight, FARGATE_SPOT weight, FARGATE base."""
    strategy = service.get("capacity_provider_strategy") or [{"capacity_provider": "FARGATE", "weight": 1}]
    weights = {item.get("capacity_provider"): int(item.get("weight", 0)) for item in strategy}
    base = next((int(item.get("base") or 0) for item in strategy if item.get("capacity_provider") == "FARGATE"), 0)
    return weights.get("FARGATE", 0), weights.get("FARGATE_SPOT", 0), base


def workloads(stack: Stack) -> list[Workload]:
    """One Workload per ECS service whose task definition is in the stack."""
    variants = variants_in(stack.resources, stack.variants.values())
    scaling: dict[Owner, Tasks] = {}
    for address, body in stack.resources.items():
        if address.startswith("aws_appautoscaling_target."):
            low, high = int(body.get("min_capacity", 0)), int(body.get("max_capacity", 0))
            scaling[owner_of(address, body, variants)] = Tasks(low, high)
    found = []
    for address, service in stack.resources.items():
        if not address.startswith("aws_ecs_service."):
            continue
        task_refs = [ref.address for ref in references(service) if ref.path == "task_definition"]
        task = stack.resources.get(task_refs[0]) if task_refs else None
        if not task or "cpu" not in task or "memory" not in task:
            continue
        owner = owner_of(address, service, variants)
        count = int(service.get("desired_count", 0))
        fargate, spot, base = _weights(service)
        platform = _block(task.get("runtime_platform"))
        storage = _block(task.get("ephemeral_storage")).get("size_in_gib", FREE_STORAGE_GIB)
        found.append(
            Workload(
                stack=stack.name,
                region=stack.region or "",
                pipeline=owner.pipeline or "",
                variant=owner.variant or address.split(".", 1)[1],
                vcpu=Decimal(str(task["cpu"])) / 1024,
                memory_gib=Decimal(str(task["memory"])) / 1024,
                architecture=_ARCHITECTURES.get(platform.get("cpu_architecture", "X86_64"), "x86_64"),
                storage_gib=int(storage),
                tasks=scaling.get(owner, Tasks(count, count)),
                fargate_weight=fargate,
                spot_weight=spot,
                fargate_base=base,
            )
        )
    return found


@dataclass(frozen=True)
class CostDelta:
    """Monthly USD of one variant before and after (None: not there, or not priced)."""

    stack: str
    pipeline: str
    variant: str
    base: Decimal | None
    head: Decimal | None
    spot: bool = False
    """Some of its tasks run on FARGATE_SPOT (in base or head): priced with the assumed discount."""
    base_unpriced: bool = False
    """The variant is in base, but there are no prices for its region and architecture."""
    head_unpriced: bool = False
    spot_discount: float = PRICING.spot_discount
    """The Spot discount the head (else the base) is priced with."""
    own_prices: bool = False
    """The head (else the base) recorded the config's own `pricing:`."""

    @property
    def delta(self) -> Decimal | None:
        """head - base (a side without the variant counts 0); None when a side has no prices."""
        if self.base_unpriced or self.head_unpriced:
            return None
        return (self.head or Decimal(0)) - (self.base or Decimal(0))


Key = tuple[str, str]


def _monthly(stack: Stack | None) -> tuple[dict[Key, VariantCost], set[Key], list[Problem]]:
    """The priced variants of a stack, the ones without prices, and why."""
    if stack is None:
        return {}, set(), []
    found = workloads(stack)
    costs, problems = price(found, stack.pricing)
    priced = {(c.workload.pipeline, c.workload.variant): c for c in costs}
    return priced, {(w.pipeline, w.variant) for w in found} - set(priced), problems


def deltas(base: Stack | None, head: Stack | None) -> tuple[list[CostDelta], list[Problem]]:
    """Per variant of either side, its monthly cost in base and head; problems for missing prices."""
    name = (head or base).name  # type: ignore[union-attr]
    before, base_unpriced, base_problems = _monthly(base)
    after, head_unpriced, head_problems = _monthly(head)
    keys = dict.fromkeys([*before, *sorted(base_unpriced), *after, *sorted(head_unpriced)])
    rows = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        rows.append(
            CostDelta(
                name,
                key[0],
                key[1],
                old.usd_per_month if old else None,
                new.usd_per_month if new else None,
                spot=any(cost.workload.spot_share for cost in (old, new) if cost),
                base_unpriced=key in base_unpriced,
                head_unpriced=key in head_unpriced,
                spot_discount=(head or base).pricing.spot_discount,  # type: ignore[union-attr]
                own_prices=(head or base).pricing != PRICING,  # type: ignore[union-attr]
            )
        )
    return rows, list(dict.fromkeys(base_problems + head_problems))
