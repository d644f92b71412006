"""Overhead benchmark: ferrocov and coverage.py against a plain run.

Usage: python run_bench.py --ferrocov-python P --oracle-python Q [--runs N] [--branch]

Each workload runs plainly, under `coverage run` of ferrocov, and under
`coverage run` of coverage.py 7.17.3 (separate virtualenv), interleaved,
N times; the table shows median wall times and the ratios to the plain run.
With `--branch`, each tool runs with and without `--branch` in the same
rounds, so branch is compared with line in one run.
Then the static analysis of the whole standard library, arcs included,
ferrocov against coverage.py (stdlib_analysis.py), and (line runs) every
report on a 300-file branch data set (report_bench.py), `coverage combine`
of 200 parallel files of that data set and the start-up cost of the `.pth`
hook (combine_bench.py).
Ratios taken in one run on one machine are what we compare; absolute times
mean little.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOADS = sorted((Path(__file__).parent / "workloads").glob("*.py"))


def timed(cmd: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def commands(workload: Path, args: argparse.Namespace) -> dict[str, list[str]]:
    cmds = {"plain": [args.ferrocov_python, str(workload)]}
    for tool, python in (("ferrocov", args.ferrocov_python), ("coverage.py", args.oracle_python)):
        cmds[tool] = [python, "-m", "coverage", "run", str(workload)]
        if args.branch:
            cmds[f"{tool} branch"] = [python, "-m", "coverage", "run", "--branch", str(workload)]
    return cmds


def bench(workload: Path, args: argparse.Namespace) -> dict[str, float]:
    cmds = commands(workload, args)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.runs):
            for name, cmd in cmds.items():
                times[name].append(timed(cmd, scratch))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferrocov-python", required=True)
    parser.add_argument("--oracle-python", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--branch", action="store_true")
    args = parser.parse_args()
    version = subprocess.run(
        [args.ferrocov_python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    mode = "line and branch" if args.branch else "line"
    print(f"\nPython {version}, {mode} coverage, median of {args.runs} interleaved runs, ratio to plain")
    names = list(commands(WORKLOADS[0], args))[1:]
    print(f"{'workload':<20} {'plain s':>8} " + " ".join(f"{name:>18}" for name in names))
    for workload in WORKLOADS:
        med = bench(workload, args)
        base = med["plain"]
        print(f"{workload.stem:<20} {base:>8.3f} " + " ".join(f"{med[name] / base:>17.2f}x" for name in names))
    if not args.branch:
        startup_table(args)
    import stdlib_analysis

    print(stdlib_analysis.table(args.ferrocov_python, args.oracle_python, min(args.runs, 3)))
    if not args.branch:
        import report_bench

        print(report_bench.table(args.ferrocov_python, args.oracle_python, min(args.runs, 3)))
        import combine_bench

        print(combine_bench.combine_table(args.ferrocov_python, args.oracle_python, min(args.runs, 3), 200))
        print(combine_bench.hook_table(args.ferrocov_python, 40))
    return 0


def startup_table(args: argparse.Namespace) -> None:
    """`coverage run` of a program importing 500 generated modules."""
    import startup

    with tempfile.TemporaryDirectory() as scratch:
        med = startup.times(args.ferrocov_python, args.oracle_python, Path(scratch), args.runs)
    base = med["plain"]
    print(f"\nStart-up: {startup.MODULES} modules imported, median of {args.runs} runs")
    for name, seconds in med.items():
        print(f"{name:<26} {seconds:>8.3f} s {seconds / base:>8.2f}x")
    with tempfile.TemporaryDirectory() as scratch:
        calls = subprocess.run(
            [args.ferrocov_python, str(Path(__file__).parent / "startup.py")],
            cwd=scratch,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    print(calls, end="")


if __name__ == "__main__":
    sys.exit(main())
