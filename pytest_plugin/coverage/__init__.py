"""ferrocov's `coverage` package: coverage.py 7.17's API over a Rust engine.

Users import it exactly as they imported coverage.py; see
`coverage.version` for what `__version__` reports and why.

PYTEST_DONT_REWRITE: the marker keeps pytest from warning that it cannot
rewrite this package under `coverage run -m pytest` (our wheel declares the
`pytest11` plugin, so pytest wants to rewrite all of its packages, and this
one is imported before pytest starts).
"""

from __future__ import annotations

from coverage.control import Coverage, process_startup
from coverage.data import CoverageData
from coverage.exceptions import CoverageException
from coverage.plugin import CodeRegion, CoveragePlugin, FileReporter, FileTracer
from coverage.version import __url__, __version__, version_info

# The old lower-case name, still used by some projects and coverage.py's tests.
coverage = Coverage

__all__ = [
    "CodeRegion",
    "Coverage",
    "CoveragePlugin",
    "FileReporter",
    "FileTracer",
    "CoverageData",
    "CoverageException",
    "__url__",
    "__version__",
    "process_startup",
    "version_info",
]
