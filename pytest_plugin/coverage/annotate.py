"""coverage.py's `coverage.annotate`: the annotate report.

The files come from the report glue every report shares (`coverage.report`:
data or morfs, --include/--omit, errors, in file name order); the engine
renders each `,cover` copy (`_engine.render_annotation`) as coverage.py
7.17.3 does, and it is written here, one file at a time.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from coverage.files import flat_rootname
from coverage.misc import ensure_dir
from coverage.report import _files_to_report, iter_analyses
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage

__all__ = ["AnnotateReporter"]


class AnnotateReporter:
    """Writes annotated copies of the measured sources."""

    def __init__(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.config = coverage.config
        self.directory: str | None = None

    def report(self, morfs: Any, directory: str | None = None) -> None:
        """Annotate `morfs` (default: everything measured), next to the
        sources or, with `directory`, into it under flat names."""
        self.directory = directory
        cov = self.coverage
        for analysis in iter_analyses(cov, _files_to_report(cov, morfs)):
            dest = self._destination(analysis.filename, analysis.display_name)
            text = _engine.render_annotation(analysis.filename, analysis._result)
            with open(dest, "wb") as out:
                out.write(text)

    def _destination(self, filename: str, relative: str) -> str:
        if not self.directory:
            return filename + ",cover"
        ensure_dir(self.directory)
        flat = flat_rootname(relative)
        ext = os.path.splitext(relative)[1]
        return os.path.join(self.directory, flat[: len(flat) - len(ext)] + ext) + ",cover"
