"""Glue between a `Coverage` and the native tracer.

The tracers themselves (and the per-code-object measure/skip decisions)
live in Rust; this module picks the core, installs it on the threads
Python starts when the core needs that, and hands the collected lines to
the data layer.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, ClassVar

from coverage.exceptions import ConfigError, CoverageException
from ferrocov import _engine

# should_trace(filename, frame) -> the file name to record under, or None.
ShouldTrace = Callable[[str, FrameType], "str | None"]
Warn = Callable[..., None]

# The cores we have: name in config -> (tracer class, name shown by `debug sys`).
CORES: dict[str, tuple[Any, str]] = {
    "ctrace": (_engine.Tracer, "CTracer"),
    "sysmon": (_engine.SysmonTracer, "SysMonitor"),
}
# coverage.py's pure-Python core; our C-level trace function does its job.
CORE_ALIASES = {"pytrace": "ctrace"}
LIGHT_THREADS = ("greenlet", "eventlet", "gevent")


def reason_no_sysmon(config: Any) -> str:
    """Why sys.monitoring can't measure with these settings ("" if it can)."""
    if getattr(sys, "monitoring", None) is None:
        return "sys.monitoring isn't available in this version"
    if config.branch:
        # Branch coverage needs 3.14's BRANCH_LEFT/RIGHT and isn't wired yet.
        return "sys.monitoring can't measure branches in this version"
    if config.dynamic_context and config.dynamic_context != "none":
        return "it doesn't yet support dynamic contexts"
    for light in LIGHT_THREADS:
        if light in (config.concurrency or ()):
            return f"it doesn't support concurrency={light}"
    return ""


def choose_core(config: Any, warn: Warn | None) -> str:
    """The core to measure with, by coverage.py's rules, except that
    sys.monitoring is the default wherever it can measure (3.12+)."""
    unusable = reason_no_sysmon(config) if config is not None else ""
    name = None
    if config is not None:
        name = "ctrace" if config.timid else config.core
    if name == "sysmon" and unusable:
        if warn is not None:
            warn(f"Can't use core=sysmon: {unusable}, using default core", slug="no-sysmon")
        name = None
    if name is None:
        name = "sysmon" if getattr(sys, "monitoring", None) is not None and not unusable else "ctrace"
    name = CORE_ALIASES.get(name, name)
    if name not in CORES:
        raise ConfigError(f"Unknown core value: {name!r}")
    return name


class Collector:
    """Collects executed lines for one `Coverage` while it is started.

    Collectors stack: starting one pauses the one below it, stopping it
    resumes that one, as coverage.py does for nested `Coverage` objects.
    """

    _stack: ClassVar[list[Collector]] = []

    def __init__(
        self,
        should_trace: ShouldTrace | Any,
        file_mapper: Callable[[str], str],
        *,
        config: Any,
        warn: Warn,
    ) -> None:
        """`should_trace` is an `_engine.FileDecider` (the engine decides,
        and names files as `file_mapper` would), or a Python callable."""
        self._core = choose_core(config, warn)
        tracer_class, self._tracer_name = CORES[self._core]
        self._tracer = tracer_class(should_trace)
        self._should_trace = should_trace
        self._warn = warn
        self._started = False
        self._file_mapper = file_mapper

    def tracer_name(self) -> str:
        """The name of the measurement core, as `coverage debug sys` shows it."""
        return self._tracer_name

    @property
    def systrace(self) -> bool:
        """Does the core trace with sys.settrace (so threads need a hook)?"""
        return self._core == "ctrace"

    def start(self) -> None:
        if self._stack:
            self._stack[-1]._pause()
        self._stack.append(self)
        self._resume()

    def stop(self) -> None:
        if self in self._stack:
            self._stack.remove(self)
        self._pause()
        if self._stack:
            self._stack[-1]._resume()

    def _resume(self) -> None:
        if self.systrace:
            # Threads started from now on install the tracer on their first
            # event; sys.monitoring reaches every thread by itself.
            threading.settrace(self._install_in_new_thread)
        self._start_tracer()

    def _start_tracer(self) -> None:
        """Start the core; if sys.monitoring has no free tool id when we
        first start, measure with ctrace instead, saying so."""
        try:
            self._tracer.start()
        except CoverageException as exc:
            if self._core != "sysmon" or self._started:
                raise
            self._warn(f"{exc}, using core ctrace", slug="no-sysmon")
            self._core = "ctrace"
            tracer_class, self._tracer_name = CORES["ctrace"]
            self._tracer = tracer_class(self._should_trace)
            threading.settrace(self._install_in_new_thread)
            self._tracer.start()
        self._started = True

    def _pause(self) -> None:
        if self.systrace:
            threading.settrace(None)  # type: ignore[arg-type]
        self._tracer.stop()

    def _install_in_new_thread(self, frame: FrameType, event: str, arg: Any) -> None:
        """threading.settrace hook: swap the Python hook for the native tracer."""
        sys.settrace(None)
        self._tracer.install_thread()
        return None

    def reset(self) -> None:
        """Forget what was collected."""
        self._tracer.clear()

    def flush_data(self, data: Any) -> bool:
        """Move collected lines into `data`; say whether anything ran."""
        if isinstance(self._should_trace, _engine.FileDecider):
            # Names are already final: the engine hands the lines over itself.
            return bool(self._tracer.flush_into(data._engine))
        if not self._tracer.take_activity():
            return False
        lines = self._tracer.lines()
        mapped: dict[str, list[int]] = {}
        for filename, linenos in lines.items():
            mapped.setdefault(self._file_mapper(filename), []).extend(linenos)
        data.add_lines(mapped)
        self._tracer.clear()
        return True
