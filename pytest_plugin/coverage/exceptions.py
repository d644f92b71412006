"""coverage.py's exception classes: the very classes the engine raises."""

from __future__ import annotations

from ferrocov.exceptions import (
    ConfigError,
    CoverageException,
    CoverageWarning,
    DataError,
    NoCode,
    NoDataError,
    NoSource,
    NotPython,
    PluginError,
    _ExceptionDuringRun,
)

__all__ = [
    "ConfigError",
    "CoverageException",
    "CoverageWarning",
    "DataError",
    "NoCode",
    "NoDataError",
    "NoSource",
    "NotPython",
    "PluginError",
    "_ExceptionDuringRun",
]
