"""Time the reports on a large data set, ferrocov against coverage.py 7.17.3.

Usage: python report_bench.py --ferrocov-python P --oracle-python Q [--runs N]

The data set: real source files (the oracle interpreter's standard
library, copied into a scratch project so their names are ordinary
project paths) until there are at least 300 files and 50,000 statements.
coverage.py's parser lists each file's possible arcs and a fixed,
seeded share of them is written as executed into one branch data file
(through coverage.py's own `CoverageData`), so both tools report the same
data, partial branches included.

Each report (`coverage report`, `xml`, `json`, `lcov`, and `html` /
`annotate` where ferrocov has them) runs as a user runs it: the CLI in a
fresh process, reading the data file. Runs alternate between the tools;
the table gives medians of wall time and of peak RSS (the child's
`ru_maxrss`), and the ratio coverage.py / ferrocov.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MIN_FILES = 300
MIN_STATEMENTS = 50_000

# Runs under the oracle: copies stdlib files into `project/lib` and writes
# `.coverage` with a seeded ~70% of each file's possible arcs executed (or,
# with a fourth argument "lines", the lines those arcs reach).
MAKE_DATA = """
import random, shutil, sys, sysconfig, pathlib, warnings
warnings.simplefilter("ignore")
from coverage import CoverageData
from coverage.parser import PythonParser
from coverage.python import get_python_source
project = pathlib.Path(sys.argv[1])
min_files, min_statements = int(sys.argv[2]), int(sys.argv[3])
stdlib = pathlib.Path(sysconfig.get_paths()["stdlib"])
arcs, statements = {}, 0
for source in sorted(stdlib.glob("*.py")) + sorted(stdlib.glob("*/*.py")):
    if "site-packages" in source.parts or "test" in source.parts:
        continue
    target = project / "lib" / source.relative_to(stdlib)
    try:
        parser = PythonParser(text=get_python_source(str(source)), filename=str(source))
        parser.parse_source()
        possible = sorted(parser.arcs())
    except Exception:
        continue
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    chooser = random.Random(str(target.relative_to(project)))
    arcs[str(target)] = [arc for arc in possible if chooser.random() < 0.7]
    statements += len(parser.statements)
    if len(arcs) >= min_files and statements >= min_statements:
        break
data = CoverageData(basename=str(project / ".coverage"))
if sys.argv[4:] == ["lines"]:
    data.add_lines({name: sorted({n for pair in pairs for n in pair if n > 0}) for name, pairs in arcs.items()})
else:
    data.add_arcs(arcs)
data.write()
print(len(arcs), statements)
"""

# Each report as a command line (after `coverage`), writing into the
# scratch project; errors in a few stdlib files are ignored (-i) by both.
REPORTS = {
    "report": ["report", "-i"],
    "xml": ["xml", "-i", "-o", "out.xml"],
    "json": ["json", "-i", "-o", "out.json"],
    "lcov": ["lcov", "-i", "-o", "out.lcov"],
    "html": ["html", "-i", "-d", "htmlcov"],
    "annotate": ["annotate", "-i", "-d", "annotated"],
}


def coverage_bin(python: str) -> str:
    return str(Path(python).parent / "coverage")


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one run of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 2):  # 2: a fail_under report, still a report
        raise RuntimeError(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss


def supported(python: str, argv: list[str], cwd: Path) -> bool:
    """Does this tool have the report (ferrocov grows them one by one)?"""
    proc = subprocess.run([coverage_bin(python), *argv], cwd=cwd, capture_output=True, text=True)
    return proc.returncode in (0, 2)


def clean_outputs(cwd: Path) -> None:
    """Start each run from nothing, so incremental reports do full work."""
    for name in ("htmlcov", "annotated"):
        shutil.rmtree(cwd / name, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferrocov-python", required=True)
    parser.add_argument("--oracle-python", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(table(args.ferrocov_python, args.oracle_python, args.runs))
    return 0


def table(ferrocov_python: str, oracle_python: str, runs: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        made = subprocess.run(
            [oracle_python, "-c", MAKE_DATA, str(project), str(MIN_FILES), str(MIN_STATEMENTS)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        files, statements = int(made[0]), int(made[1])
        tools = {"ferrocov": ferrocov_python, "coverage.py": oracle_python}
        lines = [
            f"\nReports of one branch data file: {files} files, {statements} statements "
            f"(median of {runs} interleaved runs, wall time of the CLI and peak RSS)",
            f"{'report':<10} {'ferrocov s':>10} {'coverage.py s':>14} {'speed-up':>9} "
            f"{'ferrocov MiB':>13} {'coverage.py MiB':>16}",
        ]
        for name, argv in REPORTS.items():
            clean_outputs(project)
            if not all(supported(python, argv, project) for python in tools.values()):
                lines.append(f"{name:<10} {'(not supported by ferrocov yet)':>30}")
                continue
            samples: dict[str, list[tuple[float, int]]] = {tool: [] for tool in tools}
            for _ in range(runs):
                for tool, python in tools.items():
                    clean_outputs(project)
                    samples[tool].append(timed([coverage_bin(python), *argv], project))
            secs = {tool: statistics.median(s for s, _ in runs_) for tool, runs_ in samples.items()}
            rss = {tool: statistics.median(r for _, r in runs_) / 1024 for tool, runs_ in samples.items()}
            lines.append(
                f"{name:<10} {secs['ferrocov']:>10.3f} {secs['coverage.py']:>14.3f} "
                f"{secs['coverage.py'] / secs['ferrocov']:>8.1f}x {rss['ferrocov']:>13.1f} {rss['coverage.py']:>16.1f}"
            )
        return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
