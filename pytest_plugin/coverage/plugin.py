"""coverage.py's `coverage.plugin`: the classes plugins and reporters build on.

A plugin is a `CoveragePlugin` its module's `coverage_init(reg, options)`
registers (`coverage.plugin_support`): a configurer changes the settings,
a file tracer claims files, a dynamic context switcher names contexts.

`FileReporter` is the reporting seam: a source file as the reports see it
(its statements, exclusions, arcs and their descriptions). Python files
have `coverage.python.PythonFileReporter`, backed by the engine's analysis.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Iterator
from types import FrameType
from typing import Any

from coverage import files
from coverage.misc import _needs_to_implement

__all__ = ["CodeRegion", "CoveragePlugin", "FileReporter", "FileTracer"]

TLineNo = int
TArc = tuple[int, int]
TSourceTokenLines = Iterator[list[tuple[str, str]]]


class CoveragePlugin:
    """What a plugin subclasses; each method has a do-nothing default but
    `file_reporter`, which a file tracer must give."""

    _coverage_plugin_name: str
    _coverage_enabled: bool

    def file_tracer(self, filename: str) -> FileTracer | None:
        """A FileTracer for `filename` if this plugin measures it, else None."""
        return None

    def file_reporter(self, filename: str) -> FileReporter | str:
        """The FileReporter of a file this plugin traced."""
        _needs_to_implement(self, "file_reporter")

    def dynamic_context(self, frame: FrameType) -> str | None:
        """A context to start at `frame` (ended when it returns), or None."""
        return None

    def find_executable_files(self, src_dir: str) -> Iterable[str]:
        """Files under `src_dir` this plugin reports even if never run."""
        return []

    def configure(self, config: Any) -> None:
        """Change settings through `config.get_option` / `config.set_option`."""

    def sys_info(self) -> Iterable[tuple[str, Any]]:
        """(label, value) pairs for `coverage debug sys`."""
        return []


class CoveragePluginBase:
    """What FileTracer and FileReporter share."""

    _coverage_plugin_name: str
    _coverage_enabled: bool


class FileTracer(CoveragePluginBase):
    """How a plugin maps frames of a file it claimed to source lines."""

    def source_filename(self) -> str:
        """The file to record the lines under."""
        _needs_to_implement(self, "source_filename")

    def has_dynamic_source_filename(self) -> bool:
        """Must `dynamic_source_filename` be asked for each frame?"""
        return False

    def dynamic_source_filename(self, filename: str, frame: FrameType) -> str | None:
        """The source file `frame` runs, or None for a frame not to record."""
        return None

    def line_number_range(self, frame: FrameType) -> tuple[int, int]:
        """The first and last source lines the frame's current line stands for."""
        lineno = frame.f_lineno
        return lineno, lineno


@dataclasses.dataclass
class CodeRegion:
    """A named part of a file (a function, a class) the reports break out."""

    #: The kind of region, one of the singular names `code_region_kinds` gives.
    kind: str
    #: The region's name, qualified (`Class.method`).
    name: str
    #: The first line of the region.
    start: int
    #: Every line of the region that counts as its own.
    lines: set[int]

    def __lt__(self, other: CodeRegion) -> bool:
        """By name, then by first line, as coverage.py sorts them."""
        if self.name == other.name:
            return min(self.lines) < min(other.lines)
        return self.name < other.name


@functools.total_ordering
class FileReporter(CoveragePluginBase):
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
