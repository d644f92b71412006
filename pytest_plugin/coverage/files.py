"""File naming and matching with coverage.py's semantics.

The work is done by ferrocov's engine (the `ferrocov-files` crate); this
module keeps coverage's public names and its two pieces of module state:
the directory `relative_filename` strips, and the `canonical_filename` memo.
"""

from __future__ import annotations

import hashlib
import ntpath
import os
import os.path
import posixpath
import re
import sys
from collections.abc import Callable, Iterable

from coverage.exceptions import ConfigError  # noqa: F401  (coverage.files has this name too)
from coverage.misc import human_sorted
from ferrocov import _engine

__all__ = [
    "GlobMatcher",
    "Matcher",
    "ModuleMatcher",
    "PathAliases",
    "TreeMatcher",
    "abs_file",
    "actual_path",
    "canonical_filename",
    "find_python_files",
    "flat_rootname",
    "globs_to_regex",
    "isabs_anywhere",
    "prep_patterns",
    "python_reported_file",
    "relative_directory",
    "relative_filename",
    "set_relative_directory",
    "sep",
    "source_exists",
    "zip_location",
]

WINDOWS = sys.platform == "win32"

RELATIVE_DIR: str = ""
CANONICAL_FILENAME_CACHE: dict[str, str] = {}

DebugFn = Callable[[str], None] | None


def set_relative_directory() -> None:
    """Remember the current directory as the one `relative_filename` strips."""
    global RELATIVE_DIR, CANONICAL_FILENAME_CACHE
    RELATIVE_DIR = _engine.relative_directory_now()
    CANONICAL_FILENAME_CACHE = {}


def relative_directory() -> str:
    """The directory `relative_filename` is relative to."""
    return RELATIVE_DIR


def relative_filename(filename: str) -> str:
    """`filename` relative to the directory recorded by `set_relative_directory`."""
    if os.path.normcase(filename).startswith(RELATIVE_DIR):
        return filename[len(RELATIVE_DIR) :]
    return filename


def _sys_path() -> list[str]:
    return [p for p in sys.path if isinstance(p, str)]


def canonical_filename(filename: str) -> str:
    """An absolute, normalized name for `filename`, found via the cwd and sys.path."""
    try:
        return CANONICAL_FILENAME_CACHE[filename]
    except KeyError:
        pass
    try:
        canonical = _engine.canonical_filename(filename, _sys_path())
    except UnicodeEncodeError:
        # Names Rust can't hold (lone surrogates) get Python's own treatment.
        canonical = abs_file(filename)
    CANONICAL_FILENAME_CACHE[filename] = canonical
    return canonical


def flat_rootname(filename: str) -> str:
    """A flat file name base for `filename`, unique per directory."""
    dirname, basename = ntpath.split(filename)
    prefix = ""
    if dirname:
        digest = hashlib.new("sha3_256", dirname.encode("UTF-8"), usedforsecurity=False)
        prefix = f"z_{digest.hexdigest()[:16]}_"
    return prefix + basename.replace(".", "_")


def actual_path(path: str) -> str:
    """The on-disk case of `path` (the path itself on case-sensitive systems)."""
    return path


def abs_file(path: str) -> str:
    """The absolute, normalized, symlink-free form of `path`."""
    path = os.fspath(path)
    try:
        return _engine.abs_file(path)
    except UnicodeEncodeError:
        return actual_path(os.path.abspath(os.path.realpath(path)))


def zip_location(filename: str) -> tuple[str, str] | None:
    """Split a name inside an existing zip-like archive into (archive, inner name)."""
    for ext in [".zip", ".whl", ".egg", ".pex", ".par"]:
        zipbase, extension, inner = filename.partition(ext + sep(filename))
        if extension:
            zipfile = zipbase + ext
            if os.path.exists(zipfile):
                return zipfile, inner
    return None


def source_exists(path: str) -> bool:
    """Does the source file exist, on disk or inside an archive?"""
    return _engine.source_exists(path)


def python_reported_file(filename: str) -> str:
    """The name Python would report for this file."""
    return os.path.abspath(filename)


def isabs_anywhere(filename: str) -> bool:
    """Is `filename` absolute on any operating system?"""
    return ntpath.isabs(filename) or posixpath.isabs(filename)


def prep_patterns(patterns: Iterable[str] | None) -> list[str]:
    """Each pattern, plus its absolute form unless it starts with a wildcard."""
    return _engine.prep_patterns(list(patterns or []))


def _plural(n: int, thing: str) -> str:
    return f"{n} {thing if n == 1 else thing + 's'}"


