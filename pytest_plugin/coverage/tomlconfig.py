"""TOML config files (`pyproject.toml`, `.coveragerc.toml`), read in Rust."""

from __future__ import annotations

from coverage.config import _ConfigFileParser


class TomlConfigParser(_ConfigFileParser):
    """A TOML config file with the interface of `HandyConfigParser`."""

    _toml = True


__all__ = ["TomlConfigParser"]
