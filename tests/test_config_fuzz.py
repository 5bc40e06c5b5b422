"""Random mutations of real configs through `synth`: exit 0 or 2, never a traceback, nothing written on 2."""

from __future__ import annotations

import copy
import math
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

from modules.cli import main
from modules.output_dir import is_output
from tests.helpers import DEFAULT_DATA, ROOT
from tests.strategies import fuzz

BASES = [
    DEFAULT_DATA,
    *(yaml.safe_load((ROOT / "examples" / name).read_text()) for name in ("environments.yaml", "all-features.yaml")),
]

#: Values a hand-edited config could hold where another was expected.
values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.sampled_from(["", "Asia", "UTC", "A" * 300, "cron(0 22 ? * MON-FRI *)", "1:2", "../x", "${var.x}"]),
        st.dates(),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value in `data` (mapping keys and list indexes)."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated_configs(draw: st.DrawFn) -> str:
    """A base config with 1-3 values replaced (by anything, null, NaN or infinity), deleted, added or
    listed twice, or its text cut or spliced."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(data)[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "null", "non-finite", "newline", "duplicate", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "null":  # an optional key written empty (`key:` or `key: null`)
            parent[path[-1]] = None
        elif action == "non-finite":
            parent[path[-1]] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
        elif action == "newline":  # a trailing line break (a `|` block scalar keeps one), on a value or a key
            value = parent[path[-1]]
            if isinstance(value, str):
                parent[path[-1]] = f"{value}\n"
            elif isinstance(parent, dict):
                parent[f"{path[-1]}\n"] = parent.pop(path[-1])
        elif action == "duplicate":  # a list entry listed twice
            value = parent[path[-1]]
            if isinstance(value, list) and value:
                value.append(copy.deepcopy(value[draw(st.integers(0, len(value) - 1))]))
            elif isinstance(parent, list):
                parent.append(copy.deepcopy(value))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(values)
        else:
            parent.append(draw(values))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if draw(st.booleans()):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        text = (
            text[:start]
            + draw(st.sampled_from(["", "[", "{", ": ", "&a ", "*a", "? [a]\n: 1", "\t", "- "]))
            + text[end:]
        )
    return text


@fuzz(200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated_configs())
def test_a_mutated_config_synthesizes_or_exits_2_writing_nothing(text):
    with tempfile.TemporaryDirectory(prefix="fuzz.") as scratch:
        config, out = Path(scratch) / "config.yaml", Path(scratch) / "out"
        config.write_text(text, encoding="utf-8")
        code = main(["synth", "--config", str(config), "--out", str(out)])
        event(f"exit {code}")
        assert code in (0, 2)
        if code == 2:
            assert sorted(path.name for path in Path(scratch).iterdir()) == ["config.yaml"]
        else:
            assert is_output(out)