class Matcher:
    """Shared behaviour of the matchers: naming, debug output, `info`."""

    def __init__(self, strs: list[str], name: str, caption: str, debug: DebugFn) -> None:
        self.strs = strs
        self.name = name
        if debug:
            debug(f"{caption} matching {self}")
            for inf in self.info():
                debug(f"    {inf}")

    def __str__(self) -> str:
        return f"{self.__class__.__name__} {self.name!r} {_plural(len(self.strs), 'item')}"

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.name} {self.strs!r}>"

    def match(self, s: str, /) -> bool:
        raise NotImplementedError

    def info(self) -> list[str]:
        """Strings describing this matcher when dumping state."""
        return self.strs


class TreeMatcher(Matcher):
    """Matches files that are one of the paths, or inside one of the directories."""

    def __init__(self, paths: Iterable[str], name: str = "unknown", caption: str = "", debug: DebugFn = None) -> None:
        paths_list = list(paths)
        self.original_paths = human_sorted(paths_list)
        super().__init__(self.original_paths, name=name, caption=caption, debug=debug)
        self.paths = [abs_file(p) for p in paths_list]
        if debug:
            for p, ap in zip(paths_list, self.paths, strict=True):
                if ap != p:
                    debug(f"        Normalized {p!r} to {ap!r}")
        self._engine = _engine.TreeMatcher(self.paths)

    def match(self, fpath: str, /) -> bool:
        return self._engine.match(fpath)


class ModuleMatcher(Matcher):
    """Matches module names that are one of the packages or inside one."""

    def __init__(
        self, module_names: Iterable[str], name: str = "unknown", caption: str = "", debug: DebugFn = None
    ) -> None:
        self.modules = list(module_names)
        super().__init__(self.modules, name=name, caption=caption, debug=debug)
        self._engine = _engine.ModuleMatcher(self.modules)

    def match(self, module_name: str, /) -> bool:
        return bool(module_name) and self._engine.match(module_name)


class GlobMatcher(Matcher):
    """Matches file paths against glob patterns."""

    def __init__(self, pats: Iterable[str], name: str = "unknown", caption: str = "", debug: DebugFn = None) -> None:
        self.pats = list(pats)
        super().__init__(self.pats, name=name, caption=caption, debug=debug)
        self._engine = _engine.GlobMatcher(self.pats)
        self._re: re.Pattern[str] | None = None

    @property
    def re(self) -> re.Pattern[str]:
        """The equivalent Python regex, compiled on first use."""
        if self._re is None:
            self._re = globs_to_regex(self.pats, case_insensitive=WINDOWS)
        return self._re

    def match(self, fpath: str, /) -> bool:
        return self._engine.match(fpath)


def sep(s: str) -> str:
    """The path separator used in `s`, or os.sep if it has none."""
    if sep_match := re.search(r"[\\/]", s):
        return sep_match[0]
    return os.sep


def globs_to_regex(patterns: Iterable[str], case_insensitive: bool = False, partial: bool = False) -> re.Pattern[str]:
    """Compile glob patterns into one regex; use its `.match` on file paths."""
    source = _engine.globs_to_python_regex(list(patterns), partial)
    return re.compile(source, flags=re.IGNORECASE if case_insensitive else 0)


class PathAliases:
    """Pattern → root rules that re-root paths recorded elsewhere (`[paths]`)."""

    def __init__(self, debugfn: Callable[[str], None] | None = None, relative: bool = False) -> None:
        self._debug_wanted = debugfn is not None
        self.debugfn = debugfn or (lambda msg: 0)
        self.relative = relative
        self._engine = _engine.PathAliases(
            relative=relative,
            relative_dir=RELATIVE_DIR or None,
            sys_path=_sys_path(),
            legacy_ntpath_isabs=sys.version_info < (3, 13),
        )

    @property
    def aliases(self) -> list[tuple[str, re.Pattern[str], str]]:
        """(original pattern, regex, result) for each rule, as coverage keeps them."""
        return [
            (pattern, re.compile(shown, flags=0 if shown.startswith("^") else re.IGNORECASE), result)
            for pattern, result, shown in self._engine.rules()
        ]

    def pprint(self) -> None:
        """Dump the rules to the debug function."""
        for line in self._engine.describe():
            self.debugfn(line)

    def add(self, pattern: str, result: str) -> None:
        """Map paths starting with a match of `pattern` to start with `result` instead."""
        self._engine.add(pattern, result)

    def map(self, path: str, exists: Callable[[str], bool] = source_exists) -> str:
        """Map `path` through the first rule whose result exists; else return it unchanged."""
        checker = None if exists is source_exists else exists
        return self._engine.map(path, checker, self.debugfn if self._debug_wanted else None)


def find_python_files(dirname: str, include_namespace_packages: bool) -> Iterable[str]:
    """Importable Python files under `dirname`, recursively."""
    return _engine.find_python_files(os.fspath(dirname), include_namespace_packages)


set_relative_directory()
