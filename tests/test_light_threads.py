"""`[run] concurrency = greenlet|gevent|eventlet`.

The configuration errors are compared with coverage.py 7.17.3's. What is
measured in programs that switch greenlets is compared with a ground truth
instead: a Python trace function that keeps each frame's last line, run on
the same program. coverage.py is not the reference there: its CTracer
loses the lines a frame runs after switching back into the main greenlet
(coveragepy issue #841, open), where ferrocov records them (both cores keep
their state per frame, so a switch needs no bookkeeping).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli_support import SideBySide, clean_env, run_coverage, write_files
from test_combine import warnings_of


def test_library_not_installed(tmp_path, ferrocov_bin, oracle_bin) -> None:
    # eventlet is installed in neither environment.
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"prog.py": "a = 1\n"})
    for core in ("ctrace", "sysmon"):
        ours, oracle = project.run("run", "--concurrency=eventlet", "prog.py", COVERAGE_CORE=core)
        assert (ours.returncode, ours.stdout) == (oracle.returncode, oracle.stdout)
        # The core's warning, under sysmon (before the error, as in coverage.py).
        assert warnings_of(ours.stderr) == warnings_of(oracle.stderr)
        assert ours.returncode == 1
        assert "Couldn't trace with concurrency=eventlet, the module isn't installed." in ours.stdout
    if sys.version_info >= (3, 12):
        assert "Can't use core=sysmon: it doesn't support concurrency=eventlet" in ours.stderr


@pytest.mark.parametrize(
    "setting",
    [["--concurrency=gevent,greenlet"], ["--concurrency=thread,eventlet,gevent"], ["--concurrency=fibers"]],
)
def test_conflicting_or_unknown_settings(tmp_path, ferrocov_bin, oracle_bin, setting: list[str]) -> None:
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"prog.py": "a = 1\n"})
    ours, oracle = project.run("run", *setting, "prog.py")
    assert ours == oracle
    assert ours.returncode == 1


# A trace function keeping each frame's last line: the lines and arcs a
# correct tracer records for the file named first on the command line.
GROUND_TRUTH = """\
import json, os, runpy, sys
target = os.path.abspath(sys.argv[1])
lines, arcs, last = set(), set(), {}

def trace(frame, event, arg):
    if frame.f_code.co_filename != target:
        return None
    first = frame.f_code.co_firstlineno
    if event == "call":
        last[frame] = -first
    elif event == "line":
        lines.add(frame.f_lineno)
        arcs.add((last[frame], frame.f_lineno))
        last[frame] = frame.f_lineno
    elif event == "return":
        arcs.add((last.pop(frame), -first))
    return trace

sys.argv = sys.argv[1:]
sys.settrace(trace)
try:
    runpy.run_path(target, run_name="__main__")
finally:
    sys.settrace(None)
    with open("truth.json", "w") as f:
        json.dump({"lines": sorted(lines), "arcs": sorted(arcs)}, f)
"""

GREENLETS = """\
from greenlet import greenlet

def first(x, y):
    z = second_gr.switch(x + y)
    print(z)
    if z == 42:
        second_gr.switch("again")
    print("never")

def second(u):
    print(u)
    v = first_gr.switch(42)
    print(v)
    for i in range(3):
        if i == 5:
            print("never")

first_gr = greenlet(first)
second_gr = greenlet(second)
first_gr.switch("hello", " world")
print("done")
"""

# coveragepy #841: line 15 runs after joinall() switched back into the
# main greenlet; coverage.py reports it missing.
GEVENT_SPAWN = """\
import gevent

def work(n):
    total = 0
    for i in range(n):
        gevent.sleep(0)
        if i % 2:
            total += i
        else:
            total -= 1
    return total

jobs = [gevent.spawn(work, n) for n in (3, 4, 5)]
gevent.joinall(jobs)
print([job.value for job in jobs])
"""

GEVENT_THREADS = """\
from gevent import monkey
monkey.patch_thread()
import threading
import gevent.queue as queue

class Producer(threading.Thread):
    def __init__(self, q):
        threading.Thread.__init__(self)
        self.q = q

    def run(self):
        for i in range(100):
            self.q.put(i)
        self.q.put(None)

def consume(q, out):
    total = 0
    while True:
        i = q.get()
        if i is None:
            break
        total += i
    out.append(total)

q = queue.Queue()
out = []
consumer = threading.Thread(target=consume, args=(q, out))
producer = Producer(q)
consumer.start()
producer.start()
producer.join()
consumer.join()
print(out)
"""

PROGRAMS = {
    "greenlet": ("greenlet", GREENLETS),
    "spawn": ("gevent", GEVENT_SPAWN),
    "threads": ("gevent", GEVENT_THREADS),
}


def ground_truth(root: Path) -> dict[str, list]:
    subprocess.run(
        [sys.executable, "truth.py", "prog.py"], cwd=root, env=clean_env(), check=True, capture_output=True, timeout=60
    )
    return json.loads((root / "truth.json").read_text(encoding="utf-8"))


def measured(root: Path, ferrocov_bin: Path, run_args: list[str], core: str) -> tuple[set[int], set[tuple[int, int]]]:
    run = run_coverage(ferrocov_bin, ["run", "--branch", *run_args, "prog.py"], root, COVERAGE_CORE=core)
    assert run.returncode == 0, run
    script = (
        "import json, os, coverage\n"
        "data = coverage.CoverageData()\n"
        "data.read()\n"
        "name = os.path.abspath('prog.py')\n"
        "print(json.dumps({'lines': sorted(data.lines(name)), 'arcs': sorted(data.arcs(name))}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=clean_env(), check=True, capture_output=True, text=True
    )
    found = json.loads(out.stdout)
    return set(found["lines"]), {tuple(arc) for arc in found["arcs"]}


@pytest.mark.parametrize("with_setting", [True, False], ids=["concurrency-set", "concurrency-unset"])
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_switching_greenlets_is_measured_exactly(tmp_path, ferrocov_bin, program: str, with_setting: bool) -> None:
    library, source = PROGRAMS[program]
    pytest.importorskip(library)
    write_files(tmp_path, {"prog.py": source, "truth.py": GROUND_TRUTH})
    truth = ground_truth(tmp_path)
    if program == "spawn":
        assert 15 in truth["lines"], "the line coverage.py misses did run"
    run_args = [f"--concurrency={library}"] if with_setting else []
    # The light-thread setting makes the default core ctrace (sysmon refuses
    # it, as coverage.py's does); without it sysmon measures.
    for core in ("ctrace", "" if with_setting else "sysmon"):
        lines, arcs = measured(tmp_path, ferrocov_bin, run_args, core)
        assert lines == set(truth["lines"]), core
        if core == "ctrace":
            # sysmon records other arcs for lines that are not branches (by
            # design, see docs/architecture.md); the trace core's are exact.
            assert arcs == {tuple(arc) for arc in truth["arcs"]}
