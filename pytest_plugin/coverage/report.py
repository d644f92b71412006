"""Glue from a `Coverage` to the engine's analysis and text report.

Choosing the files (data, morfs, --include/--omit) and converting between
Python objects and the engine's rows happens here; parsing the sources
(in parallel, without the GIL) and rendering the table happen in Rust.
"""

from __future__ import annotations

import os
import types
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from coverage.exceptions import NoDataError, NoSource, NotPython
from coverage.files import GlobMatcher, canonical_filename, prep_patterns, relative_filename
from coverage.inorout import source_for_file
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage


@dataclass
class Analysis:
    """The statements, exclusions and misses of one file."""

    filename: str
    display_name: str
    statements: set[int]
    excluded: set[int]
    executed: set[int]
    missing: set[int] = field(init=False)

    def __post_init__(self) -> None:
        self.missing = self.statements - self.executed

    def missing_formatted(self, branches: bool = False) -> str:
        """The Missing column: line ranges such as "3-5, 9"."""
        return _engine.format_lines(sorted(self.statements), sorted(self.missing), None)

    def row(self) -> tuple[Any, ...]:
        """The engine's report row for this file (no branch data yet)."""
        return (
            self.display_name,
            len(self.statements),
            len(self.excluded),
            len(self.missing),
            0,
            0,
            0,
            self.missing_formatted(),
        )


def _morf_filename(morf: Any) -> str:
    """The source file of a module object or file name."""
    if isinstance(morf, types.ModuleType):
        filename = getattr(morf, "__file__", None)
        if not filename:
            raise NoSource(f"module {morf.__name__} has no file")
        morf = filename
    return canonical_filename(source_for_file(os.fspath(morf)))


def _should_be_python(filename: str) -> bool:
    """Only files that look like Python sources must parse as Python."""
    _, ext = os.path.splitext(filename)
    return ext.startswith(".py") or not ext


def _files_to_report(cov: Coverage, morfs: Any) -> list[tuple[str, str]]:
    """(data file name, source file name) pairs, filtered by include/omit."""
    data = cov.get_data()
    if not morfs:
        names = [(name, name) for name in data.measured_files()]
    else:
        if not isinstance(morfs, (list, tuple, set)):
            morfs = [morfs]
        names = []
        for morf in morfs:
            source = _morf_filename(morf)
            names.append((cov._file_mapper(source), source))
    config = cov.config
    if config.report_include:
        matcher = GlobMatcher(prep_patterns(config.report_include), "report_include")
        names = [pair for pair in names if matcher.match(canonical_filename(pair[1]))]
    if config.report_omit:
        matcher = GlobMatcher(prep_patterns(config.report_omit), "report_omit")
        names = [pair for pair in names if not matcher.match(canonical_filename(pair[1]))]
    if not names:
        raise NoDataError("No data to report.")
    return sorted(names, key=lambda pair: pair[1])


def analyze_files(cov: Coverage, files: list[tuple[str, str]]) -> list[Analysis]:
    """Analyze `files` in parallel; apply coverage's error rules."""
    data = cov.get_data()
    sources = [canonical_filename(source) for _, source in files]
    results = _engine.analyze_files(sources, cov._exclude_regex("exclude") or None)
    analyses = []
    for (data_name, _), source, result in zip(files, sources, results, strict=True):
        if isinstance(result, BaseException):
            if isinstance(result, NotPython) and not _should_be_python(source):
                continue
            if not cov.config.ignore_errors:
                raise result
            if isinstance(result, NotPython):
                cov._warn(f"Couldn't parse Python file '{source}'", slug="couldnt-parse")
            else:
                cov._warn(f"Couldn't parse '{source}': {result}".rstrip(), slug="couldnt-parse")
            continue
        statements, excluded, multiline = result
        executed = {multiline.get(line, line) for line in data.lines(data_name) or ()}
        analyses.append(Analysis(source, relative_filename(source), set(statements), set(excluded), executed))
    return analyses


def analyze_morf(cov: Coverage, morf: Any) -> Analysis:
    """The analysis of one module or file, errors raised."""
    source = _morf_filename(morf)
    [analysis] = analyze_files(cov, [(cov._file_mapper(source), source)])
    return analysis


def summary_report(cov: Coverage, morfs: Any, outfile: IO[str]) -> float:
    """Write the text report for `morfs` (default: all measured files)."""
    config = cov.config
    analyses = analyze_files(cov, _files_to_report(cov, morfs))
    text, total = _engine.render_text_report([a.row() for a in analyses], config.engine(), False)
    outfile.write(text)
    return total
