"""coverage.py's `coverage.xmlreport`: the Cobertura XML report.

The files come from the report glue every report shares
(`coverage.report`: data or morfs, --include/--omit, errors); this module
adds what only the XML report needs from Python, which `[run] source`
directories exist and how they are spelled, and hands everything to the
engine, which renders the document (`_engine.render_xml_report`) byte for
byte as coverage.py 7.17.3 writes it.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import time
from typing import IO, TYPE_CHECKING, Any

from coverage.files import canonical_filename, relative_filename
from coverage.report import _files_to_report, _morf_source, analyze_files
from coverage.version import __url__, __version__
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.control import Coverage

__all__ = ["DTD_URL", "XmlReporter", "rate"]

DTD_URL = "https://raw.githubusercontent.com/cobertura/web/master/htdocs/xml/coverage-04.dtd"


def rate(hit: int, num: int) -> str:
    """`hit / num` as the report writes it: "1" and "0" only when exact."""
    return _engine.xml_rate(hit, num)


def write_report_bytes(outfile: IO[Any], data: bytes) -> None:
    """Write an encoded (UTF-8) report to a binary or a text file. A UTF-8
    text file that leaves newlines alone gets the bytes themselves, without
    a decoded copy of a possibly large report."""
    if isinstance(outfile, (io.RawIOBase, io.BufferedIOBase)):
        outfile.write(data)
    elif _takes_utf8_bytes(outfile):
        outfile.flush()
        outfile.buffer.write(data)
    else:
        outfile.write(data.decode("utf-8"))


def _takes_utf8_bytes(outfile: IO[Any]) -> bool:
    if not isinstance(outfile, io.TextIOWrapper) or os.linesep != "\n":
        return False
    return codecs.lookup(outfile.encoding).name == "utf-8"


class XmlReporter:
    """Writes the Cobertura-style XML report of a `Coverage`."""

    report_type = "XML report"

    def __init__(self, coverage: Coverage) -> None:
        self.coverage = coverage
        self.config = coverage.config

    def _source_paths(self) -> list[str]:
        """The `[run] source` entries that exist, as coverage.py lists them:
        stripped of trailing slashes with relative_files, else canonical."""
        paths = []
        for src in self.config.source or ():
            if os.path.exists(src):
                paths.append(src.rstrip("\\/") if self.config.relative_files else canonical_filename(src))
        return paths

    def _reported_names(self, morfs: Any) -> dict[str, str]:
        """With relative_files, coverage.py names a file as the data (or the
        morf) does, not canonically: those names, by canonical name."""
        if not self.config.relative_files:
            return {}
        if not morfs:
            names = self.coverage.get_data().measured_files()
        else:
            names = [_morf_source(morf) for morf in (morfs if isinstance(morfs, (list, tuple, set)) else [morfs])]
        return {canonical_filename(name): name for name in names}

    def report(self, morfs: Any, outfile: IO[Any] | None = None) -> float:
        """Write the report of `morfs` (default: everything measured) to
        `outfile` (default: stdout); return the total percentage."""
        outfile = outfile or sys.stdout
        cov = self.coverage
        sources = self._source_paths()
        analyses = analyze_files(cov, _files_to_report(cov, morfs))
        names = self._reported_names(morfs)
        files = []
        for analysis in analyses:
            filename = names.get(analysis.filename, analysis.filename)
            files.append((filename, relative_filename(filename), analysis._result))
        document, total = _engine.render_xml_report(
            files,
            self.config.engine(),
            sources=sources,
            has_arcs=cov.get_data().has_arcs(),
            cwd=os.getcwd(),
            version=__version__,
            timestamp_ms=int(time.time() * 1000),
            url=__url__,
        )
        write_report_bytes(outfile, document)
        return total
