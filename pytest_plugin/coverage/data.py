"""Helpers over coverage data that don't depend on how it is stored.

`CoverageData` itself lives in `coverage.sqldata` and is re-exported here,
where coverage.py's users have always imported it from.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import os
from collections.abc import Callable, Iterable
from typing import Any, Literal

from coverage.exceptions import CoverageException, NoDataError
from coverage.misc import human_sorted
from coverage.sqldata import CoverageData as CoverageData
from coverage.sqldata import filename_match

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
    data_dir, local = os.path.split(os.path.abspath(data_file))
    found = []
    for path in data_paths or [data_dir]:
        if os.path.isfile(path):
            found.append(os.path.abspath(path))
        elif os.path.isdir(path):
            found.extend(glob.glob(glob.escape(os.path.join(os.path.abspath(path), local)) + ".*"))
        else:
            raise NoDataError(f"Couldn't combine from non-existent path '{path}'")
    # SQLite journals beside data files are never data.
    return sorted(name for name in found if not name.endswith("-journal"))


def hash_for_data_file(dbfilename: str) -> str:
    """A digest of a data file's data: from its name if it has one, else its bytes."""
    match = filename_match(dbfilename)
    if match and match["hash"]:
        return match["hash"]
    with open(dbfilename, "rb") as fobj:
        return hashlib.sha3_256(fobj.read()).hexdigest()


class DataFileClassifier:
    """Decides, file by file, whether to combine a data file or skip a duplicate."""

    def __init__(self) -> None:
        self.file_hashes: set[str] = set()

    def classify(self, f: str) -> Literal["combine", "skip"]:
        """ "combine" for new data, "skip" for data already seen."""
        try:
            digest = hash_for_data_file(f)
        except Exception:
            # Unreadable: try combining it, which reports the problem.
            return "combine"
        if digest in self.file_hashes:
            return "skip"
        self.file_hashes.add(digest)
        return "combine"


def _file_be_gone(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _plural(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def combine_parallel_data(
    data: CoverageData,
    aliases: Any = None,
    data_paths: Iterable[str] | None = None,
    strict: bool = False,
    keep: bool = False,
    message: Callable[[str], None] | None = None,
) -> None:
    """Combine the data files ``<data's base name>.*`` (or `data_paths`) into `data`.

    `aliases` (a `PathAliases`) remaps file paths. Combined files are deleted
    unless `keep`; unreadable ones are warned about and kept. With `strict`,
    finding nothing usable is a `NoDataError`. `message` reports the tally.
    """
    files_to_combine = combinable_files(data.base_filename(), data_paths)
    if strict and not files_to_combine:
        raise NoDataError("No data to combine")

    map_path = None if aliases is None else functools.cache(aliases.map)
    classifier = DataFileClassifier()
    debug = data._debug
    combined = skipped = errored = 0
    for f in files_to_combine:
        if f == data.data_filename():
            # Combining into one of the parallel files: not into itself.
            continue
        try:
            rel_file_name = os.path.relpath(f)
        except ValueError:
            rel_file_name = f
        delete_this_one = not keep
        if classifier.classify(f) == "combine":
            try:
                new_data = CoverageData(f, debug=debug, read_only=True)
                new_data.read()
            except CoverageException as exc:
                errored += 1
                if data._warn:
                    data._warn(str(exc))
                if debug.should("combine"):
                    debug.write(f"Couldn't combine data file {rel_file_name}: {exc}")
                delete_this_one = False
            else:
                data.update(new_data, map_path=map_path)
                combined += 1
                if debug.should("combine"):
                    debug.write(f"Combined data file {rel_file_name}")
        else:
            skipped += 1
            if debug.should("combine"):
                debug.write(f"Skipping duplicate data {rel_file_name}")
        if delete_this_one:
            _file_be_gone(f)

    if strict and not combined:
        raise NoDataError("No usable data files")
    if message and (combined + skipped + errored):
        msg = f"Combined {_plural(combined, 'file')}"
        if skipped:
            msg += f", skipped {skipped}"
        if errored:
            msg += f", {_plural(errored, 'file')} errored"
        message(msg)


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
