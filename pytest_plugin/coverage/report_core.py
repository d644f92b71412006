"""coverage.py's `coverage.report_core`: what the one-file reports share.

`render_report` manages the output file of a report that writes one file
(XML, JSON, LCOV); `get_analysis_to_report` is the file selection every
report uses, as (FileReporter, Analysis) pairs for code that walks them
itself. The analyses come from the engine in one parallel call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any, Protocol

from coverage.misc import ensure_dir_for_file, file_be_gone

if TYPE_CHECKING:
    from coverage.control import Coverage
    from coverage.python import PythonFileReporter
    from coverage.results import Analysis

__all__ = ["Reporter", "get_analysis_to_report", "render_report"]


class Reporter(Protocol):
    """A report that writes one file (XML, JSON, LCOV)."""

    report_type: str

    def report(self, morfs: Any, outfile: IO[str]) -> float:
        """Write the report of `morfs` to `outfile`; return the total."""
        ...


def render_report(output_path: str, reporter: Reporter, morfs: Any, msgfn: Callable[[str], None]) -> float:
    """Run a one-file report into `output_path` ("-": stdout), as coverage.py
    does: the directory is made first, the file (UTF-8 text) is opened
    before the report runs and removed again if it fails, and "Wrote ..."
    follows success."""
    if output_path == "-":
        return reporter.report(morfs, outfile=sys.stdout)
    ensure_dir_for_file(output_path)
    finished = False
    try:
        with open(output_path, "w", encoding="utf-8") as outfile:
            total = reporter.report(morfs, outfile=outfile)
        msgfn(f"Wrote {reporter.report_type} to {output_path}")
        finished = True
        return total
    finally:
        if not finished:
            file_be_gone(output_path)


def get_analysis_to_report(coverage: Coverage, morfs: Any) -> Iterator[tuple[PythonFileReporter, Analysis]]:
    """(FileReporter, Analysis) of each file to report, in name order: the
    data's files or `morfs`, narrowed by include/omit, errors handled by
    `ignore_errors` (NoDataError when nothing is left)."""
    from coverage.python import PythonFileReporter
    from coverage.report import _files_to_report, analyze_files

    for analysis in analyze_files(coverage, _files_to_report(coverage, morfs)):
        yield PythonFileReporter(analysis.filename, coverage), analysis
