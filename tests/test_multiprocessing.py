"""`[run] concurrency = multiprocessing`: the processes multiprocessing
starts are measured, differentially against coverage.py 7.17.3.

Each scenario runs one program under ferrocov's `coverage run` and under the
oracle's, each in its own copy of a scratch project, then `coverage combine`
and `coverage report -m`: the reports must be the same text. The programs
are written so that what is measured doesn't depend on scheduling: every
task's lines are recorded by whichever worker ran it, and the union is what
the report shows. (A pool terminated while its workers are idle is a race in
coverage.py too: a worker may or may not get to save first. Here the workers
are killed while they are busy, so without `sigterm = true` they save
nothing, with it they save what they ran, in both tools.)
"""

from __future__ import annotations

import json
import re

import pytest

from test_cli_support import CliResult, SideBySide, run_coverage, write_files
from test_combine import PARALLEL_NAME, data_files
from test_pytest_plugin import assert_same, both

PROGRAM = """\
import multiprocessing
import sys
import time


def work(x):
    if x % 3 == 0:
        return -x
    elif x % 3 == 1:
        return x * x
    return x


def relay(q, depth):
    if depth:
        ctx = multiprocessing.get_context(sys.argv[1])
        grandchild = ctx.Process(target=relay, args=(q, depth - 1))
        grandchild.start()
        grandchild.join()
    q.put(depth)


READY = None


def remember(ready):
    global READY
    READY = ready


def hang():
    with READY.get_lock():
        READY.value += 1
    time.sleep(60)
    print("never")


def run_pool(ctx):
    pool = ctx.Pool(2)
    print(sum(pool.map(work, range(12), chunksize=1)))
    pool.close()
    pool.join()


def run_short_lived_workers(ctx):
    pool = ctx.Pool(2, maxtasksperchild=1)
    print(sorted(pool.map(work, range(6))))
    pool.close()
    pool.join()


def run_processes(ctx):
    q = ctx.Queue()
    child = ctx.Process(target=relay, args=(q, 1))
    child.start()
    print(sorted([q.get(), q.get()]))
    child.join()
    print(child.exitcode)


def run_terminated_pool(ctx):
    ready = ctx.Value("i", 0)
    pool = ctx.Pool(1, initializer=remember, initargs=(ready,))
    pool.apply_async(hang)
    while ready.value == 0:
        time.sleep(0.02)
    pool.terminate()
    pool.join()
    print("terminated")


if __name__ == "__main__":
    start_method, scenario = sys.argv[1:]
    ctx = multiprocessing.get_context(start_method)
    if scenario == "pool":
        run_pool(ctx)
    elif scenario == "short":
        run_short_lived_workers(ctx)
    elif scenario == "process":
        run_processes(ctx)
    else:
        run_terminated_pool(ctx)
"""


def make_project(tmp_path, ferrocov_bin, oracle_bin, rc_name: str, rc_lines: list[str]) -> SideBySide:
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"prog.py": PROGRAM, rc_name: "\n".join(rc_lines) + "\n"})


def executed_lines(project: SideBySide, *options: str) -> set[int]:
    """The lines of prog.py the combined data holds, by ferrocov's JSON report."""
    ours = project.run("json", "-o", "-", *options)[0]
    return set(json.loads(ours.stdout)["files"]["prog.py"]["executed_lines"])


def run_and_report(project: SideBySide, run_args: list[str]) -> tuple[CliResult, CliResult]:
    """`coverage run`, `combine`, `report -m` in both copies: the run's
    status and output and the report must be the same; (ours, oracle) of
    the run are returned for further checks."""
    ours, oracle = project.run("run", *run_args)
    assert (ours.returncode, ours.stdout) == (oracle.returncode, oracle.stdout), (ours, oracle)
    assert "Traceback" not in ours.stderr, ours.stderr
    for result in project.run("combine"):
        assert result.returncode == 0, result
    report_ours, report_oracle = project.run("report", "-m")
    assert report_ours == report_oracle
    return ours, oracle


