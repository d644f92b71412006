"""Glue from a `Coverage` to the engine's analysis and text report.

Choosing the files (data, morfs, --include/--omit) and converting between
Python objects and the engine's rows happens here; parsing the sources
(in parallel, without the GIL) and rendering the table happen in Rust.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from coverage.exceptions import NoDataError, NoSource, NotPython
from coverage.files import GlobMatcher, canonical_filename, prep_patterns, relative_filename, zip_location
from coverage.inorout import source_for_file
from coverage.misc import join_regex
from coverage.python import get_python_source
from coverage.results import Analysis
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage


def _morf_source(morf: Any) -> str:
    """The source file of a module object or file name, as it names itself
    (coverage.py's `source_for_morf`: not made canonical)."""
    if isinstance(morf, types.ModuleType):
        filename = getattr(morf, "__file__", None)
        if not filename:
            raise NoSource(f"module {morf.__name__} has no file")
        morf = filename
    return source_for_file(os.fspath(morf))


def _morf_filename(morf: Any) -> str:
    """The canonical source file of a module object or file name."""
    return canonical_filename(_morf_source(morf))


def _should_be_python(filename: str) -> bool:
    """Only files that look like Python sources must parse as Python."""
    _, ext = os.path.splitext(filename)
    return ext.startswith(".py") or not ext


def _files_to_report(cov: Coverage, morfs: Any) -> list[tuple[str, str]]:
    """(data file name, source file name) pairs, filtered by include/omit."""
    data = cov.get_data()
    if not morfs:
        # The data is read under the name the file mapper gives the file's
        # reporter name (canonical unless relative_files), as in coverage.py:
        # a relative name recorded without relative_files is not found again
        # (its lines count as missing).
        keep = cov.config.relative_files
        names = [(cov._file_mapper(name if keep else canonical_filename(name)), name) for name in data.measured_files()]
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


def _zipped_sources(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The text of sources that are modules inside zip files (the engine
    reads the others from disk); a zip that can't be read is left to the
    engine's "No source" error."""
    texts = {}
    for _, source in pairs:
        if zip_location(source) is not None and not os.path.exists(source):
            try:
                texts[source] = get_python_source(source)
            except NoSource:
                pass
    return texts


def iter_analyses(cov: Coverage, files: list[tuple[str, str]]) -> Iterator[Analysis]:
    """Results of `files` from the engine (in parallel), yielded in order
    with coverage's error rules: an error surfaces when its file is reached."""
    data = cov.get_data()
    config = cov.config
    pairs = [(data_name, canonical_filename(source)) for data_name, source in files]
    partial = join_regex(config.partial_list + config.partial_always_list) if data.has_arcs() else None
    exclude = cov._exclude_regex("exclude") or None
    results = _engine.file_results(data._engine, pairs, exclude, partial, texts=_zipped_sources(pairs))
    for (_, source), result in zip(pairs, results, strict=True):
        if isinstance(result, BaseException):
            if isinstance(result, NotPython) and not _should_be_python(source):
                continue
            if not config.ignore_errors:
                raise result
            if isinstance(result, NotPython):
                cov._warn(f"Couldn't parse Python file '{source}'", slug="couldnt-parse")
            else:
                cov._warn(f"Couldn't parse '{source}': {result}".rstrip(), slug="couldnt-parse")
            continue
        yield Analysis(source, relative_filename(source), result, config.precision)


def analyze_files(cov: Coverage, files: list[tuple[str, str]]) -> list[Analysis]:
    """Results of `files` from the engine (in parallel); coverage's error rules."""
    return list(iter_analyses(cov, files))


def analyze_morf(cov: Coverage, morf: Any) -> Analysis:
    """The analysis of one module or file, errors raised."""
    source = _morf_filename(morf)
    [analysis] = analyze_files(cov, [(cov._file_mapper(source), source)])
    return analysis


def summary_report(cov: Coverage, morfs: Any, outfile: IO[str]) -> float:
    """Write the text report for `morfs` (default: all measured files)."""
    config = cov.config
    data = cov.get_data()
    data.set_query_contexts(config.report_contexts)
    branches = data.has_arcs()
    analyses = analyze_files(cov, _files_to_report(cov, morfs))
    rows = [a.report_row(branches) for a in analyses]
    text, total = _engine.render_text_report(rows, config.engine(), branches)
    outfile.write(text)
    return total


class SummaryReporter:
    """coverage.py's text summary reporter, over the engine's text report."""

    def __init__(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.config = coverage.config
        self.branches = coverage.get_data().has_arcs()

    def report(self, morfs: Any, outfile: IO[str] | None = None) -> float:
        """Write the summary of `morfs` (default: all measured files) to
        `outfile` (default: stdout); return the total percentage."""
        return summary_report(self.coverage, morfs, outfile or sys.stdout)
