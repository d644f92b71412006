"""coverage.py's `coverage.plugin`: the classes plugins and reporters build on.

`FileReporter` is the reporting seam: a source file as the reports see it
(its statements, exclusions, arcs and their descriptions). Python files
have `coverage.python.PythonFileReporter`, backed by the engine's analysis.
Loading plugins (`CoveragePlugin`, file tracers) is not built yet.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from coverage import files
from coverage.misc import _needs_to_implement

__all__ = ["FileReporter"]

TLineNo = int
TArc = tuple[int, int]
TSourceTokenLines = Iterator[list[tuple[str, str]]]


@functools.total_ordering
class FileReporter:
    """One source file as reports see it. Subclasses give at least `lines()`.

    The defaults describe a file with no exclusions and no branches; reporters
    compare and sort by file name.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} filename={self.filename!r}>"

    def relative_filename(self) -> str:
        """The name reports show: relative to the current directory when inside it."""
        return files.relative_filename(self.filename)

    def source(self) -> str:
        """The file's text, read as UTF-8."""
        with open(self.filename, encoding="utf-8") as f:
            return f.read()

    def lines(self) -> set[TLineNo]:
        """The line numbers of the file's executable statements."""
        _needs_to_implement(self, "lines")

    def excluded_lines(self) -> set[TLineNo]:
        return set()

    def translate_lines(self, lines: Iterable[TLineNo]) -> set[TLineNo]:
        """Measured lines as reports count them (unchanged by default)."""
        return set(lines)

    def arcs(self) -> set[TArc]:
        """The possible arcs (none by default: no branch coverage)."""
        return set()

    def no_branch_lines(self) -> set[TLineNo]:
        return set()

    def translate_arcs(self, arcs: Iterable[TArc]) -> set[TArc]:
        """Measured arcs as reports count them (unchanged by default)."""
        return set(arcs)

    def exit_counts(self) -> dict[TLineNo, int]:
        """`{line: number of exits}`; lines with more than one are branches."""
        return {}

    def missing_arc_description(self, start: TLineNo, end: TLineNo, executed_arcs: Iterable[TArc] | None = None) -> str:
        return f"Line {start} didn't jump to line {end}"

    def arc_description(self, start: TLineNo, end: TLineNo) -> str:
        return f"jump to line {end}"

    def source_token_lines(self) -> TSourceTokenLines:
        """One list of (kind, text) tokens per source line; by default all plain text."""
        for line in self.source().splitlines():
            yield [("txt", line)]

    def code_regions(self) -> Iterable[Any]:
        return []

    def code_region_kinds(self) -> Iterable[tuple[str, str]]:
        return []

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileReporter) and self.filename == other.filename

    def __lt__(self, other: Any) -> bool:
        return isinstance(other, FileReporter) and self.filename < other.filename

    __hash__ = None  # type: ignore[assignment]
