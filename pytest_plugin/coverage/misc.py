"""Small helpers that other modules, and coverage.py's own tests, import."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path
from typing import Any, Iterable


def isolate_module(mod: types.ModuleType) -> types.ModuleType:
    """Return `mod`; kept for API compatibility (we never monkeypatch os)."""
    return mod


def join_regex(regexes: Iterable[str]) -> str:
    """One regex that matches if any of `regexes` match.

    A single pattern is kept as it is; several are each wrapped in a
    non-capturing group and joined with `|`, as coverage.py does.
    """
    regexes = list(regexes)
    if len(regexes) == 1:
        return regexes[0]
    return "|".join(f"(?:{regex})" for regex in regexes)


def bool_or_none(b: Any) -> bool | None:
    """`None` stays `None`, anything else becomes a bool."""
    return None if b is None else bool(b)


def ensure_dir(directory: str) -> None:
    """Make sure `directory` exists."""
    if directory:
        os.makedirs(directory, exist_ok=True)


def ensure_dir_for_file(path: str) -> None:
    """Make sure the directory that will hold `path` exists."""
    ensure_dir(os.path.dirname(path))


def output_encoding(outfile: Any = None) -> str:
    """The encoding to write to `outfile` (default stdout) with."""
    outfile = outfile or sys.__stdout__
    return getattr(outfile, "encoding", None) or sys.getfilesystemencoding()


def import_local_file(modname: str, modfile: str | None = None) -> types.ModuleType:
    """Import a module from a file in the current directory, freshly."""
    if modfile is None:
        modfile = modname + ".py"
    spec = importlib.util.spec_from_file_location(modname, modfile)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


def human_sorted(strings: Iterable[str]) -> list[str]:
    """Sort strings so that embedded numbers sort by value."""
    import re

    def key(text: str) -> list[Any]:
        return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]

    return sorted(strings, key=key)


def stdout_link(text: str, url: str) -> str:
    """Plain text: terminal hyperlinks are not emitted."""
    return text


def file_be_gone(path: str | Path) -> None:
    """Remove a file, and don't complain if it's not there."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
