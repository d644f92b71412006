"""ferrocov: the native engine behind the `coverage` and `pytest_cov` packages."""

from ferrocov._engine import __version__

__all__ = ["__version__"]
