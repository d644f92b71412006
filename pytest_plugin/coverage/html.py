"""coverage.py's `coverage.html`: the HTML report.

The files come from the report glue every report shares
(`coverage.report`: data or morfs, --include/--omit, errors); this module
resolves the options, reads the contexts of each line from the data when
they are shown, and hands everything to the engine, which decides which
files get pages, renders the pages (in parallel, our own design) and
writes the directory incrementally (`_engine.render_html_report`).
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING, Any

from coverage.files import canonical_filename
from coverage.misc import format_local_datetime, stdout_link
from coverage.python import get_python_source
from coverage.report import _files_to_report, analyze_files
from coverage.version import __version__
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage

__all__ = ["HtmlReporter"]


class HtmlReporter:
    """Writes the HTML report of a `Coverage` into `[html] directory`."""

    def __init__(self, cov: Coverage) -> None:
        self.coverage = cov
        self.config = cov.config
        self.directory = self.config.html_dir
        # [html] skip_* fall back to [report] skip_* when unset, as in coverage.py.
        self.skip_covered = self.config.html_skip_covered
        if self.skip_covered is None:
            self.skip_covered = self.config.skip_covered
        self.skip_empty = self.config.html_skip_empty
        if self.skip_empty is None:
            self.skip_empty = self.config.skip_empty
        #: Page file names written and reused by the last `report`.
        self.written: list[str] = []
        self.kept: list[str] = []

    def report(self, morfs: Any) -> float:
        """Write the report of `morfs` (default: everything measured);
        return the total percentage (0 when there are no statements)."""
        cov = self.coverage
        data = cov.get_data()
        data.set_query_contexts(self.config.report_contexts)
        to_report = _files_to_report(cov, morfs)
        data_names = {canonical_filename(source): data_name for data_name, source in to_report}
        analyses = analyze_files(cov, to_report)
        show_contexts = bool(self.config.show_contexts)
        files = []
        for analysis in analyses:
            contexts = None
            if show_contexts:
                contexts = list(data.contexts_by_lineno(data_names[analysis.filename]).items())
            # A module inside a zip file has no file to read: hand over its text.
            text = None if os.path.exists(analysis.filename) else get_python_source(analysis.filename)
            files.append((analysis.display_name, analysis.filename, analysis._result, contexts, text))
        index, n_statements, total, self.written, self.kept = _engine.render_html_report(
            files,
            self.config.engine(),
            os.fspath(self.directory),
            has_arcs=data.has_arcs(),
            skip_covered=bool(self.skip_covered),
            skip_empty=bool(self.skip_empty),
            version=__version__,
            timestamp=format_local_datetime(datetime.datetime.now()),
        )
        cov._message(f"Wrote HTML report to {stdout_link(index, f'file://{os.path.abspath(index)}')}")
        return n_statements and total
