"""Glue between a `Coverage` and the native tracer.

The tracer itself (and the per-code-object measure/skip decision cache)
lives in Rust; this module only installs it on the threads Python starts
and hands the collected lines to the data layer.
"""

from __future__ import annotations

import sys
import threading
from types import FrameType
from typing import Any, Callable, ClassVar

from ferrocov import _engine

# should_trace(filename, frame) -> the file name to record under, or None.
ShouldTrace = Callable[[str, FrameType], "str | None"]


class Collector:
    """Collects executed lines for one `Coverage` while it is started.

    Collectors stack: starting one pauses the one below it, stopping it
    resumes that one, as coverage.py does for nested `Coverage` objects.
    """

    _stack: ClassVar[list[Collector]] = []

    def __init__(self, should_trace: ShouldTrace, file_mapper: Callable[[str], str]) -> None:
        self._tracer = _engine.Tracer(should_trace)
        self._file_mapper = file_mapper

    def tracer_name(self) -> str:
        """The name of the measurement core, as `coverage debug sys` shows it."""
        return "CTracer"

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
        # Threads started from now on install the tracer on their first event.
        threading.settrace(self._install_in_new_thread)
        self._tracer.start()

    def _pause(self) -> None:
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
        if not self._tracer.take_activity():
            return False
        lines = self._tracer.lines()
        mapped: dict[str, list[int]] = {}
        for filename, linenos in lines.items():
            mapped.setdefault(self._file_mapper(filename), []).extend(linenos)
        data.add_lines(mapped)
        self._tracer.clear()
        return True
