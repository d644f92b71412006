"""Time the static analysis, arcs included, of the whole standard library.

Usage: python stdlib_analysis.py --ferrocov-python P --oracle-python Q [--runs N]

Three ways, each in a fresh interpreter timing only the analysis (not
start-up): the engine on every file at once (`_engine.analyze_arcs`, in
parallel), ferrocov's `PythonParser` one file after another, and coverage.py
7.17.3's `PythonParser` one file after another. Each reads the source,
finds statements and exclusions, the possible arcs and the exit counts.
The files are the oracle interpreter's standard library (same version).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

# Runs inside the measured interpreter: prints the seconds the analysis took.
PER_FILE = """
import sys, sysconfig, time, pathlib, warnings
warnings.simplefilter("ignore")
from coverage.parser import PythonParser
from coverage.python import get_python_source
root = pathlib.Path(sysconfig.get_paths()["stdlib"])
files = sorted(str(p) for p in root.rglob("*.py") if "site-packages" not in p.relative_to(root).parts)
start = time.perf_counter()
for path in files:
    try:
        parser = PythonParser(text=get_python_source(path), filename=path, exclude=sys.argv[1])
        parser.parse_source()
        parser.arcs()
        parser.exit_counts()
    except Exception:
        pass
print(time.perf_counter() - start, len(files))
"""

ENGINE = """
import sys, sysconfig, time, pathlib
from ferrocov import _engine
root = pathlib.Path(sysconfig.get_paths()["stdlib"])
files = sorted(str(p) for p in root.rglob("*.py") if "site-packages" not in p.relative_to(root).parts)
start = time.perf_counter()
_engine.analyze_arcs(files, sys.argv[1])
print(time.perf_counter() - start, len(files))
"""

EXCLUDE = r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)"


def seconds(python: str, script: str) -> tuple[float, int]:
    out = subprocess.run([python, "-c", script, EXCLUDE], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def times(ferrocov_python: str, oracle_python: str, runs: int) -> tuple[dict[str, float], int]:
    ways = {
        "ferrocov engine (parallel)": (ferrocov_python, ENGINE),
        "ferrocov PythonParser": (ferrocov_python, PER_FILE),
        "coverage.py PythonParser": (oracle_python, PER_FILE),
    }
    measured: dict[str, list[float]] = {name: [] for name in ways}
    n_files = 0
    for _ in range(runs):
        for name, (python, script) in ways.items():
            elapsed, n_files = seconds(python, script)
            measured[name].append(elapsed)
    return {name: statistics.median(values) for name, values in measured.items()}, n_files


def table(ferrocov_python: str, oracle_python: str, runs: int) -> str:
    med, n_files = times(ferrocov_python, oracle_python, runs)
    reference = med["coverage.py PythonParser"]
    lines = [f"\nStatic analysis with arcs of the standard library ({n_files} files), median of {runs} runs"]
    for name, value in med.items():
        lines.append(f"{name:<28} {value:>8.2f} s {reference / value:>8.1f}x faster than coverage.py")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferrocov-python", required=True)
    parser.add_argument("--oracle-python", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(table(args.ferrocov_python, args.oracle_python, args.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
