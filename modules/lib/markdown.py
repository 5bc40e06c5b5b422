"""Values in Markdown as data, never structure (pure): every value the review and the import table
print goes through `text` or `code`, so that a name, tag or environment value from a pull request
cannot end a table cell or row, start a heading, list, quote or HTML block (`<!--`, `<details>`),
emphasize, link, or close a code span (CommonMark 0.31 and GitHub Flavored Markdown).

Characters that Markdown does not show (line breaks, tabs, other controls and separators, bidi
overrides, lone surrogates) are written as escapes (`\\n`, `\\u202e`): they stay visible and
cannot break a line.
"""

from __future__ import annotations

import json
import re

#: Inline structure anywhere on a line: backslash escapes, code spans, emphasis, links and images,
#: HTML and autolinks, entities, table cells, strikethrough, GitHub's math; and `#`, which a heading
#: drops when it ends the line after a space (its closing sequence).
_INLINE = re.compile(r"[\\`*\[\]<&|~$#]|_+")
#: Block structure where a line starts: headings, quotes, lists, thematic breaks, setext underlines.
_BLOCK_START = re.compile(r"[#>+=-]|[0-9]+(?=[.)])")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: An @-mention: GitHub notifies the user or team it names, whoever wrote the value. A zero-width space
#: after the `@` (an entity, so it is written as text) shows the same and notifies nobody.
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def _visible(text: str) -> str:
    """`text` with every character that is not printable (Python's `str.isprintable`: controls,
    separators but the space, format characters, surrogates) written as an escape."""
    if text.isprintable():
        return text
    return "".join(
        char
        if char.isprintable()
        else _ESCAPES.get(char, f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        for char in text
    )


def text(value: object) -> str:
    """`value` as inline text that shows exactly its characters, wherever it stands: in a table
    cell, a heading, a list item or at the start of a line.

    Runs of spaces become one; a value of spaces only, or none, is shown quoted (`""`). Markdown's
    inline punctuation is backslash-escaped (`_` only where it could emphasize: an underscore
    between letters or digits never does). An `@` before a name is followed by a zero-width space, so
    that a value never mentions (notifies) a GitHub user or team.
    """
    words = " ".join(_visible(str(value)).split()) or json.dumps(str(value))
    escaped = _MENTION.sub("@&#8203;", _INLINE.sub(lambda match: _inline(match, words), words))
    start = _BLOCK_START.match(escaped)
    if start is None:
        return escaped
    if start[0][0].isdigit():
        return f"{start[0]}\\{escaped[start.end() :]}"
    return f"\\{escaped}"


def _inline(match: re.Match[str], words: str) -> str:
    found = match[0]
    if found[0] != "_":
        return "\\" + found
    before = words[match.start() - 1] if match.start() > 0 else " "
    after = words[match.end()] if match.end() < len(words) else " "
    return found if before.isalnum() and after.isalnum() else "\\_" * len(found)


def code(value: str) -> str:
    """`value` as a code span in a table cell (its `|` escaped, as GFM tables require: outside a
    table the backslash would show). A value with characters Markdown does not show is shown as a
    JSON string, its escapes visible (so is an empty one, or one with spaces at either end)."""
    plain = value.isprintable() and value.strip(" ") == value != ""
    shown = value if plain else _visible(json.dumps(value, ensure_ascii=False))
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    padded = f" {shown} " if shown[0] == "`" or shown[-1] == "`" else shown
    return fence + padded.replace("|", "\\|") + fence
