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
# covdefaults: the configurer plugin the plugin tests load under both tools.
REQUIREMENTS = ["coverage==7.17.3", "pytest-cov==7.1.0", "pytest", "pytest-xdist", "covdefaults==2.3.0"]


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
        # The marker records what was installed: a changed list rebuilds.
        wanted = "\n".join(REQUIREMENTS) + "\n"
        ready = root / "ready"
        if not ready.exists() or ready.read_text() != wanted:
            venv.EnvBuilder(with_pip=True, clear=True).create(root)
            subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
            ready.write_text(wanted)
    return python


if __name__ == "__main__":
    print(oracle_python())
