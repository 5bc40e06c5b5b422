"""Fargate task size rules (pure functions, no cdktf).

Source: docs.aws.amazon.com/AmazonECS/latest/userguide/task-cpu-memory-error.html
(read 2026-11-28). Task CPU is given in vCPU and memory in GiB, as in the config.
"""

from __future__ import annotations

from decimal import Decimal

#: vCPU -> (lowest GiB, highest GiB, step GiB); 0.25 vCPU is the one irregular row.
_RANGES: dict[Decimal, tuple[Decimal, Decimal, Decimal]] = {
    Decimal("0.5"): (Decimal(1), Decimal(4), Decimal(1)),
    Decimal(1): (Decimal(2), Decimal(8), Decimal(1)),
    Decimal(2): (Decimal(4), Decimal(16), Decimal(1)),
    Decimal(4): (Decimal(8), Decimal(30), Decimal(1)),
    Decimal(8): (Decimal(16), Decimal(60), Decimal(4)),
    Decimal(16): (Decimal(32), Decimal(120), Decimal(8)),
}
_QUARTER_VCPU = (Decimal("0.5"), Decimal(1), Decimal(2))

#: The architectures Fargate Spot runs: "Fargate Spot only supports Linux tasks with the X86_64 architecture"
#: (ECS developer guide, Fargate capacity providers).
SPOT_ARCHITECTURES = frozenset({"x86_64"})

EPHEMERAL_STORAGE_GIB = (21, 200)
"""Configurable ephemeral storage range; Fargate gives 20 GiB when it is not set."""


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def valid_cpus() -> list[float]:
    """The task CPU sizes Fargate accepts, in vCPU."""
    return [0.25, *(float(c) for c in _RANGES)]


def valid_memories(cpu: float) -> list[float]:
    """Every memory size (GiB) Fargate accepts with `cpu` vCPU; empty for an invalid CPU."""
    vcpu = Decimal(str(cpu))
    if vcpu == Decimal("0.25"):
        return [float(m) for m in _QUARTER_VCPU]
    if vcpu not in _RANGES:
        return []
    low, high, step = _RANGES[vcpu]
    count = int((high - low) / step) + 1
    return [float(low + step * i) for i in range(count)]


def describe_memories(cpu: float) -> str:
    """Human text for the memory sizes valid with `cpu`, e.g. '2-8 GiB in steps of 1'."""
    vcpu = Decimal(str(cpu))
    if vcpu == Decimal("0.25"):
        return "0.5, 1 or 2 GiB"
    low, high, step = _RANGES[vcpu]
    return f"{_fmt(low)}-{_fmt(high)} GiB in steps of {_fmt(step)}"


def size_problem(cpu: float, memory: float) -> tuple[str, str] | None:
    """None for a valid Fargate task size, else (the key at fault, why and what is valid)."""
    cpus = valid_cpus()
    if cpu not in cpus:
        listed = ", ".join(_fmt(Decimal(str(c))) for c in cpus)
        return "cpu", f"not a Fargate task size; valid vCPU: {listed}"
    if memory not in valid_memories(cpu):
        return "memory", f"does not fit cpu {_fmt(Decimal(str(cpu)))}: use {describe_memories(cpu)}"
    return None


def runs_on_spot(architecture: str) -> bool:
    """Whether FARGATE_SPOT places tasks of `architecture` (x86_64 only; arm64 tasks never run on Spot)."""
    return architecture in SPOT_ARCHITECTURES


def cpu_units(cpu: float) -> int:
    """vCPU -> ECS CPU units (1 vCPU = 1024)."""
    return int(Decimal(str(cpu)) * 1024)


def memory_mib(memory: float) -> int:
    """GiB -> MiB as the task definition wants it."""
    return int(Decimal(str(memory)) * 1024)
