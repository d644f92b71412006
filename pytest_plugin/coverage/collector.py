"""Glue between a `Coverage` and the native tracer.

The tracer, the choice of its core and the per-code-object measure/skip
decisions live in Rust (`_engine.Tracer`); this module stacks collectors
for nested `Coverage` objects, installs the tracer on the threads Python
starts when the core needs that, and hands the collected lines to the data
layer.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, ClassVar

from coverage.exceptions import ConfigError
from ferrocov import _engine

# should_trace(filename, frame) -> the file name to record under, or None.
ShouldTrace = Callable[[str, FrameType], "str | None"]
Warn = Callable[..., None]


# The light-thread libraries `[run] concurrency` may name, and the module
# each needs (the configuration allows one of them at a time).
LIGHT_THREAD_MODULES = {"greenlet": "greenlet", "eventlet": "eventlet.greenthread", "gevent": "gevent"}


def check_light_threads(concurrency: list[str]) -> None:
    """The light-thread library `concurrency` names must be importable, as
    coverage.py demands (it imports it too)."""
    for name, module in LIGHT_THREAD_MODULES.items():
        if name in concurrency:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ConfigError(f"Couldn't trace with concurrency={name}, the module isn't installed.") from exc
            return


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
        should_start_context: Callable[[FrameType], str | None] | None = None,
        switch_context: Callable[[str | None], object] | None = None,
    ) -> None:
        """`should_trace` is an `_engine.FileDecider` (the engine decides,
        and names files as `file_mapper` would), or a Python callable. The
        engine chooses the core from `config`. Dynamic contexts: the core
        asks `should_start_context(frame)` when a test function starts and
        calls `switch_context(label | None)` when its context starts or ends."""
        self.should_start_context = should_start_context
        self._tracer = _engine.Tracer.for_config(
            config.engine(),
            should_trace,
            warn,
            should_start_context=should_start_context,
            switch_context=switch_context,
        )
        check_light_threads(config.concurrency)
        self._should_trace = should_trace
        self._file_mapper = file_mapper

    def tracer_name(self) -> str:
        """The name of the measurement core, as `coverage debug sys` shows it."""
        return self._tracer.name

    @property
    def systrace(self) -> bool:
        """Does the core trace with sys.settrace (so threads need a hook)?"""
        return self._tracer.systrace

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
        # The engine may start another core than it was built with (sysmon
        # with no free tool id measures with ctrace), so ask after starting.
        self._tracer.start()
        if self.systrace:
            # Threads started from now on install the tracer on their first
            # event; sys.monitoring reaches every thread by itself.
            threading.settrace(self._install_in_new_thread)

    def _pause(self) -> None:
        if self.systrace:
            threading.settrace(None)  # type: ignore[arg-type]
        self._tracer.stop()

    def _install_in_new_thread(self, frame: FrameType, event: str, arg: Any) -> None:
        """threading.settrace hook: swap the Python hook for the native tracer."""
        sys.settrace(None)
        self._tracer.install_thread(frame)
        return None

    def reset(self) -> None:
        """Forget what was collected."""
        self._tracer.clear()

    def switch_context(self, data: Any, context: str | None) -> str | None:
        """File what ran so far under the current context, then record anew
        (every line and arc seen again) under `context`; the previous
        context is returned."""
        self.flush_data(data)
        self._tracer.clear()
        return data.set_context(context)

    def flush_data(self, data: Any) -> bool:
        """Move collected lines into `data`; say whether anything ran."""
        if isinstance(self._should_trace, _engine.FileDecider):
            # Names are already final: the engine hands the lines over itself.
            return bool(self._tracer.flush_into(data._engine))
        if not self._tracer.take_activity():
            return False
        if self._tracer.branch:
            arcs: dict[str, list[tuple[int, int]]] = {}
            for filename, pairs in self._tracer.arcs().items():
                if pairs:  # files with nothing new stay out, as in coverage.py
                    arcs.setdefault(self._file_mapper(filename), []).extend(pairs)
            data.add_arcs(arcs)
        else:
            lines: dict[str, list[int]] = {}
            for filename, linenos in self._tracer.lines().items():
                if linenos:
                    lines.setdefault(self._file_mapper(filename), []).extend(linenos)
            data.add_lines(lines)
        self._tracer.clear()
        return True
