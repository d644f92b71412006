"""Small helpers that other modules, plugins and coverage.py's own tests import.

The names and their behaviour are coverage.py's (`coverage.misc`); the code
is ferrocov's.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import importlib.util
import inspect
import os
import sys
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from coverage.types import TArc
from ferrocov import _engine

T = TypeVar("T")
SortableItem = TypeVar("SortableItem", bound=Sequence[Any])

# -- Isolation from the code under test ------------------------------------------

# Originals mapped to their private copies, so each module is copied once.
_ISOLATED: dict[types.ModuleType, types.ModuleType] = {}


def isolate_module(mod: types.ModuleType) -> types.ModuleType:
    """A private copy of `mod`, immune to the measured program's mocking.

    A test suite under measurement may patch `os.path.exists` and the like;
    coverage must keep using the real functions while it does. The copy holds
    the attributes `mod` has now (sub-modules copied the same way).
    """
    if mod not in _ISOLATED:
        copy = types.ModuleType(mod.__name__)
        _ISOLATED[mod] = copy
        for name in dir(mod):
            value = getattr(mod, name)
            if isinstance(value, types.ModuleType):
                value = isolate_module(value)
            setattr(copy, name, value)
    return _ISOLATED[mod]


class SysModuleSaver:
    """Remembers `sys.modules`, and can later drop every module imported since."""

    def __init__(self) -> None:
        self.old_modules = set(sys.modules)

    def restore(self) -> None:
        """Forget the modules imported since this object was made."""
        for name in set(sys.modules) - self.old_modules:
            del sys.modules[name]


@contextlib.contextmanager
def sys_modules_saved() -> Iterator[None]:
    """Drop the modules imported inside the `with` block when it ends."""
    saver = SysModuleSaver()
    try:
        yield
    finally:
        saver.restore()


def import_local_file(modname: str, modfile: str | None = None) -> types.ModuleType:
    """Import `modfile` (default: `modname`.py in the current directory) as `modname`.

    The module is executed afresh and registered in `sys.modules`.
    """
    if modfile is None:
        modfile = modname + ".py"
    spec = importlib.util.spec_from_file_location(modname, modfile)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


# -- Values -----------------------------------------------------------------------


def first(it: Iterable[T]) -> T:
    """The first item of `it`."""
    return next(iter(it))


def nice_pair(pair: TArc) -> str:
    """ "5" for (5, 5), "5-9" for (5, 9): a line or a range of lines."""
    start, end = pair
    return f"{start}" if start == end else f"{start}-{end}"


def bool_or_none(b: Any) -> bool | None:
    """`None` stays `None`, anything else becomes a bool."""
    return None if b is None else bool(b)


def join_regex(regexes: Iterable[str]) -> str:
    """One regex that matches if any of `regexes` match.

    A single pattern is kept as it is; several are each wrapped in a
    non-capturing group and joined with `|`, as coverage.py does.
    """
    regexes = list(regexes)
    if len(regexes) == 1:
        return regexes[0]
    return "|".join(f"(?:{regex})" for regex in regexes)


class DefaultValue:
    """A sentinel default whose repr is chosen by its creator (for help texts)."""

    def __init__(self, display_as: str) -> None:
        self.display_as = display_as

    def __repr__(self) -> str:
        return self.display_as


def _needs_to_implement(that: Any, func_name: str) -> NoReturn:
    """Raise the NotImplementedError an unimplemented plugin method gives."""
    plugin_name = getattr(that, "_coverage_plugin_name", None)
    if plugin_name is not None:
        what = f"Plugin {plugin_name!r}"
    else:
        klass = type(that)
        what = f"Class '{klass.__module__}.{klass.__name__}'"
    raise NotImplementedError(f"{what} needs to implement {func_name}()")


# -- Files ----------------------------------------------------------------------------


def file_be_gone(path: str | Path) -> None:
    """Remove a file; a file that is already gone is fine, other errors are not."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def ensure_dir(directory: str) -> None:
    """Make sure `directory` exists (an empty name means the current one)."""
    if directory:
        os.makedirs(directory, exist_ok=True)


