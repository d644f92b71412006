"""coverage.py's `coverage.jsonreport`: the JSON report.

The files come from the report glue every report shares
(`coverage.report`: data or morfs, --include/--omit, errors); this module
reads what only the JSON report needs from the data (the contexts of each
line, when they are shown) and hands everything to the engine, which
builds the document (`_engine.render_json_report`) byte for byte as
coverage.py 7.17.3 writes it, regions of functions and classes included.
"""

from __future__ import annotations

import datetime
import sys
from typing import IO, TYPE_CHECKING, Any

from coverage.files import canonical_filename
from coverage.report import _files_to_report, analyze_files
from coverage.version import __version__
from coverage.xmlreport import write_report_bytes
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage

__all__ = ["FORMAT_VERSION", "JsonReporter"]

# 2 added meta.format; 3 added the functions and classes regions.
FORMAT_VERSION = 3


class JsonReporter:
    """Writes the JSON report of a `Coverage`."""

    report_type = "JSON report"

    def __init__(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.config = coverage.config

    def report(self, morfs: Any, outfile: IO[Any] | None = None) -> float:
        """Write the report of `morfs` (default: everything measured) to
        `outfile` (default: stdout); return the total percentage (0 when
        there are no statements)."""
        outfile = outfile or sys.stdout
        cov = self.coverage
        data = cov.get_data()
        data.set_query_contexts(self.config.report_contexts)
        timestamp = datetime.datetime.now().isoformat()
        to_report = _files_to_report(cov, morfs)
        # The data names files as they were measured (relative with
        # relative_files); the analyses by their canonical names.
        data_names = {canonical_filename(source): data_name for data_name, source in to_report}
        analyses = analyze_files(cov, to_report)
        show_contexts = self.config.json_show_contexts
        files = []
        for analysis in analyses:
            contexts = None
            if show_contexts:
                contexts = list(data.contexts_by_lineno(data_names[analysis.filename]).items())
            files.append((analysis.display_name, analysis._result, contexts))
        document, n_statements, total = _engine.render_json_report(
            files, self.config.engine(), has_arcs=data.has_arcs(), version=__version__, timestamp=timestamp
        )
        write_report_bytes(outfile, document)
        return n_statements and total
