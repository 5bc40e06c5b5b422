"""Config problems: one line each, naming the dotted path, the bad value and what is valid."""

from __future__ import annotations

import datetime
import difflib
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

_MISSING = object()


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config."""

    path: str
    message: str
    value: Any = _MISSING

    def __str__(self) -> str:
        shown = "" if self.value is _MISSING else f" (got {_show(self.value)})"
        return printable(f"{self.path or '<top level>'}: {self.message}{shown}")


class ConfigError(Exception):
    """A config that cannot be synthesized; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def printable(text: str) -> str:
    """`text` on one line: a line break or other unprintable character escaped as Python writes it."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = ""
    for piece in _repr_pieces(value, depth=0):
        text += piece
        if len(text) > 80:  # stop rendering: a value may be huge (aliases) or deep
            break
    return text if len(text) <= 80 else text[:77] + "..."


def _repr_pieces(value: Any, depth: int) -> Iterator[str]:
    """`repr(value)` piece by piece, so a caller can stop early; lists and mappings opened lazily."""
    if depth > 20:
        yield "..."
    elif type(value) is dict:
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ", " * (index > 0)
            yield from _repr_pieces(key, depth + 1)
            yield ": "
            yield from _repr_pieces(item, depth + 1)
        yield "}"
    elif type(value) is list:
        yield "["
        for index, item in enumerate(value):
            yield ", " * (index > 0)
            yield from _repr_pieces(item, depth + 1)
        yield "]"
    elif isinstance(value, str) and len(value) > 200:
        yield repr(value[:200])
    else:
        yield repr(value)


def join_path(parts: Iterable[Any]) -> str:
    """('pipelines', 'news-encoder', 'cpu') -> 'pipelines.news-encoder.cpu'; list items as [i].

    A key that is empty or holds a dot, space, bracket, quote or an unprintable character (a line
    break) is shown quoted, escapes and all: variants[''], tags['team\\n'].
    """
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part) or not str(part).isprintable() or any(c in str(part) for c in ". []'\""):
            out += f"[{str(part)!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _peel(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type underneath."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model class that owns the last key of `loc` (to list its valid keys)."""
    current: Any = model
    for part in loc[:-1]:
        current = _peel(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _peel(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def did_you_mean(word: object, candidates: Iterable[object]) -> str:
    """`did you mean 'closest'? ` when one of `candidates` is close to `word`, else ''."""
    guess = difflib.get_close_matches(str(word), [str(candidate) for candidate in candidates], n=1)
    return f"did you mean '{guess[0]}'? " if guess else ""


def unknown_key(path: str, key: object, valid: Sequence[str]) -> Problem:
    """`path: unknown key; did you mean '<closest>'? Valid keys: ...`, or `unknown key; valid keys: ...`."""
    hint = did_you_mean(key, valid)
    return Problem(path, f"unknown key; {hint}{'Valid' if hint else 'valid'} keys: {', '.join(valid)}")


def from_validation_error(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Translate pydantic's errors into Problems with the config's own vocabulary."""
    problems = []
    for item in error.errors(include_url=False):
        loc = list(item["loc"])
        kind = item["type"]
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        path = join_path(loc)
        message = item["msg"].removeprefix("Value error, ")
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            problems.append(unknown_key(path, loc[-1], sorted(owner.model_fields) if owner else []))
            continue
        if kind == "missing":
            problems.append(Problem(path, "required key is missing"))
            continue
        if kind == "string_pattern_mismatch":
            message = f"does not match {item['ctx']['pattern']}"
        elif kind == "model_type":
            message = "expected a mapping of settings"
        elif kind == "string_type" and isinstance(item.get("input"), datetime.date):
            message = "expected a string; YAML reads this unquoted value as a date, so quote it"
        problems.append(Problem(path, message, item.get("input", _MISSING)))
    return problems
