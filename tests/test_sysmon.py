"""The sys.monitoring core, `ferrocov._engine.Tracer(..., core="sysmon")`, side by side
with the `ctrace` core where they must behave the same."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from coverage.exceptions import ConfigError
from ferrocov._engine import Tracer
from test_cli_support import SideBySide, clean_env

HAS_SYSMON = hasattr(sys, "monitoring")
needs_sysmon = pytest.mark.skipif(not HAS_SYSMON, reason="sys.monitoring is 3.12+")


def SysmonTracer(should_trace):  # noqa: N802 - reads as the core it builds
    return Tracer(should_trace, core="sysmon")


BOTH = pytest.mark.parametrize(
    "tracer_class", [Tracer, pytest.param(SysmonTracer, marks=needs_sysmon)], ids=["ctrace", "sysmon"]
)


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


def only(wanted: str):
    return lambda filename, frame: filename if filename == wanted else None


@BOTH
def test_records_only_what_should_trace_accepts(tmp_path: Path, tracer_class) -> None:
    wanted, ns = make_module(tmp_path, "wanted", BODY)
    _, other = make_module(tmp_path, "other", BODY)
    tracer = tracer_class(only(wanted))
    tracer.start()
    ns["f"](1)
    other["f"](0)
    tracer.stop()
    assert tracer.lines() == {wanted: [3, 4]}


def run_hooked_thread(tracer, thread: threading.Thread) -> None:
    """Run `thread` measured by `tracer`, hooked in as coverage's Collector
    does: a `threading.settrace` hook that installs the native tracer."""

    def hook(frame, event, arg):
        sys.settrace(None)
        tracer.install_thread(frame)

    tracer.start()
    threading.settrace(hook)
    try:
        thread.start()
        thread.join()
    finally:
        threading.settrace(None)  # type: ignore[arg-type]
        tracer.stop()


@BOTH
def test_threads_started_after_start_are_measured(tmp_path: Path, tracer_class) -> None:
    wanted, ns = make_module(tmp_path, "threaded", BODY)
    tracer = tracer_class(only(wanted))
    run_hooked_thread(tracer, threading.Thread(target=ns["f"], args=(0,)))
    assert tracer.lines() == {wanted: [3, 5]}


THREAD_CLASS = """
import threading

class Worker(threading.Thread):
    def run(self):
        self.a = 6
        self.work()
        self.a = 8

    def work(self):
        self.a = 11
"""


@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
def test_the_first_frame_of_a_thread_is_measured(tmp_path: Path, branch: bool) -> None:
    """The hook sees the call of the thread's `run` (coverage.py's
    test_oddball ThreadingTest.test_thread_run): that frame is measured too."""
    wanted, ns = make_module(tmp_path, "worker", THREAD_CLASS)
    tracer = Tracer(only(wanted), core="ctrace", branch=branch)
    run_hooked_thread(tracer, ns["Worker"]())
    if branch:
        assert sorted(tracer.arcs()[wanted]) == [(-10, 11), (-5, 6), (6, 7), (7, 8), (8, -5), (11, -10)]
    else:
        assert tracer.lines() == {wanted: [6, 7, 8, 11]}


BRANCHES = """
import asyncio

def pick(x):
    if x:
        return 1
    return 2

async def drain(items):
    got = []
    async for item in items:
        got.append(item)
    return got

async def agen(n):
    for i in range(n):
        yield i
