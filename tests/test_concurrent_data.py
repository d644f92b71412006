"""Many processes saving into one data file at once lose nothing.

Several workers each run a series of `coverage run --append` one after the
other, all into one data file, which exists beforehand or not. Every run
measures a program of its own and a function of its own in a module they
all share, so the file tells exactly which runs landed: all of them must,
and every run must succeed.

Then the parallel way: every run writes a data file of its own (`-p`)
while another process combines and reports over and over; once all are
done, a last combine must hold every run.

The small versions run by default. The full-size ones (8 workers x 20 runs,
and workers being killed while others save) are marked `stress`, left out
of the default run (`-m "not stress"` in pyproject.toml); `nox -s stress`
runs them.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coverage.data import CoverageData


def program_name(worker: int, run: int) -> str:
    return f"prog_{worker}_{run}.py"


def shared_body_line(worker: int, run: int, runs: int) -> int:
    """The line of `shared.py` that only run `run` of `worker` executes."""
    return 2 * (worker * runs + run) + 2


def make_project(root: Path, workers: int, runs: int) -> None:
    """One program per run, and `shared.py` with one function per run."""
    shared = []
    for worker in range(workers):
        for run in range(runs):
            shared.append(f"def f_{worker}_{run}():\n    return {worker * runs + run}\n")
            (root / program_name(worker, run)).write_text(
                f"import time\nimport shared\nshared.f_{worker}_{run}()\ntime.sleep(0.05)\n"
            )
    (root / "shared.py").write_text("".join(shared))
    (root / "seed.py").write_text("seeded = True\n")


# A run waits at most a minute for another's lock (the busy timeout): one
# that takes longer than this is stuck, and fails the test instead of
# hanging it.
RUN_TIMEOUT = 120


@dataclass
class Outcome:
    """What became of the runs: finished ones, and failed ones with their output."""

    done: list[tuple[int, int]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    killed: list[tuple[int, int]] = field(default_factory=list)


def run_workers(
    coverage: Path,
    root: Path,
    workers: int,
    runs: int,
    args: tuple[str, ...] = ("--append",),
    live: dict[int, subprocess.Popen] | None = None,
) -> Outcome:
    """Each worker runs its programs one after the other, all workers at once,
    each as `coverage run *args program`.

    With `live`, each running process is published there (by worker) so
    that another thread can kill it; a run that ends by a signal is killed,
    not failed.
    """
    outcome = Outcome()
    lock = threading.Lock()
    start = threading.Barrier(workers)

    def worker_loop(worker: int) -> None:
        start.wait()
        for run in range(runs):
            cmd = [str(coverage), "run", *args, program_name(worker, run)]
            proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if live is not None:
                live[worker] = proc
            try:
                output, _ = proc.communicate(timeout=RUN_TIMEOUT)
                hung = False
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
                hung = True
            if live is not None:
                live.pop(worker, None)
            with lock:
                if hung:
                    outcome.failed.append(f"{program_name(worker, run)} hung for {RUN_TIMEOUT} s:\n{output}")
                elif proc.returncode == 0:
                    outcome.done.append((worker, run))
                elif live is not None and proc.returncode < 0:
                    outcome.killed.append((worker, run))
                else:
                    outcome.failed.append(f"{program_name(worker, run)} exited {proc.returncode}:\n{output}")

    threads = [threading.Thread(target=worker_loop, args=(w,)) for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def read_data(root: Path) -> CoverageData:
    data_file = root / ".coverage"
    with sqlite3.connect(data_file) as conn:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
    data = CoverageData(str(data_file))
    data.read()
    return data


def assert_runs_landed(data: CoverageData, root: Path, runs_done: list[tuple[int, int]], runs: int) -> None:
    """Each finished run's program and shared function are in the data."""
    measured = set(data.measured_files())
    missing = [program_name(w, r) for w, r in runs_done if str(root / program_name(w, r)) not in measured]
    assert missing == [], f"{len(missing)} of {len(runs_done)} runs lost"
    for worker, run in runs_done:
        assert data.lines(str(root / program_name(worker, run))) == [1, 2, 3, 4]
    shared_lines = set(data.lines(str(root / "shared.py")) or [])
    lost_calls = [(w, r) for w, r in runs_done if shared_body_line(w, r, runs) not in shared_lines]
    assert lost_calls == [], f"shared.py lost the lines of {len(lost_calls)} runs"


def append_scenario(coverage: Path, root: Path, workers: int, runs: int, existing: bool) -> None:
    make_project(root, workers, runs)
    if existing:
        seed = subprocess.run([str(coverage), "run", "seed.py"], cwd=root, capture_output=True, text=True)
        assert seed.returncode == 0, seed.stdout + seed.stderr
    outcome = run_workers(coverage, root, workers, runs)
    assert outcome.failed == []
    assert len(outcome.done) == workers * runs
    data = read_data(root)
    assert_runs_landed(data, root, outcome.done, runs)
    expected = {str(root / program_name(w, r)) for w in range(workers) for r in range(runs)}
    expected.add(str(root / "shared.py"))
    if existing:
        expected.add(str(root / "seed.py"))
    assert set(data.measured_files()) == expected


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_concurrent_appends_lose_nothing(tmp_path: Path, ferrocov_bin: Path, existing: bool) -> None:
    append_scenario(ferrocov_bin / "coverage", tmp_path, workers=4, runs=5, existing=existing)


@pytest.mark.stress
@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_stress_concurrent_appends_lose_nothing(tmp_path: Path, ferrocov_bin: Path, existing: bool) -> None:
    append_scenario(ferrocov_bin / "coverage", tmp_path, workers=8, runs=20, existing=existing)


# Every program of the kill scenario imports this many modules, so that
# each save rewrites that many rows and takes a while: kills then land in
# the middle of saves too.
BULK_MODULES = 300