@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
@pytest.mark.parametrize("start_method", ["fork", "spawn", "forkserver"])
def test_pool_workers_are_measured(tmp_path, ferrocov_bin, oracle_bin, start_method: str, branch: bool) -> None:
    rc = ["[run]", "concurrency = multiprocessing", f"branch = {branch}"]
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, ".coveragerc", rc)
    run_and_report(project, ["prog.py", start_method, "pool"])
    # work() ran only in the workers: all of it is measured.
    assert set(range(7, 12)) <= executed_lines(project)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_processes_and_grandchildren(tmp_path, ferrocov_bin, oracle_bin, start_method: str) -> None:
    # A configuration file of another name, given with --rcfile: every
    # process reads it (branch = True is set nowhere else).
    rc = ["[run]", "concurrency = multiprocessing", "branch = True"]
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, "mp.ini", rc)
    ours, oracle = project.run("run", "--rcfile=mp.ini", "prog.py", start_method, "process")
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)
    assert ours.stdout == "[0, 1]\n0\n"
    # The parent, the child and the grandchild each wrote a parallel file.
    for root in project.dirs.values():
        assert data_files(root) == ["<parallel>"] * 3
    combined = project.run("combine", "--rcfile=mp.ini")
    assert combined[0] == combined[1]
    reports = project.run("report", "-m", "--rcfile=mp.ini")
    assert reports[0] == reports[1]
    # relay() ran only in the child (lines 15-20) and the grandchild (15, 20).
    assert set(range(15, 21)) <= executed_lines(project, "--rcfile=mp.ini")


@pytest.mark.parametrize(
    ("rc_name", "rc_lines"),
    [
        ("setup.cfg", ["[coverage:run]", "concurrency = multiprocessing", "branch = True"]),
        ("pyproject.toml", ["[tool.coverage.run]", 'concurrency = ["multiprocessing"]', "branch = true"]),
    ],
)
def test_settings_from_other_configuration_files(tmp_path, ferrocov_bin, oracle_bin, rc_name, rc_lines) -> None:
    # The children read the file the parent found, by its own rules.
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, rc_name, rc_lines)
    run_and_report(project, ["prog.py", "spawn", "process"])
    assert set(range(15, 21)) <= executed_lines(project)


def test_debug_multiproc(tmp_path, ferrocov_bin, oracle_bin) -> None:
    rc = ["[run]", "concurrency = multiprocessing", "debug = multiproc"]
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, ".coveragerc", rc)
    ours, oracle = project.run("run", "prog.py", "spawn", "process")
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)
    # The child and the grandchild each say when they start, end and save.
    assert ours.stderr.count("Calling multiprocessing bootstrap\n") == 2
    assert ours.stderr.count("Saved multiprocessing data\n") == 2


def test_short_lived_workers_save_their_data(tmp_path, ferrocov_bin, oracle_bin) -> None:
    # concurrency from the command line, the rest from the configuration file.
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, ".coveragerc", ["[run]", "source = ."])
    run_and_report(project, ["--concurrency=multiprocessing", "prog.py", "spawn", "short"])
    assert set(range(7, 12)) <= executed_lines(project)


# remember() and hang() run in the pool's worker, killed in time.sleep().
WORKER_LINES = {28, 32, 33, 34}


@pytest.mark.parametrize(
    ("start_method", "sigterm"),
    [("fork", False), ("spawn", False), ("spawn", True), ("forkserver", True)],
)
def test_terminated_pool(tmp_path, ferrocov_bin, oracle_bin, start_method: str, sigterm: bool) -> None:
    rc = ["[run]", "concurrency = multiprocessing", "branch = True", f"sigterm = {sigterm}"]
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, ".coveragerc", rc)
    ours, _ = run_and_report(project, ["prog.py", start_method, "terminate"])
    assert ours.stdout == "terminated\n"
    # The worker's lines are measured only if it saved its data on SIGTERM.
    executed = executed_lines(project)
    assert (WORKER_LINES & executed) == (WORKER_LINES if sigterm else set())
    assert 35 not in executed