"""


@needs_sysmon
def test_sysmon_records_both_directions_of_a_branch(tmp_path: Path) -> None:
    """3.12/3.13 have one BRANCH event for both directions: disabling it
    after the first would lose the second. `async for` has no BRANCH event
    at all: its probes show both of its arcs."""
    wanted, ns = make_module(tmp_path, "branches", BRANCHES)
    tracer = Tracer(only(wanted), core="sysmon", branch=True)
    tracer.start()
    for x in (1, 1, 0):
        ns["pick"](x)
    asyncio.run(ns["drain"](ns["agen"](2)))
    tracer.stop()
    arcs = set(tracer.arcs()[wanted])
    ran = {a for a in arcs if a[0] == a[1]}
    assert ran == {(n, n) for n in (5, 6, 7, 10, 11, 12, 13, 16, 17)}
    # Out of the branch lines (5: if, 11: async for, 16: for), every arc taken.
    out_of_branches = {a for a in arcs - ran if a[0] in (5, 11, 16)}
    assert out_of_branches == {(5, 6), (5, 7), (11, 12), (11, 13), (16, 17), (16, -15)}


@needs_sysmon
def test_sysmon_measures_threads_without_any_hook(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "hookless", BODY)
    tracer = SysmonTracer(only(wanted))
    tracer.start()
    try:
        thread = threading.Thread(target=ns["f"], args=(1,))
        thread.start()
        thread.join()
    finally:
        tracer.stop()
    assert tracer.lines() == {wanted: [3, 4]}


@BOTH
def test_should_trace_errors_surface_at_stop_and_measurement_goes_on(tmp_path: Path, tracer_class) -> None:
    wanted, ns = make_module(tmp_path, "raising", BODY)

    def should_trace(filename, frame):
        if filename == wanted:
            raise ValueError("boom")
        return None

    tracer = tracer_class(should_trace)
    tracer.start()
    assert ns["f"](1) == 1
    with pytest.raises(ValueError, match="boom"):
        tracer.stop()
    assert tracer.lines() == {}


@BOTH
def test_activity_and_clear(tmp_path: Path, tracer_class) -> None:
    wanted, ns = make_module(tmp_path, "activity", BODY)
    tracer = tracer_class(lambda filename, frame: filename)
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


@BOTH
def test_frames_running_at_start_are_not_measured(tmp_path: Path, tracer_class) -> None:
    wanted, ns = make_module(
        tmp_path,
        "running",
        """
        def outer(tracer, inner):
            tracer.start()
            a = inner(0)
            return a

        def inner(x):
            return x + 1
        """,
    )
    tracer = tracer_class(only(wanted))
    try:
        ns["outer"](tracer, ns["inner"])
    finally:
        tracer.stop()
    assert tracer.lines() == {wanted: [8]}


@BOTH
def test_should_trace_gets_the_starting_frame(tmp_path: Path, tracer_class) -> None:
    wanted, ns = make_module(tmp_path, "framed", BODY)
    frames = []

    def should_trace(filename, frame):
        frames.append((filename, frame.f_code.co_filename, frame.f_code.co_name))
        return filename if filename == wanted else None

    tracer = tracer_class(should_trace)
    tracer.start()
    ns["f"](1)
    tracer.stop()
    assert (wanted, wanted, "f") in frames
    assert all(filename == code_file for filename, code_file, _ in frames)


@BOTH
def test_is_active_follows_start_and_stop(tracer_class) -> None:
    tracer = tracer_class(lambda filename, frame: None)
    assert not tracer.is_active()
    tracer.start()
    assert tracer.is_active()
    tracer.stop()
    assert not tracer.is_active()


@needs_sysmon
def test_lines_fire_again_after_clear_while_running(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "restart", BODY)
    tracer = SysmonTracer(only(wanted))
    tracer.start()
    try:
        ns["f"](1)
        assert tracer.lines() == {wanted: [3, 4]}
        tracer.clear()
        # The lines answered DISABLE the first time; clear() restarts them.
        ns["f"](1)
        assert tracer.lines() == {wanted: [3, 4]}
    finally:
        tracer.stop()


@needs_sysmon
def test_lines_fire_again_after_stop_clear_start(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "restart2", BODY)
    tracer = SysmonTracer(only(wanted))
    tracer.start()
    ns["f"](0)
    tracer.stop()
    tracer.clear()
    tracer.start()
    ns["f"](0)
    tracer.stop()
    assert tracer.lines() == {wanted: [3, 5]}


@needs_sysmon
def test_a_second_tracer_gets_lines_the_first_disabled(tmp_path: Path) -> None:
    wanted, ns = make_module(tmp_path, "handover", BODY)
    first = SysmonTracer(only(wanted))
    first.start()
    ns["f"](1)
    first.stop()
    second = SysmonTracer(only(wanted))
    second.start()
    ns["f"](1)
    second.stop()
    assert first.lines() == second.lines() == {wanted: [3, 4]}


@needs_sysmon
def test_stop_frees_the_tool_id() -> None:
    tracer = SysmonTracer(lambda filename, frame: None)
    tracer.start()
    tool = tracer.tool_id
    assert sys.monitoring.get_tool(tool) == "coverage.py"
    tracer.stop()
    assert sys.monitoring.get_tool(tool) is None
    assert tracer.tool_id is None
    tracer.stop()  # a second stop is harmless


@needs_sysmon
def test_coverage_id_stays_free_for_the_program() -> None:
    """A measured program may claim COVERAGE_ID itself (it could under
    coverage.py's default core): ours takes an id nobody names."""
    tracer = SysmonTracer(lambda filename, frame: None)
    tracer.start()
    try:
        assert tracer.tool_id not in (sys.monitoring.COVERAGE_ID, sys.monitoring.DEBUGGER_ID)
        sys.monitoring.use_tool_id(sys.monitoring.COVERAGE_ID, "the program")
        sys.monitoring.free_tool_id(sys.monitoring.COVERAGE_ID)
    finally:
        tracer.stop()


TOOL_IDS = (3, 4)


@needs_sysmon
def test_all_tool_ids_in_use_is_a_clear_error() -> None:
    from coverage.exceptions import CoverageException

    tools = (*TOOL_IDS, sys.monitoring.COVERAGE_ID)
    for tool in tools:
        sys.monitoring.use_tool_id(tool, "someone else")
    try:
        tracer = SysmonTracer(lambda filename, frame: None)
        with pytest.raises(CoverageException, match="already in use .*1 by 'someone else'"):
            tracer.start()
        assert not tracer.is_active()
    finally:
        for tool in tools:
            sys.monitoring.free_tool_id(tool)


@needs_sysmon
def test_dropping_a_started_tracer_frees_the_tool_id() -> None:
    tracer = SysmonTracer(lambda filename, frame: None)
    tracer.start()
    tool = tracer.tool_id
    del tracer
    assert sys.monitoring.get_tool(tool) is None


CLAIMING_PROGRAM = """\
import sys
def work(n):
    total = 0
    for i in range(n):
        total += i
    return total
sys.monitoring.use_tool_id(sys.monitoring.COVERAGE_ID, "my tool")
print(work(10))
sys.monitoring.free_tool_id(sys.monitoring.COVERAGE_ID)
"""

BUSY_IDS_PROGRAM = """\
import sys
import coverage
for tool in (3, 4, sys.monitoring.COVERAGE_ID):
    sys.monitoring.use_tool_id(tool, "busy")
import work
cov = coverage.Coverage(source=["."])
cov.start()
print(work.work(10))
cov.stop()
cov.save()
"""


@needs_sysmon
def test_program_claiming_coverage_id_is_measured(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> None:
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"prog.py": CLAIMING_PROGRAM})
    ours, oracle = project.run("run", "prog.py")
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)
    assert ours.stdout == "45\n"
    ours_report, oracle_report = project.run("report", "-m")
    assert ours_report.stdout == oracle_report.stdout


