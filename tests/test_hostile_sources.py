"""Sources that CPython's compiler refuses: a report warns (or fails) as
coverage.py does, reports the other files, and never crashes the interpreter.

Each case runs under ferrocov and under the oracle, side by side.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_cli_support import SideBySide

DEEP = {
    "neg": lambda n: "x = " + "-" * n + "1\n",
    "not": lambda n: "x = " + "not " * n + "1\n",
    "plus": lambda n: "x = 1" + "+1" * n + "\n",
    "attr": lambda n: "x = a" + ".b" * n + "\n",
    "call": lambda n: "x = f" + "()" * n + "\n",
    "pow": lambda n: "x = 2" + "**2" * n + "\n",
    "lambda": lambda n: "x = " + "lambda: " * n + "1\n",
    "ifexp": lambda n: "x = " + "1 if a else " * n + "1\n",
    "paren": lambda n: "x = " + "(" * n + "1" + ")" * n + "\n",
}


def warnings_in(stderr: str) -> list[str]:
    """The CoverageWarning messages, wherever each tool prints them from."""
    return re.findall(r"CoverageWarning: (.*)", stderr)


def last_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else ""


def side_by_side(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path, files: dict[str, str]) -> SideBySide:
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {"main.py": "x = 1\n"})
    for root in project.dirs.values():
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
    for result in project.run("run", "--source=.", "main.py"):
        assert result.returncode == 0, result.stderr
    return project


@pytest.mark.parametrize("kind", sorted(DEEP))
@pytest.mark.parametrize("depth", [40_000, 100_000])
def test_deeply_nested_source_is_reported_not_crashed(
    tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path, kind: str, depth: int
) -> None:
    project = side_by_side(tmp_path, ferrocov_bin, oracle_bin, {"deep.py": DEEP[kind](depth)})
    ours, oracle = project.run("report", "-i")
    assert ours.returncode == oracle.returncode == 0, ours.stderr
    assert ours.stdout == oracle.stdout
    assert "main.py" in ours.stdout
    assert warnings_in(ours.stderr) == warnings_in(oracle.stderr)
    assert len(warnings_in(ours.stderr)) == 1

    # Without -i the refusal is an error, as coverage.py's is.
    ours, oracle = project.run("report")
    assert ours.returncode == oracle.returncode != 0
    assert last_line(ours.stderr + ours.stdout) == last_line(oracle.stderr + oracle.stdout)


def test_null_byte_source_is_refused_as_coverage_py_does(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> None:
    project = side_by_side(tmp_path, ferrocov_bin, oracle_bin, {"nul.py": "x = 1\0\ny = 2\n"})
    ours, oracle = project.run("report", "-i")
    assert (ours.returncode, ours.stdout) == (oracle.returncode, oracle.stdout)
    assert warnings_in(ours.stderr) == warnings_in(oracle.stderr) != []
    ours, oracle = project.run("report")
    assert ours.returncode == oracle.returncode != 0
    assert last_line(ours.stderr + ours.stdout) == last_line(oracle.stderr + oracle.stdout)


@pytest.mark.parametrize("depth", [40_000])
def test_pytest_cov_session_survives_a_deep_source(tmp_path: Path, ferrocov_bin: Path, depth: int) -> None:
    """`pytest --cov` with such a file in the measured tree finishes its report."""
    import subprocess

    from test_cli_support import clean_env

    (tmp_path / "deep.py").write_text(DEEP["neg"](depth), encoding="utf-8")
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert 1\n", encoding="utf-8")
    proc = subprocess.run(
        [str(ferrocov_bin / "pytest"), "-p", "no:cacheprovider", "--cov=.", "--cov-report=term", "test_one.py"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "test_one.py" in proc.stdout
    assert "1 passed" in proc.stdout
