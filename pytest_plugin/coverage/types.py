"""Type aliases and protocols shared by the `coverage` package.

coverage.py publishes these names in `coverage.types`; plugins, tools and
coverage.py's own test suite import them, so ferrocov offers the same names
with the same meaning. They describe shapes only: nothing here runs.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable, Iterable, Mapping
from types import FrameType, ModuleType
from typing import Any, Protocol

# Any callable at all, for decorators that don't care about signatures.
AnyCallable = Callable[..., Any]

# -- File paths --------------------------------------------------------------

# What the API accepts wherever a file or directory name is wanted.
FilePath = str | os.PathLike[str]

# The concrete path classes tests parametrize over, and their type.
FilePathClasses = [str, pathlib.Path]
FilePathType = type[str] | type[pathlib.Path]

# -- Measurement ---------------------------------------------------------------

# A source line number, 1-based.
TLineNo = int

# A bytecode offset in a code object.
TOffset = int

# An arc: a jump from one line to another. Negative numbers are the code
# object's entry (-first_line) and exit (-first_line) points.
TArc = tuple[TLineNo, TLineNo]


class TTraceFn(Protocol):
    """A `sys.settrace` trace function."""

    def __call__(
        self,
        frame: FrameType,
        event: str,
        arg: Any,
        lineno: TLineNo | None = None,
    ) -> TTraceFn | None: ...


class TFileDisposition(Protocol):
    """What was decided about measuring one file."""

    original_filename: str
    canonical_filename: str
    source_filename: str | None
    trace: bool
    reason: str
    file_tracer: Any
    has_dynamic_filename: bool


# What a tracer collects per file: lines, arcs, or packed numbers.
TTraceFileData = set[TLineNo] | set[TArc] | set[int]

# Everything a tracer collected, keyed by file name.
TTraceData = dict[str, TTraceFileData]

# Callbacks the collector hands to tracers.
TShouldTraceFn = Callable[[str, FrameType], TFileDisposition]
TCheckIncludeFn = Callable[[str, FrameType], bool]
TShouldStartContextFn = Callable[[FrameType], str | None]


class Tracer(Protocol):
    """The interface every tracer core offers the collector."""

    data: TTraceData
    trace_arcs: bool
    should_trace: TShouldTraceFn
    should_trace_cache: Mapping[str, TFileDisposition | None]
    should_start_context: TShouldStartContextFn | None
    switch_context: Callable[[str | None], None] | None
    lock_data: Callable[[], None]
    unlock_data: Callable[[], None]
    warn: TWarnFn

    def __init__(self) -> None: ...

    def start(self) -> TTraceFn | None:
        """Start tracing; return the trace function if there is one."""

    def stop(self) -> None:
        """Stop tracing."""

    def activity(self) -> bool:
        """Has there been any activity since the last reset?"""

    def reset_activity(self) -> None:
        """Forget past activity."""

    def get_stats(self) -> dict[str, int] | None:
        """Counters about the tracer's work, or None."""


# Keyword arguments to `Coverage()`, for tests that build them up.
TCovKwargs = Any

# -- Configuration ---------------------------------------------------------------

# Values `set_option` accepts and `get_option` returns.
TConfigValueIn = bool | int | float | str | Iterable[str] | Mapping[str, Iterable[str]] | None
TConfigValueOut = bool | int | float | str | list[str] | dict[str, list[str]] | None

# A whole section of options, such as `[paths]`.
TConfigSectionIn = Mapping[str, TConfigValueIn]
TConfigSectionOut = Mapping[str, TConfigValueOut]


class TConfigurable(Protocol):
    """Something whose options can be read and set by name (`Coverage`)."""

    def get_option(self, option_name: str) -> TConfigValueOut | None:
        """Read the option named like "section:option"."""

    def set_option(self, option_name: str, value: TConfigValueIn | TConfigSectionIn) -> None:
        """Set the option named like "section:option"."""


class TPluginConfig(Protocol):
    """What a plugin is given to read its own options."""

    def get_plugin_options(self, plugin: str) -> TConfigSectionOut:
        """The options of the plugin named `plugin`."""


# -- Reporting ---------------------------------------------------------------------

# A "module or filename", as the reporting API accepts.
TMorf = ModuleType | str
TMorfs = TMorf | Iterable[TMorf] | None

# Source split into lines of (token class, text) pairs.
TSourceTokenLines = Iterable[list[tuple[str, str]]]

# -- Messages ------------------------------------------------------------------------


class TWarnFn(Protocol):
    """The function that issues coverage warnings."""

    def __call__(self, msg: str, slug: str | None = None, once: bool = False) -> None: ...


class TDebugCtl(Protocol):
    """The part of `DebugControl` most code needs."""

    def should(self, option: str) -> bool:
        """Is the debug option `option` on?"""

    def write(self, msg: str) -> None:
        """Write a line of debug output."""


class TWritable(Protocol):
    """Anything with a `write(str)` method."""

    def write(self, msg: str) -> None:
        """Write `msg`."""
