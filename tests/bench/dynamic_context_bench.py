"""What `[run] dynamic_context = test_function` costs (a measurement, not a test).

Usage: python dynamic_context_bench.py --ferrocov-python P [--oracle-python Q] [--runs N]

Two programs, each run plainly and under `coverage run` with and without
test-function contexts, interleaved, N times; medians of wall time and the
ratios to the plain run:

- `one_test`: 300 small non-test functions called 10,000 times each in a
  loop inside one test function (one context: the cost on the hot path).
- `many_tests`: 3,000 calls of a test function calling 30 helpers 20 times
  each (6,000 switches, a start and an end per test: the cost of a switch).

ferrocov is timed with each core it has; coverage.py (if given) with its
CTracer, the only core of its that records dynamic contexts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELPERS = "\n".join(f"def f{i}(x):\n    if x > {i}:\n        return x - 1\n    return x + {i}\n" for i in range(300))

ONE_TEST = f"""\
{HELPERS}
FUNCS = [globals()["f%d" % i] for i in range(300)]

def test_hot_loop():
    total = 0
    for n in range(10000):
        for f in FUNCS:
            total += f(n)
    return total

test_hot_loop()
"""

MANY_TESTS = f"""\
{HELPERS}
FUNCS = [globals()["f%d" % i] for i in range(300)]

def test_case(k):
    total = 0
    for f in FUNCS[k % 270:k % 270 + 30]:
        for n in range(20):
            total += f(n)
    return total

for k in range(3000):
    test_case(k)
"""

PROGRAMS = {"one_test": ONE_TEST, "many_tests": MANY_TESTS}


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def variants(args: argparse.Namespace) -> dict[str, tuple[list[str], dict[str, str]]]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    out: dict[str, tuple[list[str], dict[str, str]]] = {"plain": ([args.ferrocov_python, "prog.py"], base)}
    cores = ["ctrace", "sysmon"] if sys.version_info >= (3, 12) else ["ctrace"]
    for core in cores:
        for rc in ("none.rc", "ctx.rc"):
            cmd = [args.ferrocov_python, "-m", "coverage", "run", f"--rcfile={rc}", "prog.py"]
            out[f"ferrocov {core} {'contexts' if rc == 'ctx.rc' else 'plain'}"] = (cmd, {**base, "COVERAGE_CORE": core})
    if args.oracle_python:
        for rc in ("none.rc", "ctx.rc"):
            cmd = [args.oracle_python, "-m", "coverage", "run", f"--rcfile={rc}", "prog.py"]
            label = f"coverage.py ctrace {'contexts' if rc == 'ctx.rc' else 'plain'}"
            out[label] = (cmd, {**base, "COVERAGE_CORE": "ctrace"})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferrocov-python", default=sys.executable)
    parser.add_argument("--oracle-python")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "none.rc").write_text("[run]\n")
        (root / "ctx.rc").write_text("[run]\ndynamic_context = test_function\n")
        for name, text in PROGRAMS.items():
            (root / "prog.py").write_text(text)
            runs = variants(args)
            times: dict[str, list[float]] = {label: [] for label in runs}
            for _ in range(args.runs):
                for label, (cmd, env) in runs.items():
                    times[label].append(timed(cmd, root, env))
            plain = statistics.median(times["plain"])
            print(f"\n{name} (median of {args.runs})")
            for label, samples in times.items():
                median = statistics.median(samples)
                print(f"  {label:32} {median:7.3f} s  {median / plain:6.2f}x")


if __name__ == "__main__":
    main()
