"""Facts about the running interpreter that the rest of the package checks.

The names are coverage.py's (`coverage.env`): tests, plugins and tools
branch on them, so they keep coverage.py's meaning.
"""

from __future__ import annotations

import os
import platform
import sys
import sysconfig
from collections.abc import Iterable
from typing import Any

# Names bound above this line are modules and helpers, not facts: `debug_info`
# leaves them out.
_NOT_FACTS = [*globals(), "PYBEHAVIOR", "debug_info"]

# -- Operating system ----------------------------------------------------------
WINDOWS = sys.platform == "win32"
LINUX = sys.platform.startswith("linux")
MACOS = sys.platform == "darwin"
OSX = MACOS  # ferrocov's first spelling, kept for its callers

# -- Interpreter -----------------------------------------------------------------
CPYTHON = platform.python_implementation() == "CPython"
PYPY = platform.python_implementation() == "PyPy"

# sys.version_info plus a flag: 1 for an unreleased build ("3.13.0+").
PYVERSION = sys.version_info + (int(platform.python_version()[-1] == "+"),)

PYPYVERSION = tuple(getattr(sys, "pypy_version_info", (0,)))

# Is the GIL on right now (it can be switched off on free-threaded builds)?
GIL = getattr(sys, "_is_gil_enabled", lambda: True)()

# Was this interpreter built free-threaded?
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))

# ferrocov ships compiled wheels for every CPython it supports.
SHIPPING_WHEELS = CPYTHON and (3, 11) <= PYVERSION[:2] <= (3, 13)

# Is sys.monitoring the default measurement core? Not yet: ferrocov measures
# with its C-level trace function (`ctrace`) on every version for now.
SYSMON_DEFAULT = False

# sys.monitoring exists from 3.12; branch events (BRANCH_LEFT/RIGHT) from 3.14.
PYBEHAVIOR_SYSMON = sys.version_info >= (3, 12)


class PYBEHAVIOR:
    """How this interpreter's compiler and tracing behave, as coverage.py checks."""

    # Leaving a `with` block by return/break reports the exit through the
    # context manager's line (3.12.6+ and 3.13).
    exit_with_through_ctxmgr = PYVERSION >= (3, 12, 6)

    # PEP 701 f-strings: nested quotes, real tokens inside (3.12+).
    fstring_syntax = PYVERSION >= (3, 12)

    # PEP 669 sys.monitoring is available.
    pep669 = bool(getattr(sys, "monitoring", None))

    # A generator's f_lasti points at its YIELD_VALUE, except on 3.13.
    lasti_is_yield = PYVERSION[:2] != (3, 13)

    # PEP 649/749: annotations are evaluated lazily (3.14+).
    deferred_annotations = PYVERSION >= (3, 14)

    # sys.monitoring's BRANCH_RIGHT / BRANCH_LEFT events (3.14a6+).
    branch_right_left = pep669 and PYVERSION > (3, 14, 0, "alpha", 5, 0)


# ferrocov's own spellings, left out of `debug_info` to match coverage.py's.
_NOT_FACTS += ["OSX", "PYBEHAVIOR_SYSMON"]

# -- How we were started -------------------------------------------------------------

# Is coverage measuring coverage (coverage.py's meta-coverage runs)?
METACOV = os.getenv("COVERAGE_COVERAGE") is not None

# Are we running a test suite that wants extra internal checks?
TESTING = os.getenv("COVERAGE_TESTING") == "True"


def debug_info() -> Iterable[tuple[str, Any]]:
    """The facts above as sorted (name, value) pairs, for `coverage debug sys`."""
    facts = [(name, value) for name, value in globals().items() if not name.startswith("_") and name not in _NOT_FACTS]
    facts += [(name, value) for name, value in vars(PYBEHAVIOR).items() if not name.startswith("_")]
    return sorted(facts)