def test_terminated_fork_pool_with_sigterm_saves_the_worker_data(tmp_path, ferrocov_bin) -> None:
    """Not differential: coverage.py 7.17.3 hangs here. Its forked worker
    chains from its own SIGTERM handler to the parent's inherited one,
    which fails (AssertionError) instead of ending the worker, and the
    pool's join() waits forever. ferrocov's worker saves its data and dies
    by the program's own handler."""
    files = {"prog.py": PROGRAM, ".coveragerc": "[run]\nconcurrency = multiprocessing\nbranch = True\nsigterm = True\n"}
    write_files(tmp_path, files)
    run = run_coverage(ferrocov_bin, ["run", "prog.py", "fork", "terminate"], tmp_path)
    assert (run.returncode, run.stdout, run.stderr) == (0, "terminated\n", "")
    # The parent's file and the worker's: the parent's measurement inherited
    # by the worker is not saved from there.
    assert data_files(tmp_path) == [".coveragerc", "<parallel>", "<parallel>"]
    assert run_coverage(ferrocov_bin, ["combine"], tmp_path).returncode == 0
    report = run_coverage(ferrocov_bin, ["json", "-o", "-"], tmp_path)
    executed = set(json.loads(report.stdout)["files"]["prog.py"]["executed_lines"])
    assert WORKER_LINES <= executed
    assert 35 not in executed


def test_needs_a_configuration_file(tmp_path, ferrocov_bin, oracle_bin) -> None:
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"prog.py": PROGRAM})
    ours, oracle = project.run("run", "--concurrency=multiprocessing", "prog.py", "fork", "pool")
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)
    assert ours.returncode == 1
    assert "multiprocessing requires a configuration file" in ours.stdout + ours.stderr


@pytest.mark.parametrize("option", ["--branch", "--source=.", "--timid"])
def test_run_options_must_be_in_the_configuration_file(tmp_path, ferrocov_bin, oracle_bin, option: str) -> None:
    project = make_project(tmp_path, ferrocov_bin, oracle_bin, ".coveragerc", ["[run]"])
    ours, oracle = project.run("run", "--concurrency=multiprocessing", option, "prog.py", "fork", "pool")
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)
    assert "Options affecting multiprocessing must only be specified in a configuration file." in ours.stderr
    for root in project.dirs.values():
        assert not [name for name in data_files(root) if name == "<parallel>" or PARALLEL_NAME.match(name)]


def test_pytest_cov_measures_pool_workers(tmp_path, ferrocov_bin, oracle_bin) -> None:
    """pytest-cov 7 leaves multiprocessing to coverage's setting: the
    workers' data is combined into the session's report."""
    root = tmp_path / "project"
    root.mkdir()
    files = {
        ".coveragerc": "[run]\nconcurrency = multiprocessing\nbranch = True\n",
        "mod.py": "def work(x):\n    if x % 2:\n        return x * x\n    return -x\n",
        "test_pool.py": (
            "import multiprocessing\n"
            "from mod import work\n\n"
            "def test_pool():\n"
            "    pool = multiprocessing.get_context('spawn').Pool(2)\n"
            "    assert sorted(pool.map(work, range(4))) == [-2, 0, 1, 9]\n"
            "    pool.close()\n"
            "    pool.join()\n"
        ),
    }
    write_files(root, files)
    ours, theirs = both(ferrocov_bin, oracle_bin, root, "--cov=.", "--cov-report=term-missing")
    assert_same(ours, theirs)
    assert re.search(r"^mod\.py +4 +0 +2 +0 +100%", ours.coverage_section(), re.MULTILINE), ours.stdout
