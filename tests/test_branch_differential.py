"""Branch coverage, program by program, against coverage.py 7.17.3.

Each program under tests/branch_programs is run with `coverage run --branch`
by coverage.py (the oracle) and by ferrocov, in copies of one scratch
directory, and the recorded arcs must be identical: ferrocov's `ctrace`
core records what coverage.py's CTracer records.
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