@needs_sysmon
def test_no_free_tool_id_falls_back_to_ctrace(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> None:
    """Every id we could use is taken before measuring starts: ferrocov
    warns (no-sysmon) and measures with ctrace, as completely as coverage.py."""
    work = CLAIMING_PROGRAM.split("sys.monitoring.use_tool_id")[0]
    files = {"prog.py": BUSY_IDS_PROGRAM, "work.py": work}
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, files)
    for bin_dir, root in ((ferrocov_bin, project.dirs["ours"]), (oracle_bin, project.dirs["oracle"])):
        proc = subprocess.run(
            [str(bin_dir / "python"), "prog.py"], cwd=root, env=clean_env(), capture_output=True, text=True
        )
        assert (proc.returncode, proc.stdout) == (0, "45\n"), proc.stderr
        if bin_dir == ferrocov_bin:
            assert "tool ids are already in use" in proc.stderr
            assert "using core ctrace (no-sysmon)" in proc.stderr
    ours_report, oracle_report = project.run("report", "-m")
    assert ours_report.stdout == oracle_report.stdout
    assert "work.py" in ours_report.stdout


# -- core selection, compared with coverage.py -----------------------------

CORE_SCRIPT = """\
import coverage
cov = coverage.Coverage({kwargs})
cov.start()
cov.stop()
print(dict(cov.sys_info())["core"])
"""


