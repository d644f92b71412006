"""coverage.py's `coverage.python`: Python source files and their reporter.

Reading bytes (from disk or a zip on sys.path) is Python glue; decoding
them and analysing the text is the engine's (ferrocov-analysis), reached
through `coverage.parser.PythonParser`.
"""

from __future__ import annotations

import os
import types
import zipimport
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from coverage.exceptions import CoverageException, NoSource
from coverage.files import canonical_filename, relative_filename, zip_location
from coverage.inorout import source_for_file
from coverage.misc import join_regex
from coverage.parser import PythonParser
from coverage.plugin import FileReporter
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage

__all__ = [
    "PythonFileReporter",
    "get_python_source",
    "get_zip_bytes",
    "read_python_source",
    "source_for_file",
    "source_for_morf",
]

TLineNo = int
TArc = tuple[int, int]


def read_python_source(filename: str) -> bytes:
    """The bytes of `filename`, with CRLF and CR line ends made LF."""
    with open(filename, "rb") as f:
        source = f.read()
    return source.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def get_python_source(filename: str) -> str:
    """The text of a Python source file, on disk or inside a zip file."""
    if os.path.exists(filename):
        source_bytes = read_python_source(filename)
    else:
        zipped = get_zip_bytes(filename)
        if zipped is None:
            raise NoSource(f"No source for code: '{filename}'.", slug="no-source")
        source_bytes = zipped
    return _engine.decode_python_source(source_bytes, filename)


def get_zip_bytes(filename: str) -> bytes | None:
    """The bytes of `filename` when it names a file inside a zip, else None."""
    location = zip_location(filename)
    if location is None:
        return None
    zipfile, inner = location
    try:
        importer = zipimport.zipimporter(zipfile)
    except zipimport.ZipImportError:
        return None
    try:
        return importer.get_data(inner)
    except OSError:
        return None


def source_for_morf(morf: Any) -> str:
    """The source file of a module (or a file name)."""
    if getattr(morf, "__file__", None):
        filename = morf.__file__
    elif isinstance(morf, types.ModuleType):
        raise CoverageException(f"Module {morf} has no file")
    else:
        filename = morf
    return source_for_file(os.fspath(filename))


class PythonFileReporter(FileReporter):
    """The reporter of a Python source file: its analysis through `PythonParser`."""

    def __init__(self, morf: Any, coverage: Coverage | None = None) -> None:
        self.coverage = coverage
        filename = source_for_morf(morf)
        relative = coverage is not None and coverage.config.relative_files
        super().__init__(filename if relative else canonical_filename(filename))
        if hasattr(morf, "__name__"):
            name = morf.__name__.replace(".", os.sep)
            if os.path.basename(filename).startswith("__init__."):
                name += os.sep + "__init__"
            self.relname = name + ".py"
        else:
            self.relname = relative_filename(filename)
        self._source: str | None = None
        self._parser: PythonParser | None = None

    def __repr__(self) -> str:
        return f"<PythonFileReporter {self.filename!r}>"

    def relative_filename(self) -> str:
        return self.relname

    @property
    def parser(self) -> PythonParser:
        """The file's parser, made and run on first use."""
        if self._parser is None:
            exclude = self.coverage._exclude_regex("exclude") if self.coverage is not None else None
            self._parser = PythonParser(filename=self.filename, exclude=exclude)
            self._parser.parse_source()
        return self._parser

    def lines(self) -> set[TLineNo]:
        return self.parser.statements

    def multiline_map(self) -> dict[TLineNo, TLineNo]:
        return self.parser.multiline_map

    def excluded_lines(self) -> set[TLineNo]:
        return self.parser.excluded

    def translate_lines(self, lines: Iterable[TLineNo]) -> set[TLineNo]:
        return self.parser.translate_lines(lines)

    def translate_arcs(self, arcs: Iterable[TArc]) -> set[TArc]:
        return self.parser.translate_arcs(arcs)

    def no_branch_lines(self) -> set[TLineNo]:
        if self.coverage is None:
            return set()
        config = self.coverage.config
        return self.parser.lines_matching(join_regex(config.partial_list + config.partial_always_list))

    def arcs(self) -> set[TArc]:
        return self.parser.arcs()

    def exit_counts(self) -> dict[TLineNo, int]:
        return self.parser.exit_counts()

    def missing_arc_description(self, start: TLineNo, end: TLineNo, executed_arcs: Iterable[TArc] | None = None) -> str:
        return self.parser.missing_arc_description(start, end)

    def arc_description(self, start: TLineNo, end: TLineNo) -> str:
        return self.parser.arc_description(start, end)

    def source(self) -> str:
        if self._source is None:
            self._source = get_python_source(self.filename)
        return self._source

    def should_be_python(self) -> bool:
        """Files named *.py*, or with no extension, must be Python."""
        _, ext = os.path.splitext(self.filename)
        return ext.startswith(".py") or not ext
