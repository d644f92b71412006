"""Helpers over coverage data that don't depend on how it is stored.

`CoverageData` itself lives in `coverage.sqldata` and is re-exported here,
where coverage.py's users have always imported it from.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from coverage.misc import human_sorted
from coverage.sqldata import CoverageData as CoverageData
from ferrocov import _engine

if TYPE_CHECKING:
    from coverage.files import PathAliases

__all__ = [
    "CoverageData",
    "DataFileClassifier",
    "add_data_to_hash",
    "combinable_files",
    "combine_parallel_data",
    "debug_data_file",
    "line_counts",
    "sorted_lines",
]


def line_counts(data: CoverageData, fullpath: bool = False) -> dict[str, int]:
    """How many lines were executed in each file: ``{name: count}``.

    Names are the base names of the files unless `fullpath` is true.
    """
    name_of: Callable[[str], str] = (lambda f: f) if fullpath else os.path.basename
    counts = {}
    for filename in data.measured_files():
        lines = data.lines(filename)
        assert lines is not None
        counts[name_of(filename)] = len(lines)
    return counts


def add_data_to_hash(data: CoverageData, filename: str, hasher: Any) -> None:
    """Feed `filename`'s measured results (not run details) to `hasher`."""
    if data.has_arcs():
        hasher.update(sorted(data.arcs(filename) or []))
    else:
        hasher.update(sorted_lines(data, filename))
    hasher.update(data.file_tracer(filename))


def combinable_files(data_file: str, data_paths: Iterable[str] | None = None) -> list[str]:
    """The absolute paths of the data files `combine` would read, sorted.

    `data_paths` are files, or directories searched for ``<data_file>.*``;
    by default the directory of `data_file`.
    """
    paths = [os.fspath(p) for p in data_paths] if data_paths else None
    return _engine.combinable_files(os.fspath(data_file), paths)


def hash_for_data_file(dbfilename: str) -> str:
    """A digest of a data file's data: from its name if it has one, else its bytes."""
    return _engine.hash_for_data_file(os.fspath(dbfilename))


class DataFileClassifier:
    """Decides, file by file, whether to combine a data file or skip a duplicate."""

    def __init__(self) -> None:
        self.file_hashes: set[str] = set()

    def classify(self, f: str) -> Literal["combine", "skip"]:
        """ "combine" for new data, "skip" for data already seen."""
        try:
            digest = hash_for_data_file(f)
        except OSError:
            # Unreadable: try combining it, which reports the problem.
            return "combine"
        if digest in self.file_hashes:
            return "skip"
        self.file_hashes.add(digest)
        return "combine"


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive than the current directory's, on Windows
        return path


def combine_parallel_data(
    data: CoverageData,
    aliases: PathAliases | None = None,
    data_paths: Iterable[str] | None = None,
    strict: bool = False,
    keep: bool = False,
    message: Callable[[str], None] | None = None,
) -> None:
    """Combine the data files ``<data's base name>.*`` (or `data_paths`) into `data`.

    The engine does it all (`_engine.combine_parallel_data`); this reports
    its steps as coverage.py does: unusable files as warnings, the rest as
    debug output, and the tally through `message`.
    """
    report = _engine.combine_parallel_data(
        data._engine,
        aliases=None if aliases is None else aliases._engine,
        data_paths=[os.fspath(p) for p in data_paths] if data_paths else None,
        strict=strict,
        keep=keep,
        debug_pathmap=aliases is not None and aliases._debug_wanted,
    )
    debug = data._debug
    for kind, path, detail in report.events:
        if kind == "pathmap":
            assert aliases is not None
            aliases.debugfn(path)
        elif kind == "unusable":
            if data._warn:
                # The message names the file already.
                data._warn(detail)
            if debug.should("combine"):
                debug.write(f"Couldn't combine data file {_relative(path)}: {detail}")
        elif kind in _COMBINE_DEBUG:
            if debug.should("combine"):
                debug.write(f"{_COMBINE_DEBUG[kind]} {_relative(path)}")
        elif debug.should("dataio"):
            debug.write(f"{_DATAIO_DEBUG[kind]} {path!r}")
    report.check()
    if message and report.message:
        message(report.message)


# How coverage.py's debug=combine and debug=dataio word the combine's steps.
_COMBINE_DEBUG = {"combined": "Combined data file", "duplicate": "Skipping duplicate data"}
_DATAIO_DEBUG = {
    "ourself": "Skipping combining ourself:",
    "combining": "Combining data file",
    "deleting": "Deleting data file",
}


def _plural(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _neutralize(text: str) -> str:
    """Non-printable characters become "?", so a file name can't drive a terminal."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def debug_data_file(filename: str) -> None:
    """Print a summary of a data file (`coverage debug data`)."""
    data = CoverageData(filename, read_only=True)
    filename = data.data_filename()
    print(f"path: {filename}")
    if not os.path.exists(filename):
        print("No data collected: file doesn't exist")
        return
    data.read()
    print(f"has_arcs: {data.has_arcs()!r}")
    summary = line_counts(data, fullpath=True)
    filenames = human_sorted(summary)
    print(f"{_plural(len(filenames), 'file')}:")
    for f in filenames:
        line = f"{_neutralize(f)}: {_plural(summary[f], 'line')}"
        plugin = data.file_tracer(f)
        if plugin:
            line += f" [{_neutralize(plugin)}]"
        print(line)


def sorted_lines(data: CoverageData, filename: str) -> list[int]:
    """The executed lines of `filename`, sorted (empty if not measured)."""
    return sorted(data.lines(filename) or [])