def core_of(python: str, tmp_path: Path, core: str | None, kwargs: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    if core is not None:
        env["COVERAGE_CORE"] = core
    script = tmp_path / "core.py"
    script.write_text(CORE_SCRIPT.format(kwargs=kwargs))
    done = subprocess.run(
        [python, "-W", "ignore", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.parametrize(
    "core, kwargs",
    [("ctrace", ""), ("sysmon", ""), ("sysmon", "branch=True"), ("pytrace", "timid=True")],
)
def test_named_core_matches_coverage(tmp_path: Path, oracle_python: str, core: str, kwargs: str) -> None:
    ours = core_of(sys.executable, tmp_path, core, kwargs)
    theirs = core_of(str(oracle_python), tmp_path, core, kwargs)
    if theirs == "PyTracer":
        # We have no pure-Python core; the C-level one does its job.
        assert ours == "CTracer"
    elif HAS_SYSMON and kwargs == "branch=True":
        # coverage.py's sysmon can't measure branches before 3.14 and falls
        # back to CTracer; ours can.
        assert (ours, theirs) == ("SysMonitor", "CTracer")
    else:
        assert ours == theirs


def test_sysmon_is_the_default_core_where_it_exists(tmp_path: Path) -> None:
    assert core_of(sys.executable, tmp_path, None) == ("SysMonitor" if HAS_SYSMON else "CTracer")


def test_unusable_sysmon_warns_like_coverage(tmp_path: Path, oracle_python: str) -> None:
    """`--branch` with core=sysmon: coverage.py warns and falls back to its
    default core on 3.11 (no sys.monitoring) and on 3.12/3.13 (no
    BRANCH_LEFT/RIGHT). Ours warns the same on 3.11 and measures on 3.12+."""
    script = tmp_path / "prog.py"
    script.write_text("x = 1\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["COVERAGE_CORE"] = "sysmon"
    outputs = []
    for python in (sys.executable, str(oracle_python)):
        done = subprocess.run(
            [python, "-m", "coverage", "run", "--branch", str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        # The warning's source location differs; its text must not.
        outputs.append(
            [line.split("CoverageWarning:")[1] for line in done.stderr.splitlines() if "CoverageWarning:" in line]
        )
    assert "Can't use core=sysmon" in outputs[1][0]
    if HAS_SYSMON:
        assert "sys.monitoring can't measure branches in this version" in outputs[1][0]
        assert outputs[0] == []
    else:
        assert outputs[0] == outputs[1]


def test_unknown_core_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(subprocess.CalledProcessError) as raised:
        core_of(sys.executable, tmp_path, "bogus")
    assert "Unknown core value: 'bogus'" in raised.value.stderr


# -- measured lines, compared with coverage.py's own sysmon core ------------

PROGRAM = {
    "empty.py": "",
    "docstring.py": '"""Only a docstring."""\n',
    "shapes.py": """\
import threading

def gen(n):
    for i in range(n):
        yield i
    return None

class Box:
    size = 3

    @property
    def double(self):
        return self.size * 2

def worker(out):
    out.append(sum(gen(4)))

def never():
    return "unused"

out = []
threads = [threading.Thread(target=worker, args=(out,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
value = (
    Box().double
    + len(out)
)
try:
    raise ValueError("x")
except ValueError:
    pass
""",
    "main.py": "import empty\nimport docstring\nimport shapes\n",
}

LINES_SCRIPT = """\
import json, coverage
data = coverage.CoverageData()
data.read()
print(json.dumps({f.rsplit("/", 1)[-1]: sorted(data.lines(f)) for f in data.measured_files()}, sort_keys=True))
"""


def measured_lines(python: str, tmp_path: Path, core: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["COVERAGE_CORE"] = core
    (tmp_path / ".coverage").unlink(missing_ok=True)
    subprocess.run([python, "-m", "coverage", "run", "main.py"], cwd=tmp_path, env=env, check=True, capture_output=True)
    (tmp_path / "lines.py").write_text(LINES_SCRIPT)
    done = subprocess.run([python, "lines.py"], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    return done.stdout


@needs_sysmon
def test_lines_match_coverage_sysmon_core(tmp_path: Path, oracle_python) -> None:
    for name, text in PROGRAM.items():
        (tmp_path / name).write_text(text)
    ours = measured_lines(sys.executable, tmp_path, "sysmon")
    theirs = measured_lines(str(oracle_python), tmp_path, "sysmon")
    assert '"empty.py": [0]' in theirs
    assert ours == theirs


def _config(**options):
    from coverage.config import CoverageConfig

    config = CoverageConfig()
    config.from_args(**options)
    return config.engine()


def test_one_face_chooses_the_core_from_the_config() -> None:
    warnings: list[tuple[str, str | None]] = []

    def warn(msg: str, slug: str | None = None) -> None:
        warnings.append((msg, slug))

    default = Tracer.for_config(_config(), lambda filename, frame: None, warn)
    assert (default.core, default.name) == (("sysmon", "SysMonitor") if HAS_SYSMON else ("ctrace", "CTracer"))
    assert default.systrace is not HAS_SYSMON
    assert Tracer.for_config(_config(timid=True), lambda f, fr: None, warn).core == "ctrace"
    assert Tracer.for_config(_config(core="pytrace"), lambda f, fr: None, warn).core == "ctrace"
    assert warnings == []
    branchy = Tracer.for_config(_config(core="sysmon", branch=True), lambda f, fr: None, warn)
    if HAS_SYSMON:
        # Branches are measured by sysmon too (coverage.py needs 3.14).
        assert branchy.core == "sysmon" and warnings == []
    else:
        assert branchy.core == "ctrace"
        reason = "sys.monitoring isn't available in this version"
        assert (
            warnings and warnings[0][1] == "no-sysmon" and warnings[0][0].startswith(f"Can't use core=sysmon: {reason}")
        )
    with pytest.raises(ConfigError, match=r"^Unknown core value: 'turbo'$"):
        Tracer.for_config(_config(core="turbo"), lambda f, fr: None, warn)
    with pytest.raises(ConfigError, match=r"^Unknown core value: 'turbo'$"):
        Tracer(lambda f, fr: None, core="turbo")
