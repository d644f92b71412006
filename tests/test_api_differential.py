"""The `Coverage` API, run the same way under ferrocov and coverage.py 7.17.3.

One script drives the public API (start/stop, threads, nested objects,
exclusions, analysis2, options, save/load, erase) and prints JSON; both
tools must print the same thing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PROGRAM = textwrap.dedent(
    '''
    import threading


    def work(n):
        total = 0
        for i in range(n):
            if i % 3 == 0:
                total += i
            else:
                total -= 1
        return total


    def in_thread(results):
        results.append(work(5))


    def unused():  # pragma: no cover
        return 1


    def also_unused():
        return 2  # SKIP-ME


    class Shape:
        """A docstring."""

        def area(self):
            return 0


    def run():
        results = []
        t = threading.Thread(target=in_thread, args=(results,))
        t.start()
        t.join()
        return results
    '''
)

DRIVER = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, os.getcwd())
    import coverage

    out = {}
    cov = coverage.Coverage(data_file=".cov-api")
    cov.exclude("SKIP-ME")
    out["exclude_list"] = cov.get_exclude_list()
    out["current_before"] = coverage.Coverage.current() is None
    with cov.collect():
        out["current_during"] = coverage.Coverage.current() is cov
        import prog
        prog.work(4)
        prog.run()
    out["current_after"] = coverage.Coverage.current() is None
    fname, stmts, excl, missing, fmt = cov.analysis2(prog)
    out["analysis2"] = [os.path.basename(fname), stmts, excl, missing, fmt]
    out["analysis"] = [os.path.basename(x) if isinstance(x, str) and x.endswith(".py") else x
                       for x in cov.analysis("prog.py")]
    cov.save()
    out["branch"] = cov.get_option("run:branch")
    cov.set_option("report:precision", 2)
    out["precision"] = cov.get_option("report:precision")

    again = coverage.Coverage(data_file=".cov-api")
    again.load()
    data = again.get_data()
    out["measured"] = sorted(os.path.basename(f) for f in data.measured_files())
    out["lines"] = sorted(data.lines(os.path.abspath("prog.py")))
    with open("report.txt", "w") as f:
        out["total"] = again.report(file=f, show_missing=True)
    out["report"] = open("report.txt").read()
    again.erase()
    out["erased"] = os.path.exists(".cov-api")
    print(json.dumps(out, sort_keys=True))
    """
)


def run_driver(python: Path | str, tmp_path: Path) -> dict:
    work = tmp_path / Path(python).parent.parent.name
    work.mkdir()
    (work / "prog.py").write_text(PROGRAM)
    (work / "driver.py").write_text(DRIVER)
    proc = subprocess.run([str(python), "driver.py"], cwd=work, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_api_matches_coverage_py(oracle_python: Path, tmp_path: Path) -> None:
    ours = run_driver(sys.executable, tmp_path)
    theirs = run_driver(oracle_python, tmp_path)
    assert ours == theirs
    # The thread's lines were measured, the excluded line was not counted.
    assert 15 in ours["lines"]
    assert ours["erased"] is False
