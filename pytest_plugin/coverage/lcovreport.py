"""coverage.py's `coverage.lcovreport`: the LCOV report.

The files come from the report glue every report shares
(`coverage.report`: data or morfs, --include/--omit, errors); the engine
writes the records (`_engine.render_lcov_report`) as coverage.py 7.17.3
does: lines, functions from the source's regions, branches, checksums.
"""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING, Any

from coverage.report import _files_to_report, analyze_files
from coverage.xmlreport import write_report_bytes
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage

__all__ = ["LcovReporter", "line_hash"]


def line_hash(line: str) -> str:
    """The LCOV checksum of a source line: its MD5, base64 without padding."""
    return _engine.lcov_line_hash(line)


class LcovReporter:
    """Writes the LCOV report of a `Coverage`."""

    report_type = "LCOV report"

    def __init__(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.config = coverage.config

    def report(self, morfs: Any, outfile: IO[Any] | None = None) -> float:
        """Write the report of `morfs` (default: everything measured) to
        `outfile` (default: stdout); return the total percentage (0 when
        there are no statements)."""
        outfile = outfile or sys.stdout
        cov = self.coverage
        analyses = analyze_files(cov, _files_to_report(cov, morfs))
        files = [(analysis.display_name, analysis.filename, analysis._result) for analysis in analyses]
        text, n_statements, total = _engine.render_lcov_report(files, self.config.engine())
        write_report_bytes(outfile, text)
        return n_statements and total
