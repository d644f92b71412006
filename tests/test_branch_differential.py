"""Branch coverage, program by program, against coverage.py 7.17.3.

Each program under tests/branch_programs is run with `coverage run --branch`
by coverage.py (the oracle) and by ferrocov, in copies of one scratch
directory. The recorded arcs must be identical (ferrocov's `ctrace` core
records what coverage.py's CTracer records), and so must what users see of
them: `coverage report -m` (Branch, BrPart, "5->7" in Missing) and the API's
`Analysis` (`Coverage._analyze`, `branch_stats`, `analysis2`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

PROGRAMS = Path(__file__).resolve().parent / "branch_programs"
PROGRAM_NAMES = sorted(p.name for p in PROGRAMS.glob("*.py"))

DUMP_ARCS = (
    "import coverage, json, os; d = coverage.CoverageData(); d.read(); "
    "print(json.dumps({os.path.basename(f): sorted(d.arcs(f) or []) for f in d.measured_files()}))"
)


# What coverage.py's Analysis says of the program (arcs as lists: JSON).
DUMP_ANALYSIS = """
import coverage, json, sys
cov = coverage.Coverage()
cov.load()
a = cov._analyze(sys.argv[1])
n = a.numbers
print(json.dumps({
    "arc_possibilities": a.arc_possibilities,
    "arcs_executed": a.arcs_executed,
    "arcs_missing": a.arcs_missing(),
    "missing_branch_arcs": {str(k): v for k, v in sorted(a.missing_branch_arcs().items())},
    "executed_branch_arcs": {str(k): v for k, v in sorted(a.executed_branch_arcs().items())},
    "branch_stats": {str(k): v for k, v in sorted(cov.branch_stats(sys.argv[1]).items())},
    "exit_counts": {str(k): v for k, v in sorted(a.exit_counts.items())},
    "missing_formatted": a.missing_formatted(branches=True),
    "numbers": [n.n_statements, n.n_missing, n.n_branches, n.n_partial_branches, n.n_missing_branches],
    "pc_covered_str": n.pc_covered_str,
    "analysis2": cov.analysis2(sys.argv[1])[1:],
}))
"""


def run_branch(bin_dir: Path, workdir: Path, program: str) -> dict[str, list[list[int]]]:
    """Run `program` under `coverage run --branch` from `bin_dir`; its arcs by file."""
    shutil.copy(PROGRAMS / program, workdir / program)
    run = subprocess.run(
        [str(bin_dir / "coverage"), "run", "--branch", program], cwd=workdir, capture_output=True, text=True
    )
    assert "Traceback" not in run.stderr, run.stderr
    dumped = subprocess.run(
        [str(bin_dir / "python"), "-c", DUMP_ARCS], cwd=workdir, capture_output=True, text=True, check=True
    )
    return json.loads(dumped.stdout)


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_recorded_arcs_match_coverage_py(program: str, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    (tmp_path / "oracle").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = run_branch(oracle_bin, tmp_path / "oracle", program)
    ours = run_branch(ferrocov_bin, tmp_path / "ours", program)
    assert theirs[program], "the oracle recorded no arcs: the program did not run"
    assert ours == theirs


def reports(bin_dir: Path, workdir: Path, program: str) -> tuple[str, dict]:
    """`coverage report -m` and the Analysis dump, after `run_branch`."""
    report = subprocess.run(
        [str(bin_dir / "coverage"), "report", "-m"], cwd=workdir, capture_output=True, text=True, check=True
    )
    dumped = subprocess.run(
        [str(bin_dir / "python"), "-c", DUMP_ANALYSIS, program], cwd=workdir, capture_output=True, text=True
    )
    assert dumped.returncode == 0, dumped.stderr
    return report.stdout, json.loads(dumped.stdout)


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_branch_reports_match_coverage_py(program: str, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        (tmp_path / side).mkdir()
        run_branch(bin_dir, tmp_path / side, program)
    their_report, their_analysis = reports(oracle_bin, tmp_path / "oracle", program)
    our_report, our_analysis = reports(ferrocov_bin, tmp_path / "ours", program)
    assert "Branch" in their_report
    assert our_report == their_report
    assert our_analysis == their_analysis