def ensure_dir_for_file(path: str) -> None:
    """Make sure the directory that will hold `path` exists."""
    ensure_dir(os.path.dirname(path))


def output_encoding(outfile: Any = None) -> str:
    """The encoding to write to `outfile` (default stdout) with."""
    outfile = outfile or sys.__stdout__
    return getattr(outfile, "encoding", None) or sys.getfilesystemencoding()


# -- Fingerprints ------------------------------------------------------------------------


class Hasher:
    """A fingerprint of nested Python data: equal data, equal digests.

    Every value is fed with its type and an end marker, and strings and
    bytes with their length, so differently shaped data can't collide by
    concatenation (["", []] and [".<class 'list'>"] differ).
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def update(self, v: Any) -> None:
        """Fold `v` (recursively, for containers and objects) into the fingerprint."""
        self._feed(type(v).__qualname__ + "(")
        if isinstance(v, (str, bytes)):
            raw = v.encode("utf-8") if isinstance(v, str) else v
            self._feed(f"{len(raw)}:")
            self._hash.update(raw)
        elif v is None or isinstance(v, (int, float)):
            self._feed(repr(v))
        elif isinstance(v, (tuple, list)):
            self._update_all(v)
        elif isinstance(v, dict):
            for key, value in sorted(v.items()):
                self._update_all((key, value))
        elif isinstance(v, (set, frozenset)):
            self._update_all(sorted(v))
        else:
            self._update_attributes(v)
        self._feed(")")

    def _update_all(self, values: Iterable[Any]) -> None:
        for value in values:
            self.update(value)

    def _update_attributes(self, obj: Any) -> None:
        """Objects are fingerprinted by their public, non-method attributes."""
        for name in dir(obj):
            if name.startswith("__"):
                continue
            value = getattr(obj, name)
            if not inspect.isroutine(value):
                self._update_all((name, value))

    def _feed(self, text: str) -> None:
        self._hash.update(text.encode("utf-8"))

    def digest(self) -> bytes:
        """The full binary digest."""
        return self._hash.digest()

    def hexdigest(self) -> str:
        """The digest as 32 hex characters."""
        return self._hash.hexdigest()[:32]


# -- Text -------------------------------------------------------------------------------


def substitute_variables(text: str, variables: Mapping[str, str]) -> str:
    """Expand shell-style `$VAR` references in `text` from `variables`.

    Forms: `$VAR`, `${VAR}`, `${VAR?}` (an error if undefined),
    `${VAR-default}`, and `$$` for a dollar sign; the engine's config
    reader uses the same rules.
    """
    return _engine.substitute_variables(text, dict(variables))


# The engine's one "human" order (digit runs compare as numbers, the text
# itself breaks ties), as coverage.py's key shape.
_human_key = functools.cache(_engine.human_key)


def human_sorted(strings: Iterable[str]) -> list[str]:
    """Sort strings so that embedded numbers sort by value ("a9" < "a10")."""
    return sorted(strings, key=_human_key)


def human_sorted_items(items: Iterable[SortableItem], reverse: bool = False) -> list[SortableItem]:
    """Sort (name, ...) items by `human_sorted` order of the name, then the rest."""
    return sorted(items, key=lambda item: (_human_key(item[0]), *item[1:]), reverse=reverse)


def plural(n: int, thing: str = "", things: str = "") -> str:
    """ "1 file", "2 files": `n` and the noun, plural unless n is 1."""
    noun = thing if n == 1 else (things or thing + "s")
    return f"{n} {noun}"


def neutralize_control(text: str) -> str:
    """Replace unprintable characters with "?" so names can't inject escapes.

    A file name may hold control characters; echoed to a terminal they act
    as escape sequences, and in XML they break the document.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def format_local_datetime(dt: datetime.datetime) -> str:
    """`dt` in the local time zone, as "2024-01-31 14:05 +0100"."""
    return dt.astimezone().strftime("%Y-%m-%d %H:%M %z")


def stdout_link(text: str, url: str) -> str:
    """`text` as a terminal hyperlink to `url` when stdout is a terminal."""
    if getattr(sys.stdout, "isatty", None) and sys.stdout.isatty():
        return f"\033]8;;{url}\a{text}\033]8;;\a"
    return text
