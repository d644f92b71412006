"""A program that saves and restores the trace function keeps coverage on,
in the main thread and in threads, as with coverage.py's CTracer (the
ctrace core: 3.11's default, and `core = ctrace` anywhere)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cli_support import SideBySide

ROUND_TRIP = """\
import sys

def helper():
    return 1

old = sys.gettrace()
sys.settrace(None)
helper()
sys.settrace(old)

def after():
    a = 1
    b = 2
    return a + b

after()
print(type(sys.gettrace()).__name__ if sys.gettrace() else None)
"""

THREADED = """\
import sys
import threading

def restore():
    old = sys.gettrace()
    sys.settrace(old)
    work()

def work():
    total = 0
    for i in range(3):
        total += i
    return total

def later():
    x = 1
    return x

t = threading.Thread(target=restore)
t.start()
t.join()
t = threading.Thread(target=later)
t.start()
t.join()
"""

NESTED_SAVE = """\
import sys

def tracer(frame, event, arg):
    return None

def measured_after():
    return 42

saved = sys.gettrace()
sys.settrace(tracer)
sys.settrace(saved)
measured_after()
"""


@pytest.mark.parametrize(
    "program", [ROUND_TRIP, THREADED, NESTED_SAVE], ids=["round-trip", "threads", "foreign-then-restore"]
)
def test_trace_function_round_trip_keeps_measuring(
    tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path, program: str
) -> None:
    rc = "[run]\ncore = ctrace\n"
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"prog.py": program, ".coveragerc": rc})
    ours, oracle = project.run("run", "prog.py")
    assert (ours.returncode, ours.stderr) == (oracle.returncode, oracle.stderr) == (0, "")
    ours_report, oracle_report = project.run("report", "-m")
    assert ours_report.stdout == oracle_report.stdout


def test_gettrace_returns_the_tracer_while_measuring(tmp_path: Path, ferrocov_bin: Path) -> None:
    import subprocess

    from test_cli_support import clean_env

    (tmp_path / "prog.py").write_text("import sys\nprint(callable(sys.gettrace()))\n")
    (tmp_path / ".coveragerc").write_text("[run]\ncore = ctrace\n")
    proc = subprocess.run(
        [str(ferrocov_bin / "coverage"), "run", "prog.py"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert (proc.returncode, proc.stdout) == (0, "True\n"), proc.stderr
