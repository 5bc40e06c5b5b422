"""Values from a pull request are data in the review's Markdown, never structure: parsed with a real
CommonMark + GFM tables parser (markdown-it-py), a comment keeps its headings, tables, rows and
cells, and each value shows exactly its characters."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from modules.lib.markdown import code, text
from modules.review import report
from modules.review.changes import ResourceChange
from modules.review.cost import CostDelta
from modules.review.dangers import Access, Danger
from modules.review.diff import AFTER_APPLY, AttributeChange
from modules.review.import_table import ImportRow, render
from modules.review.owners import Owner
from modules.review.review import Review
from modules.review.template import Evaluated
from tests.strategies import fuzz

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
#: Inline tokens that are structure: what no value may add or remove.
STRUCTURE = {"strong_open", "em_open", "s_open", "link_open", "image", "html_inline", "code_inline", "hardbreak"}

#: What hostile values write (issue 27): a row that ends the table and claims there is no danger, a comment
#: that hides the rest, a heading, an HTML block, a code span that swallows the next cell.
HOSTILE = [
    "x |\n\n**Dangers: none**\n\n| a | b |",
    "<!--",
    "x\n<!-- hidden",
    "# Plan review",
    "<details><summary>ok</summary>",
    "`` ` ``",
    "a`|`b",
    "\\",
    "a\\|b",
    "a\\",
    "1. item",
    "- item",
    "> quote",
    "---",
    "***",
    "___",
    "[x](https://example.com)",
    "![x](y)",
    "&lt;!--",
    "~~gone~~",
    "_em_ *em* __strong__",
    "snake_case_name",
    "a\u2028b\u2029c\x85d\re\tf",
    "\u202eevil",
    "\ud800",
    "  ",
    "",
    "| --- |",
    "=",
    "$x$",
]


def blocks(markdown: str) -> list[tuple[str, ...]]:
    """The parsed structure: block tokens (tables with their rows and cells) and structural inline tokens."""
    found: list[tuple[str, ...]] = []
    for token in PARSER.parse(markdown):
        if token.type != "inline":
            found.append((token.type, token.tag, str(token.markup) if token.type == "heading_open" else ""))
        else:
            found += [(child.type,) for child in token.children or [] if child.type in STRUCTURE]
    return found


def inline_texts(markdown: str) -> list[str]:
    """What each inline part shows (text, escapes and code spans)."""
    return [
        "".join(child.content for child in token.children or []) for token in PARSER.parse(markdown) if token.children
    ]


printable = st.text(st.characters(exclude_categories=("C", "Z"), include_characters=" "), max_size=40).map(
    lambda s: " ".join(s.split(" "))
)
anything = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("where", ["| {} | x |", "- {}", "### {}", "{}", "New stack: {}"])
def test_text_changes_no_structure_where_it_stands(value, where):
    table = "| a | b |\n|---|---|\n" if where.startswith("|") else ""
    assert blocks(table + where.format(text(value))) == blocks(table + where.format("x"))


@settings(deadline=None)
@given(printable)
def test_text_shows_exactly_its_characters(value):
    words = " ".join(part for part in value.split(" ") if part) or json.dumps(value)
    expected = re.sub("@(?=[A-Za-z0-9])", "@\u200b", words)
    for where in ("| {} | x |", "- {}", "### {}"):
        table = "| a | b |\n|---|---|\n" if where.startswith("|") else ""
        texts = inline_texts(table + where.format(text(value)))
        assert (texts[-2] if table else texts[0]) == expected


@settings(deadline=None)
@given(printable.filter(lambda s: s and s.strip(" ") == s))
def test_code_shows_exactly_its_characters_in_a_cell(value):
    tokens = [t for t in PARSER.parse(f"| a | b |\n|---|---|\n| {code(value)} | x |") if t.type == "inline"]
    (span,) = tokens[2].children
    assert (span.type, span.content) == ("code_inline", value)


def test_a_value_never_mentions_a_user_or_team():
    """GitHub notifies whoever `@name` names in a comment: a value from a pull request must not."""
    for value in ("@octocat", "ping @org/team now", "x@y"):
        shown = inline_texts(f"- {text(value)}")[0]
        assert shown == value.replace("@", "@\u200b")
        assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", shown)


def test_what_markdown_does_not_show_is_written_as_an_escape():
    assert text("a\nb\u202ec") == "a\\\\nb\\\\u202ec"
    assert inline_texts(text("a\nb\u202ec")) == ["a\\nb\\u202ec"]
    assert code("line\nbreak") == '`"line\\nbreak"`'
    assert (code(""), text(""), code(" a")) == ('`""`', '""', '`" a"`')


def _review(values: Any) -> Review:
    """A review with every kind of line and cell, each string drawn from `values`."""
    stack, other = next(values), next(values)
    owner = Owner(next(values), next(values))
    changes = [
        ResourceChange(
            stack,
            next(values),
            owner,
            "replace",
            [
                AttributeChange(next(values), next(values), next(values)),
                AttributeChange(next(values), {next(values): [next(values)]}, Evaluated(next(values))),
                AttributeChange(next(values), None, AFTER_APPLY),
            ],
            [next(values), next(values)],
            next(values),
        ),
        ResourceChange(other, next(values), Owner(next(values)), "create", importing=next(values)),
    ]
    return Review(
        changes=changes,
        dangers=[Danger("replace", next(values), stack, next(values)), Danger("security", next(values), other, "x")],
        access=[Access(next(values), stack, next(values))],
        costs=[CostDelta(stack, next(values), next(values), Decimal(1), Decimal(2), spot=True)],
        notes=[next(values), next(values)],
        stacks_added=[other],
        stacks_removed=[next(values)],
    )


def placeholders() -> Any:
    return (f"v{i}" for i in count())


@fuzz(150)
@given(st.lists(anything, min_size=40, max_size=40), st.lists(anything, min_size=2, max_size=2, unique=True))
def test_a_review_keeps_its_headings_tables_and_rows_whatever_the_values(values, stacks):
    hostile = _review(iter([*stacks, *values]))
    assert blocks(report.markdown(hostile)) == blocks(report.markdown(_review(placeholders())))
    assert json.loads(report.as_json(hostile))["notes"] == hostile.notes, "JSON keeps the values as they are"


@fuzz(100)
@given(st.lists(anything, min_size=8, max_size=8))
def test_the_import_table_keeps_its_rows_whatever_the_values(values):
    def rows(v: Any) -> list[ImportRow]:
        return [ImportRow(next(v), next(v), next(v), (next(v), next(v)), (next(v),)), ImportRow("s", "a", "i", ())]

    assert blocks(render(rows(iter(values)))) == blocks(render(rows(placeholders())))


def test_the_summary_in_json_is_plain_text():
    result = _review(iter(["s_1", "t*2", *(f"v{i}" for i in range(40))]))
    summary = json.loads(report.as_json(result))["summary"]
    assert summary.startswith("2 dangers (replace 1, security 1): 2 resources change in s_1: v0/v1; t*2: ")
