"""The exception classes users catch, with coverage.py's names and hierarchy.

They live here, beside the native module, so the engine can raise them
without importing the `coverage` package (which is built on the engine);
`coverage.exceptions` re-exports them, and each class says it belongs there
(`__module__`), so tracebacks and pickles name `coverage.exceptions.X`, and
`except coverage.exceptions.DataError` catches whatever layer failed.
"""

from __future__ import annotations

from typing import Any


class CoverageException(Exception):
    """Base of every error ferrocov raises; `slug` names a documentation anchor."""

    def __init__(self, *args: Any, slug: str | None = None) -> None:
        super().__init__(*args)
        self.slug = slug


class ConfigError(CoverageException):
    """A configuration file, or one of its values, is wrong."""


class DataError(CoverageException):
    """A data file cannot be read, written or combined."""


class NoDataError(CoverageException):
    """There is no measured data to report on."""


class NoSource(CoverageException):
    """The source of a measured module cannot be found."""


class NoCode(NoSource):
    """A file to run holds no code."""


class NotPython(CoverageException):
    """A source file does not parse as Python."""


class PluginError(CoverageException):
    """A plugin failed."""


class _ExceptionDuringRun(CoverageException):
    """The measured program raised; built from the three `sys.exc_info()` values."""


class CoverageWarning(Warning):
    """A warning about measurement or reporting."""


for _class in list(globals().values()):
    if isinstance(_class, type) and issubclass(_class, (CoverageException, CoverageWarning)):
        _class.__module__ = "coverage.exceptions"
del _class
