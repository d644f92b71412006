"""Time `coverage combine` of many parallel data files, ferrocov against
coverage.py 7.17.3, and the start-up cost of ferrocov's `.pth` hook.

Usage: python combine_bench.py --ferrocov-python P --oracle-python Q [--runs N] [--files N]

The data: report_bench's project (real standard-library files) and its
branch data file, split by the oracle into N parallel data files (200 by
default): each holds a seeded ~20% of the measured files and, of each, a
seeded half of its executed arcs, as CI shards or xdist workers would
leave them. Each tool combines the same files (`combine --keep -q`, so the
inputs stay for the next run); runs alternate between the tools and the
table gives medians of wall time and peak RSS.

The hook's cost: `python -c pass` in ferrocov's environment, with the
hook in site-packages and with it moved aside, interleaved.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import report_bench

# Runs under the oracle: splits `project/.coverage` into parallel files.
SPLIT_DATA = """
import random, sys, pathlib
from coverage import CoverageData
project, count = pathlib.Path(sys.argv[1]), int(sys.argv[2])
whole = CoverageData(basename=str(project / ".coverage"))
whole.read()
names = sorted(whole.measured_files())
for n in range(count):
    chooser = random.Random(n)
    part = CoverageData(basename=str(project / f".coverage.shard{n:04}"))
    arcs = {}
    for name in names:
        if chooser.random() < 0.2:
            arcs[name] = [arc for arc in whole.arcs(name) if chooser.random() < 0.5]
    part.add_arcs(arcs)
    part.write()
(project / ".coverage").unlink()
"""

HOOK_NAME = "a1_ferrocov.pth"


def combine_table(ferrocov_python: str, oracle_python: str, runs: int, count: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        made = subprocess.run(
            [
                oracle_python,
                "-c",
                report_bench.MAKE_DATA,
                str(project),
                str(report_bench.MIN_FILES),
                str(report_bench.MIN_STATEMENTS),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        subprocess.run([oracle_python, "-c", SPLIT_DATA, str(project), str(count)], check=True)
        size = sum(p.stat().st_size for p in project.glob(".coverage.*")) / 2**20
        tools = {"ferrocov": ferrocov_python, "coverage.py": oracle_python}
        samples: dict[str, list[tuple[float, int]]] = {tool: [] for tool in tools}
        for _ in range(runs):
            for tool, python in tools.items():
                (project / ".coverage").unlink(missing_ok=True)
                samples[tool].append(
                    report_bench.timed([report_bench.coverage_bin(python), "combine", "--keep", "-q"], project)
                )
        secs = {tool: statistics.median(s for s, _ in got) for tool, got in samples.items()}
        rss = {tool: statistics.median(r for _, r in got) / 1024 for tool, got in samples.items()}
        return "\n".join(
            [
                f"\nCombine {count} parallel branch data files ({size:.1f} MiB) of {made[0]} source files "
                f"(median of {runs} interleaved runs, wall time of the CLI and peak RSS)",
                f"{'':<10} {'ferrocov s':>10} {'coverage.py s':>14} {'speed-up':>9} "
                f"{'ferrocov MiB':>13} {'coverage.py MiB':>16}",
                f"{'combine':<10} {secs['ferrocov']:>10.3f} {secs['coverage.py']:>14.3f} "
                f"{secs['coverage.py'] / secs['ferrocov']:>8.1f}x {rss['ferrocov']:>13.1f} {rss['coverage.py']:>16.1f}",
            ]
        )


def hook_table(ferrocov_python: str, runs: int) -> str:
    """`python -c pass` with and without the installed hook."""
    purelib = subprocess.run(
        [ferrocov_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    hook = Path(purelib) / HOOK_NAME
    if not hook.exists():
        return f"\nStart-up hook: {hook} is not installed"
    aside = hook.with_suffix(".pth-aside")
    times: dict[str, list[float]] = {"with hook": [], "without": []}
    try:
        for _ in range(runs):
            for label in times:
                if label == "without":
                    shutil.move(hook, aside)
                start = time.perf_counter()
                subprocess.run([ferrocov_python, "-c", "pass"], check=True)
                times[label].append(time.perf_counter() - start)
                if label == "without":
                    shutil.move(aside, hook)
    finally:
        if aside.exists():
            shutil.move(aside, hook)
    med = {label: statistics.median(got) * 1000 for label, got in times.items()}
    return (
        f"\nStart-up hook ({HOOK_NAME}), `python -c pass`, median of {runs} interleaved runs: "
        f"{med['with hook']:.2f} ms with it, {med['without']:.2f} ms without "
        f"({med['with hook'] - med['without']:+.2f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferrocov-python", required=True)
    parser.add_argument("--oracle-python", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    print(combine_table(args.ferrocov_python, args.oracle_python, args.runs, args.files))
    print(hook_table(args.ferrocov_python, max(args.runs, 5) * 8))
    return 0


if __name__ == "__main__":
    sys.exit(main())
