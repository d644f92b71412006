"""pytest-cov 7.1's plugin, served by ferrocov: PYTEST_DONT_REWRITE.

(The marker above keeps pytest from rewriting this package's asserts: it is
imported before pytest's import hook would see it.)

The exception and warning classes live here, where pytest-cov users import
them from (`pytest_cov.CovReportWarning` and so on).
"""

from __future__ import annotations

import pytest

__version__ = "7.1.0"


class CoverageError(Exception):
    """The total coverage is below the required minimum."""


class PytestCovWarning(pytest.PytestWarning):
    """Base class of every warning this plugin issues; never issued itself."""


class CovDisabledWarning(PytestCovWarning):
    """Coverage was asked for, and switched off again with --no-cov."""


class CovReportWarning(PytestCovWarning):
    """A report could not be produced."""


class CentralCovContextWarning(PytestCovWarning):
    """The configuration sets dynamic_context=test_function; --cov-context=test does it better."""


class DistCovError(Exception):
    """dynamic_context=test_function was configured for an xdist run.

    Workers would each record their own, clashing contexts
    (pytest-cov issue #604); --cov-context=test is the supported way.
    """


__all__ = [
    "CentralCovContextWarning",
    "CovDisabledWarning",
    "CovReportWarning",
    "CoverageError",
    "DistCovError",
    "PytestCovWarning",
    "__version__",
]
