"""`[run] relative_files`: the names the engine records for measured files
(decided in Rust when a file is first seen) equal coverage.py's."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from test_cli_support import SideBySide

FILES = {
    "pkg/__init__.py": "",
    "pkg/mod.py": "def f(x):\n    if x:\n        return 1\n    return 2\n",
    "main.py": "import pkg.mod\npkg.mod.f(1)\n",
}


def recorded_paths(data_file: Path) -> list[str]:
    with sqlite3.connect(data_file) as conn:
        return sorted(row[0] for row in conn.execute("select path from file"))


@pytest.mark.parametrize("relative", [True, False], ids=["relative", "absolute"])
def test_recorded_names_match_coverage_py(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path, relative: bool) -> None:
    rc = f"[run]\nrelative_files = {relative}\nsource = .\n"
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {**FILES, ".coveragerc": rc})
    for result in project.run("run", "main.py"):
        assert result.returncode == 0, result.stderr
    ours, theirs = (recorded_paths(project.dirs[name] / ".coverage") for name in ("ours", "oracle"))
    normalize = lambda paths, root: [p.replace(str(root.resolve()), "<DIR>") for p in paths]  # noqa: E731
    assert normalize(ours, project.dirs["ours"]) == normalize(theirs, project.dirs["oracle"])
    assert any(p.endswith("mod.py") for p in ours)
    assert all(not p.startswith("/") for p in ours) == relative
    ours_report, oracle_report = project.run("report", "-m")
    assert ours_report.stdout == oracle_report.stdout
