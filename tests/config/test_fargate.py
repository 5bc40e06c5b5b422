"""Every Fargate task size rule (docs: task-cpu-memory-error.html)."""

import pytest

from modules.config import fargate

TABLE = {
    0.25: [0.5, 1, 2],
    0.5: [1, 2, 3, 4],
    1: list(range(2, 9)),
    2: list(range(4, 17)),
    4: list(range(8, 31)),
    8: list(range(16, 61, 4)),
    16: list(range(32, 121, 8)),
}
VALID = [(cpu, mem) for cpu, mems in TABLE.items() for mem in mems]


def test_table_matches_the_documented_counts():
    assert {cpu: len(fargate.valid_memories(cpu)) for cpu in TABLE} == {
        0.25: 3, 0.5: 4, 1: 7, 2: 13, 4: 23, 8: 12, 16: 12,
    }  # fmt: skip


@pytest.mark.parametrize(("cpu", "memory"), VALID)
def test_every_documented_size_is_valid(cpu, memory):
    assert fargate.size_problem(cpu, memory) is None


@pytest.mark.parametrize(
    ("cpu", "memory", "key", "hint"),
    [
        (0.25, 3, "memory", "0.5, 1 or 2 GiB"),
        (0.25, 0.25, "memory", "0.5, 1 or 2 GiB"),
        (0.5, 5, "memory", "1-4 GiB in steps of 1"),
        (1, 1, "memory", "2-8 GiB in steps of 1"),
        (1, 9, "memory", "2-8 GiB in steps of 1"),
        (2, 3, "memory", "4-16 GiB in steps of 1"),
        (2, 4.5, "memory", "4-16 GiB in steps of 1"),
        (4, 31, "memory", "8-30 GiB in steps of 1"),
        (8, 18, "memory", "16-60 GiB in steps of 4"),
        (8, 64, "memory", "16-60 GiB in steps of 4"),
        (16, 36, "memory", "32-120 GiB in steps of 8"),
        (16, 128, "memory", "32-120 GiB in steps of 8"),
        (3, 8, "cpu", "0.25, 0.5, 1, 2, 4, 8, 16"),
        (32, 240, "cpu", "0.25, 0.5, 1, 2, 4, 8, 16"),
        (0, 1, "cpu", "0.25, 0.5, 1, 2, 4, 8, 16"),
    ],
)
def test_invalid_sizes_name_the_key_and_the_valid_range(cpu, memory, key, hint):
    problem = fargate.size_problem(cpu, memory)
    assert problem is not None
    assert problem[0] == key
    assert hint in problem[1]


def test_units():
    assert fargate.cpu_units(0.25) == 256
    assert fargate.cpu_units(16) == 16384
    assert fargate.memory_mib(0.5) == 512
    assert fargate.memory_mib(120) == 122880
