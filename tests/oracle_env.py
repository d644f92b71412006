"""The reference oracle: coverage.py 7.17.3 + pytest-cov 7.1.0 in a venv of its own.

Built once per interpreter version under `.oracle/pyX.Y` in the repository
(under a file lock, so parallel test workers share it). Run as a script,
it builds the oracle for the running interpreter and prints its python.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQUIREMENTS = ["coverage==7.17.3", "pytest-cov==7.1.0", "pytest", "pytest-xdist"]


def oracle_python() -> Path:
    """The oracle's interpreter: `FERROCOV_ORACLE_PYTHON`, or one built here."""
    configured = os.environ.get("FERROCOV_ORACLE_PYTHON")
    if configured:
        return Path(configured)
    root = REPO / ".oracle" / f"py{sys.version_info.major}.{sys.version_info.minor}"
    python = root / "bin" / "python"
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "ready").exists():
            venv.EnvBuilder(with_pip=True, clear=True).create(root)
            subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
            (root / "ready").write_text("ok\n")
    return python


if __name__ == "__main__":
    print(oracle_python())
