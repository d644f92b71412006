"""What only the `ctrace` core (`ferrocov._engine.Tracer`, its default core) does.

The behaviour both cores share is tested once, parametrized over both, in
tests/test_sysmon.py.
"""

from __future__ import annotations

import sys

from ferrocov._engine import Tracer


def test_running_frames_get_their_line_events_back_after_stop() -> None:
    frame = sys._getframe()
    assert frame.f_trace_lines
    tracer = Tracer(lambda filename, frame: None)
    tracer.start()
    silenced = frame.f_trace_lines
    tracer.stop()
    assert not silenced
    assert frame.f_trace_lines