@pytest.mark.stress
def test_stress_killed_writers_spoil_nothing(tmp_path: Path, ferrocov_bin: Path, oracle_python: Path) -> None:
    """Workers are killed (SIGKILL, SIGTERM) at random moments, some of them
    while saving; the file stays readable, by us and by coverage.py, and holds
    every run that finished."""
    workers, runs = 6, 15
    make_project(tmp_path, workers, runs)
    bulk = tmp_path / "bulk"
    bulk.mkdir()
    (bulk / "__init__.py").write_text("")
    for n in range(BULK_MODULES):
        (bulk / f"module_with_a_long_name_{n:04}.py").write_text(f"value = {n}\n")
    imports = "".join(f"import bulk.module_with_a_long_name_{n:04}\n" for n in range(BULK_MODULES))
    for worker in range(workers):
        for run in range(runs):
            path = tmp_path / program_name(worker, run)
            path.write_text(path.read_text() + imports)
    journal = tmp_path / ".coverage-journal"
    live: dict[int, subprocess.Popen] = {}
    finished = threading.Event()
    kills = {"random": 0, "while saving": 0}
    rng = random.Random(1234)

    def killer() -> None:
        while not finished.is_set():
            finished.wait(rng.uniform(0.001, 0.03))
            victims = list(live.copy().values())
            if not victims:
                continue
            if journal.exists() and rng.random() < 0.1:
                # Someone is in the middle of a transaction (or was, when
                # killed): kill them all, the writer among them.
                for proc in victims:
                    proc.send_signal(signal.SIGKILL)
                kills["while saving"] += 1
            elif rng.random() < 0.03:
                rng.choice(victims).send_signal(rng.choice([signal.SIGKILL, signal.SIGTERM]))
                kills["random"] += 1

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        outcome = run_workers(ferrocov_bin / "coverage", tmp_path, workers, runs, live=live)
    finally:
        finished.set()
        thread.join()
    print(f"{len(outcome.done)} runs finished, {len(outcome.killed)} killed; kills: {kills}")
    assert outcome.failed == []
    assert outcome.done, "no run finished: the scenario tested nothing"
    assert outcome.killed, "no run was killed: the scenario tested nothing"

    data = read_data(tmp_path)
    expected_lines = list(range(1, 5 + BULK_MODULES))
    for worker, run in outcome.done:
        assert data.lines(str(tmp_path / program_name(worker, run))) == expected_lines
    shared_lines = set(data.lines(str(tmp_path / "shared.py")) or [])
    assert all(shared_body_line(w, r, runs) in shared_lines for w, r in outcome.done)
    for n in range(BULK_MODULES):
        assert data.lines(str(bulk / f"module_with_a_long_name_{n:04}.py")) == [1]

    oracle_read = subprocess.run(
        [
            str(oracle_python),
            "-c",
            textwrap.dedent("""
                import sys
                from coverage.data import CoverageData
                data = CoverageData(sys.argv[1])
                data.read()
                for name in sorted(data.measured_files()):
                    print(name, len(data.lines(name)))
            """),
            str(tmp_path / ".coverage"),
        ],
        capture_output=True,
        text=True,
    )
    assert oracle_read.returncode == 0, oracle_read.stderr
    seen = dict(line.rsplit(" ", 1) for line in oracle_read.stdout.splitlines())
    for worker, run in outcome.done:
        assert seen[str(tmp_path / program_name(worker, run))] == str(len(expected_lines))


# What a combine or report may say while runs are still saving: there is
# nothing to combine, or nothing combined yet to report on.
QUIET_MOMENTS = ("No data to combine", "No data to report.")


def combine_while_saving(coverage: Path, root: Path, workers: int, runs: int) -> None:
    """Runs save parallel files while a combiner folds them in and reports."""
    make_project(root, workers, runs)
    finished = threading.Event()
    problems: list[str] = []
    rounds = {"combine": 0, "report": 0}

    def combiner() -> None:
        while not finished.is_set():
            for action, args in (("combine", ["combine", "--append"]), ("report", ["report"])):
                proc = subprocess.run(
                    [str(coverage), *args], cwd=root, capture_output=True, text=True, timeout=RUN_TIMEOUT
                )
                said = proc.stdout + proc.stderr
                if proc.returncode == 0:
                    rounds[action] += 1
                elif not said.strip().startswith(QUIET_MOMENTS):
                    problems.append(f"{action} exited {proc.returncode}:\n{said}")
                if "arning" in said:
                    problems.append(f"{action} warned:\n{said}")

    thread = threading.Thread(target=combiner)
    thread.start()
    try:
        outcome = run_workers(coverage, root, workers, runs, args=("-p",))
    finally:
        finished.set()
        thread.join()
    assert outcome.failed == []
    assert problems == []
    assert rounds["combine"] > 0, "the combiner never combined while runs were saving"
    last = subprocess.run([str(coverage), "combine", "--append"], cwd=root, capture_output=True, text=True)
    assert last.returncode == 0 or last.stdout.startswith("No data to combine"), last.stdout + last.stderr
    assert list(root.glob(".coverage.*")) == [], "a parallel file was left uncombined"
    data = read_data(root)
    assert_runs_landed(data, root, outcome.done, runs)
    assert len(outcome.done) == workers * runs


def test_combining_while_runs_save_loses_nothing(tmp_path: Path, ferrocov_bin: Path) -> None:
    combine_while_saving(ferrocov_bin / "coverage", tmp_path, workers=4, runs=5)


@pytest.mark.stress
def test_stress_combining_while_runs_save_loses_nothing(tmp_path: Path, ferrocov_bin: Path) -> None:
    combine_while_saving(ferrocov_bin / "coverage", tmp_path, workers=16, runs=50)
