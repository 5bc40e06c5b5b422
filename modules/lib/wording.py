"""Wording shared by messages of the commands and the export (pure)."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """'1 variant', '2 variants'."""
    return f"{count} {word}{'s' * (count != 1)}"
