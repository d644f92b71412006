"""Facts about the running interpreter that the rest of the package checks."""

from __future__ import annotations

import os
import platform
import sys

OSX = sys.platform == "darwin"
LINUX = sys.platform.startswith("linux")
WINDOWS = sys.platform == "win32"
PYPY = platform.python_implementation() == "PyPy"
CPYTHON = platform.python_implementation() == "CPython"
PYVERSION = sys.version_info + (int(platform.python_version()[-1] == "+"),)
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()

# Is this coverage measuring coverage (the test suite of coverage itself)?
METACOV = os.getenv("COVERAGE_COVERAGE") is not None
TESTING = os.getenv("COVERAGE_TESTING") == "True"

# sys.monitoring exists from 3.12; branch events (BRANCH_LEFT/RIGHT) from 3.14.
PYBEHAVIOR_SYSMON = sys.version_info >= (3, 12)
