"""CoverageData: measured data and its SQLite data file.

The data file is coverage.py's schema version 7, read and written by
ferrocov's Rust engine (`ferrocov._engine.CoverageData`). This module keeps
coverage.py's Python API on top: argument conversion, regex matching of
query contexts with Python's `re`, `dumps`/`loads` framing, debug output.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import sys
import threading
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from coverage.exceptions import ConfigError, DataError
from ferrocov import _engine

__all__ = ["CoverageData", "SCHEMA_VERSION", "filename_match", "filename_suffix", "good_filename_match"]

SCHEMA_VERSION = 7

# Random characters and digest characters in parallel data file names.
NRAND = 6
NHASH = 10

# `.<host>.pid<pid>.X<random>x`, then `.H<digest>h` once the file is written.
# Combined into longer patterns elsewhere, so it keeps its flags local.
SUFFIX_PATTERN = (
    r"(?x:"
    r" \.(?P<host>[^.]+)"
    r" \.pid(?P<pid>\d+)"
    rf" \.X(?P<random>\w{{{NRAND}}})x"
    rf" (\.H(?P<hash>\w{{{NHASH}}}h))?"
    r")"
)


def filename_suffix(suffix: str | bool | None) -> str | None:
    """The suffix for a data file name: `True` makes a parallel-mode one."""
    if suffix is True:
        return _engine.parallel_data_suffix()
    if suffix is False:
        return None
    return suffix


def filename_match(filename: str) -> re.Match[str] | None:
    """Match a parallel data file name, with groups host, pid, random, hash."""
    return re.search(f"{SUFFIX_PATTERN}$", filename)


def good_filename_match(filename: str) -> re.Match[str]:
    """`filename_match` for a name known to be a parallel data file name."""
    match = filename_match(filename)
    assert match is not None
    return match


def _file_summary(filename: str) -> str:
    """Size and modification time of a file, for debug messages."""
    try:
        stat = os.stat(filename)
    except FileNotFoundError:
        return "does not exist"
    except Exception as exc:
        return f"error: {exc}"
    return f"{stat.st_size} bytes, modified {datetime.datetime.fromtimestamp(stat.st_mtime)}"


def _coverage_version() -> str:
    try:
        from coverage.version import __version__
    except ImportError:
        return "7.17.3"
    return str(__version__)


class _NoDebug:
    """Stands in for a debug control when none is given."""

    def should(self, option: str) -> bool:  # noqa: ARG002 - the interface's signature
        return False

    def write(self, msg: str) -> None:  # pragma: no cover - never called
        pass


class CoverageData:
    """Measured lines or arcs, contexts and file tracers, and their data file.

    Same constructor and methods as coverage.py's `CoverageData`: `basename`
    defaults to ".coverage"; `suffix` is a string, or True for a parallel-mode
    name; `no_disk` keeps everything in memory; `read_only` never writes.
    """

    def __init__(
        self,
        basename: str | os.PathLike[str] | None = None,
        suffix: str | bool | None = None,
        no_disk: bool = False,
        warn: Callable[..., Any] | None = None,
        debug: Any = None,
        read_only: bool = False,
    ) -> None:
        self._no_disk = no_disk
        self._read_only = read_only
        self._basename = os.path.abspath(os.fspath(basename) if basename else ".coverage")
        self._suffix = suffix
        self._our_suffix = suffix is True
        self._warn = warn
        self._debug = debug or _NoDebug()
        process_meta = bool(self._debug.should("process"))
        self._engine = _engine.CoverageData(
            basename=self._basename,
            suffix=None if isinstance(suffix, bool) else suffix,
            parallel=suffix is True,
            no_disk=no_disk,
            read_only=read_only,
            process_meta=process_meta,
            sys_argv=str(getattr(sys, "argv", None)),
            version=_coverage_version(),
            # So a report can analyse sources as the measuring interpreter would.
            python_version=".".join(map(str, sys.version_info[:3])),
        )

        if self._debug.should("dataio"):
            self._engine.set_observer(self._on_data_event)

    # How coverage.py's debug=dataio words each file operation.
    _EVENT_MESSAGES = {
        "erasing": "Erasing data file",
        "erasing_parallel": "Erasing parallel data file",
        "opening": "Opening data file",
        "initing": "Initing data file",
        "writing_noop": "Writing (no-op) data file",
        "finishing": "Finishing data file",
        "renaming": "Renaming data file to",
    }

    def _on_data_event(self, kind: str, filename: str | None, force: bool, opened: bool) -> None:
        """Write the engine's file operations as debug output.

        Runs while the engine holds this data's lock: it must not call it.
        """
        if kind == "closing":
            dbs = f"{{{threading.get_ident()}: <SqliteDb {filename!r}>}}" if opened else "{}"
            self._debug.write(f"Closing dbs, force={force}: {dbs}")
        elif filename is not None:
            self._debug.write(f"{self._EVENT_MESSAGES[kind]} {filename!r} ({_file_summary(filename)})")

    def __repr__(self) -> str:
        return (
            f"<CoverageData @{id(self):#x} _no_disk={self._no_disk!r} "
            f"_read_only={self._read_only!r} _basename={self._basename!r} "
            f"_suffix={self._suffix!r} _filename={self._filename!r} "
            f"_has_lines={self._has_lines!r} _has_arcs={self._has_arcs!r}>"
        )

    def _debug_dataio(self, msg: str, filename: str) -> None:
        if self._debug.should("dataio"):
            self._debug.write(f"{msg} {filename!r} ({_file_summary(filename)})")

    # Attributes coverage.py's own code (and tests) read.
    @property
    def _filename(self) -> str:
        return self._engine.data_filename()

    @property
    def _has_lines(self) -> bool:
        return self._engine.has_lines()

    @property
    def _has_arcs(self) -> bool:
        return self._engine.has_arcs()

    @property
    def _current_context(self) -> str | None:
        return self._engine.current_context()

    # -- the file ---------------------------------------------------------------

    def base_filename(self) -> str:
        """The absolute base name of the data file."""
        return self._engine.base_filename()

    def data_filename(self) -> str:
        """Where the data is stored."""
        return self._engine.data_filename()

    def read(self) -> None:
        """Start using the existing data file, if there is one."""
        self._engine.read()

    def write(self) -> None:
        """Make sure the data is in its data file (parallel files get their digest name)."""
        self._engine.write()

    def erase(self, parallel: bool = False) -> None:
        """Forget the data and delete the file; `parallel` also deletes `<file>.*`."""
        self._engine.erase(parallel)

    def close(self, force: bool = False) -> None:
        """Close the database connection (an in-memory one only if `force`)."""
        self._engine.close(force)

    @contextlib.contextmanager
    def keep_db_open(self) -> Iterator[None]:
        """Keep one database connection open for a block of queries."""
        self._engine.hold_open()
        try:
            yield
        finally:
            self._engine.release_hold()

    def __bool__(self) -> bool:
        return self._engine.is_nonempty()

    # -- recording --------------------------------------------------------------

    def set_context(self, context: str | None) -> str | None:
        """Set the context for data added next; returns the previous context."""
        if self._debug.should("dataop"):
            self._debug.write(f"Setting coverage context: {context!r}")
        return self._engine.set_context(context)

    def add_lines(self, line_data: Mapping[str, Collection[int]]) -> None:
        """Add executed lines: ``{filename: {lineno, ...}, ...}``."""
        if self._debug.should("dataop"):
            nlines = sum(len(lines) for lines in line_data.values())
            self._debug.write(f"Adding lines: {len(line_data)} files, {nlines} lines total")
        self._engine.add_lines(line_data)

    def add_arcs(self, arc_data: Mapping[str, Collection[tuple[int, int]]]) -> None:
        """Add executed arcs: ``{filename: {(from, to), ...}, ...}``."""
        if self._debug.should("dataop"):
            narcs = sum(len(arcs) for arcs in arc_data.values())
            self._debug.write(f"Adding arcs: {len(arc_data)} files, {narcs} arcs total")
        self._engine.add_arcs(arc_data)

    def add_file_tracers(self, file_tracers: Mapping[str, str]) -> None:
        """Record the plugin that traced each file: ``{filename: plugin_name}``."""
        if self._debug.should("dataop"):
            self._debug.write(f"Adding file tracers: {len(file_tracers)} files")
        self._engine.add_file_tracers(file_tracers)

    def touch_file(self, filename: str, plugin_name: str = "") -> None:
        """Make `filename` appear in the data, with no lines if need be."""
        self.touch_files([filename], plugin_name)

    def touch_files(self, filenames: Collection[str], plugin_name: str | None = None) -> None:
        """Make `filenames` appear in the data, with no lines if need be."""
        if self._debug.should("dataop"):
            self._debug.write(f"Touching {filenames!r}")
        self._engine.touch_files(list(filenames), plugin_name)

    def purge_files(self, filenames: Collection[str]) -> None:
        """Remove the measured data of `filenames`."""
        if self._debug.should("dataop"):
            self._debug.write(f"Purging data for {filenames!r}")
        self._engine.purge_files(list(filenames))

    def update(self, other_data: CoverageData, map_path: Callable[[str], str] | None = None) -> None:
        """Merge `other_data` into this data, renaming its files with `map_path`."""
        if self._debug.should("dataop"):
            self._debug.write(f"Updating with data from {other_data.data_filename()!r}")
        self._engine.update(other_data._engine, map_path)

    # -- querying ---------------------------------------------------------------

    def has_arcs(self) -> bool:
        """Does the data hold arcs (branch data) rather than lines?"""
        return self._engine.has_arcs()

    def measured_files(self) -> set[str]:
        """The files measured (possibly with no lines executed)."""
        return set(self._engine.measured_files())

    def measured_contexts(self) -> set[str]:
        """The names of all contexts in the data."""
        return set(self._engine.measured_contexts())

    def file_tracer(self, filename: str) -> str | None:
        """The plugin that traced `filename`: "" for Python, None if not measured."""
        return self._engine.file_tracer(filename)

    def set_query_context(self, context: str) -> None:
        """Limit later `lines`, `arcs` and `contexts_by_lineno` to exactly `context`."""
        self._engine.set_query_context(context)

    def set_query_contexts(self, contexts: Sequence[str] | None) -> None:
        """Limit later queries to contexts matching any of the regexes (re.search)."""
        if not contexts:
            # Still a use of the data (as in coverage.py), without opening it.
            self._engine.set_query_context_ids(None)
            return
        patterns = []
        for context in contexts:
            try:
                patterns.append(re.compile(context))
            except re.error as exc:
                raise ConfigError(f"Invalid context regex {context!r}: {exc}") from exc
        ids = [
            context_id
            for context_id, name in self._engine.contexts_with_ids()
            if any(pattern.search(name) for pattern in patterns)
        ]
        self._engine.set_query_context_ids(ids)

    def lines(self, filename: str) -> list[int] | None:
        """The executed lines of `filename`, or None if it was not measured."""
        return self._engine.lines(filename)

    def arcs(self, filename: str) -> list[tuple[int, int]] | None:
        """The executed arcs of `filename`, or None if it was not measured."""
        return self._engine.arcs(filename)

    def contexts_by_lineno(self, filename: str) -> dict[int, list[str]]:
        """For each executed line of `filename`, the contexts that executed it."""
        return dict(self._engine.contexts_by_lineno(filename))

    # -- serialization ----------------------------------------------------------

    def dumps(self) -> bytes:
        """The data as bytes, for `loads` elsewhere (not the data file format)."""
        self._debug_dataio("Dumping data from data file", self._filename)
        return b"z" + zlib.compress(self._engine.dump_sql().encode("utf-8"))

    def loads(self, data: bytes) -> None:
        """Replace this (new, empty) data with what `dumps` produced."""
        self._debug_dataio("Loading data into data file", self._filename)
        if data[:1] != b"z":
            raise DataError(
                f"Unrecognized serialization: {data[:40]!r} (head of {len(data)} bytes)",
            )
        self._engine.load_sql(zlib.decompress(data[1:]).decode("utf-8"))

    @classmethod
    def sys_info(cls) -> list[tuple[str, Any]]:
        """Facts about the SQLite library, for `coverage debug sys`."""
        return [("sqlite3_sqlite_version", _engine.sqlite_version())]
