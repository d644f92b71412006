"""Shared fixtures: the reference oracle and scratch projects.

The oracle is coverage.py 7.17.3 + pytest-cov 7.1.0 in a virtualenv of its
own, for the same interpreter version as the one running the tests, so a
differential test can run the same program under both tools and compare.
`FERROCOV_ORACLE_PYTHON` points at its interpreter (nox sets it); without
it, the oracle is built once under `.oracle/` in the repository.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oracle_env import oracle_python as _oracle_python


@pytest.fixture(scope="session")
def oracle_python() -> Path:
    """The interpreter of the reference coverage.py, same version as ours."""
    python = _oracle_python()
    out = subprocess.run(
        [str(python), "-c", "import sys, coverage; print(sys.version_info[:2], coverage.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    expected = f"{tuple(sys.version_info[:2])} 7.17.3"
    assert out == expected, f"oracle at {python} is {out!r}, expected {expected!r}"
    return python


@pytest.fixture(scope="session")
def oracle_bin(oracle_python: Path) -> Path:
    """The oracle's bin directory (its `coverage` and `pytest` scripts)."""
    return oracle_python.parent


@pytest.fixture(scope="session")
def ferrocov_bin() -> Path:
    """The bin directory of the environment ferrocov is installed in."""
    return Path(sys.executable).parent
