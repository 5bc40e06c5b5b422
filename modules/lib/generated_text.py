"""A generated part of a hand-written document, between two marker lines (pure text, no dependency)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Markers:
    """The lines that open and close the generated part of a document."""

    begin: str
    end: str

    def part(self, document: str) -> str:
        """The text between the markers of `document`; ValueError when they are missing."""
        start, end = document.find(self.begin), document.find(self.end)
        if start < 0 or end < start:
            raise ValueError(f"no '{self.begin}' ... '{self.end}' markers")
        return document[start + len(self.begin) : end].strip("\n")

    def splice(self, document: str, generated: str) -> str:
        """`document` with the text between its markers replaced by `generated`."""
        self.part(document)  # the markers are there, in order
        head, rest = document.split(self.begin, 1)
        _, tail = rest.split(self.end, 1)
        return f"{head}{self.begin}\n{generated}\n{self.end}{tail}"
