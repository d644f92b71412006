"""The native tracer through its Python face, `ferrocov._engine.Tracer`."""

from __future__ import annotations

import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ferrocov._engine import Tracer


def make_module(tmp_path: Path, name: str, body: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    namespace: dict = {"__name__": name}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return str(path), namespace


BODY = """
def f(x):
    if x:
        return 1
    return 2
"""


def test_records_only_what_should_trace_accepts(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "wanted", BODY)
    _, other = make_module(tmp_path, "other", BODY)
    tracer = Tracer(lambda filename, frame: filename if filename == wanted else None)
    tracer.start()
    ns["f"](1)
    other["f"](0)
    tracer.stop()
    assert tracer.lines() == {wanted: [3, 4]}


def test_threads_started_after_start_are_measured(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "threaded", BODY)
    tracer = Tracer(lambda filename, frame: filename if filename == wanted else None)

    def hook(frame, event, arg):
        sys.settrace(None)
        tracer.install_thread()

    tracer.start()
    threading.settrace(hook)
    try:
        thread = threading.Thread(target=ns["f"], args=(0,))
        thread.start()
        thread.join()
    finally:
        threading.settrace(None)
        tracer.stop()
    assert tracer.lines() == {wanted: [3, 5]}


def test_should_trace_errors_surface_at_stop_and_measurement_goes_on(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "raising", BODY)

    def should_trace(filename, frame):
        if filename == wanted:
            raise ValueError("boom")
        return None

    tracer = Tracer(should_trace)
    tracer.start()
    assert ns["f"](1) == 1
    with pytest.raises(ValueError, match="boom"):
        tracer.stop()
    assert tracer.lines() == {}


def test_running_frames_get_their_line_events_back_after_stop(tmp_path: Path) -> None:
    frame = sys._getframe()
    assert frame.f_trace_lines
    tracer = Tracer(lambda filename, frame: None)
    tracer.start()
    silenced = frame.f_trace_lines
    tracer.stop()
    assert not silenced
    assert frame.f_trace_lines


def test_activity_and_clear(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "activity", BODY)
    tracer = Tracer(lambda filename, frame: filename)
    assert not tracer.take_activity()
    tracer.start()
    ns["f"](0)
    tracer.stop()
    assert tracer.take_activity()
    assert not tracer.take_activity()
    assert tracer.lines()[wanted] == [3, 5]
    tracer.clear()
    # The file stays known (its decision is cached); its lines are gone.
    assert tracer.lines() == {wanted: []}
