"""pipelines.yaml edited in place: ruamel.yaml's round-trip tree for values, and line edits for keys added
to or removed from a block mapping, so that comments outside the edited part stay byte for byte (pure).

ruamel keeps a comment on the node before it; removing or appending a key through the tree would lose or
move the comments that follow it. So `add` and `remove` of a block mapping's key work on lines: a key's
lines run from the comments directly above it to its last line, and the comments after it at its own
indentation or less belong to what follows.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from ..config import ConfigError, Problem

Path = tuple[str, ...]
#: Where the file cannot be edited without changing lines the edit does not mean to touch.
HAND_EDIT = "edit it by hand"


@dataclass(frozen=True)
class _LineEdit:
    kind: str  # "add" or "remove"
    path: Path
    value: Any = None


class Document:
    """One config file's tree; `set`, `add` and `remove`, then `render` the edited text."""

    def __init__(self, text: str, source: str) -> None:
        try:
            _, indent, offset = load_yaml_guess_indent(text)
            self._yaml = YAML()
            self._yaml.preserve_quotes = True
            self._yaml.width = 4096  # never fold a long value onto a second line
            self._yaml.indent(mapping=2, sequence=indent or 2, offset=offset or 0)
            self.root: CommentedMap = self._yaml.load(text)
        except YAMLError as err:
            problem = Problem("", f"{source} cannot be edited in place ({_first_line(err)}); {HAND_EDIT}")
            raise ConfigError([problem]) from None
        if _aliased(text):
            raise ConfigError(
                [
                    Problem(
                        "",
                        f"{source} uses YAML anchors or aliases (`&name`, `*name`, `<<:`): a copied or removed key "
                        f"would change what refers to it; {HAND_EDIT}",
                    )
                ]
            )
        if self._dump(self.root) != text:
            raise ConfigError(
                [Problem("", f"{source}: its layout (indentation, line breaks) cannot be kept in an edit; {HAND_EDIT}")]
            )
        self._pending: list[_LineEdit] = []

    def get(self, path: Path) -> Any:
        """The value at `path`, None when a key on the way is missing (as written: before `add`/`remove`)."""
        node: Any = self.root
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def set(self, path: Path, value: Any) -> None:
        """Replace the value of an existing key; its comments stay."""
        self.get(path[:-1])[path[-1]] = value

    def add(self, path: Path, value: Any) -> None:
        """A new key at the end of the mapping at `path[:-1]`."""
        parent = self.get(path[:-1])
        if _flow(parent) or not parent:
            parent[path[-1]] = value
        else:
            self._pending.append(_LineEdit("add", path, value))

    def remove(self, path: Path) -> None:
        """Remove a key with its lines and the comments directly above it."""
        parent = self.get(path[:-1])
        if _flow(parent):
            del parent[path[-1]]
        else:
            self._pending.append(_LineEdit("remove", path))

    def render(self) -> str:
        """The edited text: the tree's values, then the keys added and removed, line by line."""
        text = self._dump(self.root)
        if not self._pending:
            return text
        tree = self._yaml.load(text)
        lines = text.splitlines(keepends=True)
        edits: list[tuple[int, int, list[str]]] = []  # (first line, end line, new lines)
        for edit in self._pending:
            parent = _at(tree, edit.path[:-1])
            if edit.kind == "remove":
                first, end = _span(lines, parent, edit.path[-1])
                edits.append((first, end, []))
            else:
                last = list(parent)[-1]
                _, end = _span(lines, parent, last)
                column = parent.lc.key(last)[1]
                block = self._dump(CommentedMap([(edit.path[-1], edit.value)]))
                edits.append((end, end, [" " * column + line if line.strip() else line for line in _lines(block)]))
        # Bottom up, so earlier line numbers hold; keys added at one place go in the order they were added.
        order = sorted(range(len(edits)), key=lambda i: (edits[i][0], edits[i][1], i), reverse=True)
        for first, end, new in (edits[i] for i in order):
            lines[first:end] = new
        return "".join(lines)

    def _dump(self, data: Any) -> str:
        stream = io.StringIO()
        self._yaml.dump(data, stream)
        return stream.getvalue()


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _at(tree: Any, path: Path) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _flow(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and bool(node.fa.flow_style())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _blank(line: str) -> bool:
    return not line.strip()


def _follows(line: str, column: int) -> bool:
    """Content of what follows a key at `column`: at that indentation or less."""
    return not _blank(line) and not _comment(line) and _indent(line) <= column


def _between(line: str, column: int) -> bool:
    """A blank line, or a comment at `column` or less: it belongs to what follows, not to the key before it."""
    return _blank(line) or (_comment(line) and _indent(line) <= column)


def _span(lines: list[str], parent: CommentedMap, key: Any) -> tuple[int, int]:
    """The lines [first, end) of `key` in the block mapping `parent`: the comments directly above it at its
    indentation, the key, its value; not the blank lines and outer comments after it."""
    first, column = parent.lc.key(key)
    keys = list(parent)
    following = keys.index(key) + 1
    if following < len(keys):
        end = parent.lc.key(keys[following])[0]
    else:
        end = next((i for i in range(first + 1, len(lines)) if _follows(lines[i], column)), len(lines))
    while end - 1 > first and _between(lines[end - 1], column):
        end -= 1
    while first > 0 and _comment(lines[first - 1]) and _indent(lines[first - 1]) == column:
        first -= 1
    return first, end


def _aliased(text: str) -> bool:
    """Whether the YAML text anchors a node or refers to one."""
    return any(
        isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)
        for event in yaml.parse(text, yaml.SafeLoader)
    )


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def plain(node: Any) -> Any:
    """A copy of `node` without its comments (a copied block must not carry the comments around the
    original, which may describe the next key); flow style and quoting are kept."""
    if isinstance(node, dict):
        copied = CommentedMap((key, plain(value)) for key, value in node.items())
        if _flow(node):
            copied.fa.set_flow_style()
        return copied
    if isinstance(node, list):
        items = CommentedSeq(plain(value) for value in node)
        if _flow(node):
            items.fa.set_flow_style()
        return items
    return copy.copy(node)


def quoted(value: str) -> DoubleQuotedScalarString:
    """A string written in double quotes: an image tag such as 2026-12-01 must not read back as a date."""
    return DoubleQuotedScalarString(value)


def shown(value: Any) -> str:
    """A value on one line as YAML flow writes it: `2`, `v2`, `{MODEL_VERSION: v2}`, `[a, b]`."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {shown(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def same(left: Any, right: Any) -> bool:
    """Equal as data (`2` and `2.0` alike; comments and quoting aside)."""
    return _data(left) == _data(right)


def _data(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _data(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_data(value) for value in node]
    if isinstance(node, str):
        return str(node)
    return node
