"""ferrocov: the native engine behind the `coverage` and `pytest_cov` packages.

PYTEST_DONT_REWRITE (see `coverage`'s docstring for why).
"""

from ferrocov._engine import __version__

__all__ = ["__version__"]
