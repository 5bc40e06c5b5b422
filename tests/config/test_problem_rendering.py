"""A Problem shows at most 80 characters of its value, and renders no more of it than that."""

from __future__ import annotations

from modules.config.errors import Problem


class Counted:
    """A value that counts how often it is rendered."""

    renders = 0

    def __repr__(self) -> str:
        Counted.renders += 1
        return "<counted>"


def test_a_long_list_is_rendered_only_as_far_as_it_is_shown():
    Counted.renders = 0
    line = str(Problem("tags.team", "expected a string", [Counted() for _ in range(10_000)]))
    assert line == "tags.team: expected a string (got " + ("[" + "<counted>, " * 8)[:77] + "...)"
    assert Counted.renders == 8


def test_an_alias_bomb_value_is_shown_cut():
    """10^30 items, all shared (what YAML aliases build): repr() used to render it whole, without end."""
    value: object = ["x"] * 10
    for _ in range(30):
        value = [value] * 10
    line = str(Problem("tags.bomb", "expected a string", value))
    assert line.startswith("tags.bomb: expected a string (got [[[[[[[[[[")
    assert line.endswith("...)") and len(line) == len("tags.bomb: expected a string (got )") + 80


def test_a_short_value_is_shown_as_repr_shows_it():
    value = {"a": [1, "two", None], "b": {"c": 3.5}}
    assert str(Problem("x", "bad", value)) == f"x: bad (got {value!r})"


def test_a_long_string_is_cut_at_80_characters():
    assert str(Problem("x", "bad", "A" * 10_000)) == "x: bad (got '" + "A" * 76 + "...)"
