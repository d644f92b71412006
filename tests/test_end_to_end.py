"""The demo project, measured the way users do, compared with coverage.py.

`coverage run -m pytest` + `coverage report -m` must print the same table
under ferrocov and under coverage.py 7.17.3, and each tool must report the
other's data file exactly as the other does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEMO = Path(__file__).parent / "samples" / "demo"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def projects(tmp_path: Path) -> tuple[Path, Path]:
    ours, theirs = tmp_path / "ours" / "demo", tmp_path / "theirs" / "demo"
    for target in (ours, theirs):
        shutil.copytree(DEMO, target)
    return ours, theirs


def measure(bin_dir: Path, project: Path) -> str:
    ran = run(bin_dir, "coverage", "run", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    report = run(bin_dir, "coverage", "report", "-m", cwd=project)
    assert report.returncode == 0, report.stderr
    return report.stdout


def test_run_and_report_match(ferrocov_bin, oracle_bin, projects) -> None:
    ours, theirs = projects
    our_table = measure(ferrocov_bin, ours)
    assert our_table == measure(oracle_bin, theirs)
    assert "shapes/area.py             10      3    70%   6, 15-16" in our_table


def test_data_files_cross_read(ferrocov_bin, oracle_bin, projects) -> None:
    ours, theirs = projects
    our_table = measure(ferrocov_bin, ours)
    their_table = measure(oracle_bin, theirs)
    # coverage.py reads ferrocov's file, ferrocov reads coverage.py's.
    assert run(oracle_bin, "coverage", "report", "-m", cwd=ours).stdout == our_table
    assert run(ferrocov_bin, "coverage", "report", "-m", cwd=theirs).stdout == their_table


def test_pytest_cov_section_matches(ferrocov_bin, oracle_bin, projects) -> None:
    args = ("pytest", "-p", "no:cacheprovider", "--cov=shapes", "--cov=textkit", "--cov-report=term-missing")
    ours, theirs = (run(b, *args, cwd=p) for b, p in zip((ferrocov_bin, oracle_bin), projects))
    assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr

    def section(out: str) -> str:
        start = out.index("coverage: platform")
        return out[start : out.index("\n", out.index("TOTAL"))]

    assert section(ours.stdout) == section(theirs.stdout)
