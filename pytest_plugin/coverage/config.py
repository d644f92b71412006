"""coverage.py's configuration API, backed by the Rust loader.

`read_coverage_config` finds and parses the config files in Rust
(`ferrocov._engine.Config`); the result lands in a plain `CoverageConfig`
object whose attributes have coverage.py's names and types, so code that
reads, assigns or mutates them (`config.exclude_list.append(...)`) works as
it does with coverage.py. `to_engine()` turns it back into the typed Rust
config that the engine's other parts consume.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from coverage.exceptions import ConfigError
from ferrocov import _engine

DEFAULT_EXCLUDE: list[str] = list(_engine.DEFAULT_EXCLUDE)
DEFAULT_PARTIAL: list[str] = list(_engine.DEFAULT_PARTIAL)
DEFAULT_PARTIAL_ALWAYS: list[str] = list(_engine.DEFAULT_PARTIAL_ALWAYS)

# Attributes coverage.py keeps private (not listed by debug_info, not serialized).
_PRIVATE_DEFAULTS: dict[str, Any] = {"_include": None, "_omit": None, "_crash": None, "_config_contents": None}


class _ConfigFileParser:
    """coverage.py's config-parser interface over the Rust reader."""

    _toml = False

    def __init__(self, our_file: bool) -> None:
        self.our_file = our_file
        self._file = _engine.ConfigFile(our_file, self._toml)

    def read(self, filenames: Iterable[str] | str, encoding_unused: str | None = None) -> list[str]:
        """Parse the files that can be opened; returns their names.

        coverage.py reads one file per parser; with several, the last one read
        is the one consulted (configparser would merge them).
        """
        if isinstance(filenames, (str, bytes, os.PathLike)):
            filenames = [filenames]
        read = []
        for filename in filenames:
            name = os.fspath(filename)
            if self._file.read(name):
                read.append(name)
        return read

    def real_section(self, section: str) -> str | None:
        return self._file.real_section(section)

    def has_section(self, section: str) -> bool:
        return self._file.has_section(section)

    def has_option(self, section: str, option: str) -> bool:
        return self._file.has_option(section, option)

    def options(self, section: str) -> list[str]:
        return self._file.options(section)

    def get_section(self, section: str) -> dict[str, Any]:
        return self._file.get_section(section, dict(os.environ))

    def _get(self, section: str, option: str, kind: str) -> Any:
        return self._file.get(section, option, kind, dict(os.environ))

    def get(self, section: str, option: str) -> Any:
        return self._get(section, option, "")

    def getboolean(self, section: str, option: str) -> bool:
        return self._get(section, option, "boolean")

    def getint(self, section: str, option: str) -> int:
        return self._get(section, option, "int")

    def getfloat(self, section: str, option: str) -> float:
        return self._get(section, option, "float")

    def getfile(self, section: str, option: str) -> str:
        return self._get(section, option, "file")

    def getlist(self, section: str, option: str) -> list[str]:
        return self._get(section, option, "list")

    def getregexlist(self, section: str, option: str) -> list[str]:
        return self._get(section, option, "regexlist")


class HandyConfigParser(_ConfigFileParser):
    """An INI config file read with configparser's rules (`[coverage:...]` sections too)."""


def _human_key(text: str) -> tuple[list[str | int], str]:
    """Sort key where digit runs compare as numbers ("x2" before "x10")."""
    return ([int(c) if c.isdigit() else c for c in re.split(r"(\d+)", text)], text)


class CoverageConfig:
    """The settings that control measurement and reporting."""

    MUST_BE_LIST = frozenset(
        ("debug", "concurrency", "plugins", "report_omit", "report_include", "run_omit", "run_include", "patch")
    )
    # File paths made absolute by `serialize`: (attribute, only if it exists).
    SERIALIZE_ABSPATH = frozenset(
        (("data_file", False), ("debug_file", False), ("source", True), ("source_dirs", False))
    )
    CONCURRENCY_CHOICES: Final[set[str]] = {"thread", "gevent", "greenlet", "eventlet", "multiprocessing"}
    LIGHT_THREADS = frozenset(("greenlet", "eventlet", "gevent"))
    CONFIG_FILE_OPTIONS: tuple[tuple[str, str, str], ...] = tuple(
        (attr, where, kind) if kind else (attr, where) for attr, where, kind in _engine.config_file_options()
    )

    def __init__(self) -> None:
        self._load_engine(_engine.Config())
        for name, value in _PRIVATE_DEFAULTS.items():
            self.__dict__.setdefault(name, value)

    # -- moving between the Python object and the Rust config ---------------

    def _load_engine(self, engine: Any) -> None:
        """Take every attribute value from an `_engine.Config`."""
        self.__dict__.update(engine.to_dict())

    @classmethod
    def _from_engine(cls, engine: Any) -> CoverageConfig:
        config = cls.__new__(cls)
        config.__dict__.update(_PRIVATE_DEFAULTS)
        config._load_engine(engine)
        return config

    def to_engine(self) -> Any:
        """The typed Rust configuration holding these values."""
        return _engine.Config.from_dict(dict(self.__dict__))

    # -- coverage.py's CoverageConfig API ------------------------------------

    def from_args(self, **kwargs: Any) -> None:
        """Read config values from `kwargs` (None means "not given")."""
        for k, v in kwargs.items():
            if v is not None:
                if k in self.MUST_BE_LIST and isinstance(v, str):
                    v = [v]
                setattr(self, k, v)

    def from_file(self, filename: str, warn: Callable[[str], None], our_file: bool) -> bool:
        """Read one config file over the current values; True if it was used."""
        engine = self.to_engine()
        used = engine.from_file(os.fspath(filename), our_file, dict(os.environ), warn)
        self._load_engine(engine)
        if used:
            self._config_contents = _read_bytes(filename)
        return bool(used)

    def copy(self) -> CoverageConfig:
        """Return a copy of the configuration."""
        return copy.deepcopy(self)

    def get_plugin_options(self, plugin: str) -> dict[str, Any]:
        """The options of the plugin named `plugin` (empty if none)."""
        return self.plugin_options.get(plugin, {})

    def set_option(self, option_name: str, value: Any) -> None:
        """Set "section:option" (or "paths", or "plugin:option") to `value`."""
        if option_name == "paths":
            if not isinstance(value, Mapping):
                raise ConfigError(f"Option paths needs a mapping, not {value!r}")
            self.paths = {k: list(v) for k, v in value.items()}
            return
        for option_spec in self.CONFIG_FILE_OPTIONS:
            attr, where = option_spec[:2]
            if where == option_name:
                setattr(self, attr, value)
                return
        plugin_name, _, key = option_name.partition(":")
        if key and plugin_name in self.plugins:
            self.plugin_options.setdefault(plugin_name, {})[key] = value
            return
        raise ConfigError(f"No such option: {option_name!r}")

    def get_option(self, option_name: str) -> Any:
        """The value of "section:option" (or "paths", or "plugin:option")."""
        if option_name == "paths":
            return self.paths
        for option_spec in self.CONFIG_FILE_OPTIONS:
            attr, where = option_spec[:2]
            if where == option_name:
                return getattr(self, attr)
        plugin_name, _, key = option_name.partition(":")
        if key and plugin_name in self.plugins:
            return self.plugin_options.get(plugin_name, {}).get(key)
        raise ConfigError(f"No such option: {option_name!r}")

    def post_process(self) -> None:
        """Final adjustments once every source has been applied."""
        engine = self.to_engine()
        engine.post_process()
        self._load_engine(engine)

    def debug_info(self) -> list[tuple[str, Any]]:
        """(name, value) pairs for `coverage debug config`."""
        items = ((k, v) for k, v in self.__dict__.items() if not k.startswith("_"))
        return sorted(items, key=lambda item: _human_key(item[0]))

    def serialize(self) -> str:
        """A string `deserialize` turns back into this configuration, with the
        file paths `coverage run` uses made absolute."""
        data = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        for k, must_exist in self.SERIALIZE_ABSPATH:
            abs_fn = _abs_path_if_exists if must_exist else os.path.abspath
            v = data[k]
            if isinstance(v, list):
                v = [abs_fn(p) for p in v]
            elif isinstance(v, str):
                v = abs_fn(v)
            data[k] = v
        return base64.b64encode(json.dumps(data).encode()).decode()

    @classmethod
    def deserialize(cls, config_str: str) -> CoverageConfig:
        """Rebuild a configuration from `serialize`'s string."""
        data = json.loads(base64.b64decode(config_str.encode()).decode())
        config = cls()
        config.__dict__.update(data)
        return config


def _read_bytes(filename: str) -> bytes | None:
    try:
        with open(filename, "rb") as f:
            return f.read()
    except OSError:
        return None


def _abs_path_if_exists(path: str) -> str:
    return os.path.abspath(path) if os.path.exists(path) else path


def process_file_value(path: str) -> str:
    """Make a file path setting usable (`~` expanded)."""
    return os.path.expanduser(path)


def config_files_to_try(config_file: bool | str) -> list[tuple[str, bool, bool]]:
    """(file name, is it coverage's own file, was it named explicitly) to try, in order."""
    if config_file == ".coveragerc":
        config_file = True
    specified_file = config_file is not True
    if not specified_file:
        rcfile = os.getenv("COVERAGE_RCFILE")
        if rcfile:
            config_file = rcfile
            specified_file = True
    if not specified_file:
        config_file = ".coveragerc"
    assert isinstance(config_file, str)
    return [
        (config_file, True, specified_file),
        (".coveragerc.toml", True, False),
        ("setup.cfg", False, False),
        ("tox.ini", False, False),
        ("pyproject.toml", False, False),
    ]


def read_coverage_config(config_file: bool | str, warn: Callable[[str], None], **kwargs: Any) -> CoverageConfig:
    """Read the configuration: defaults, the first applicable config file,
    COVERAGE_* environment variables, then `kwargs` (constructor arguments).
    """
    engine_args = {k: v for k, v in kwargs.items() if _engine_can_take(k, v)}
    engine = _engine.Config.load(config_file, engine_args, dict(os.environ), warn)
    config = CoverageConfig._from_engine(engine)
    # Arguments the typed config can't hold keep coverage.py's setattr semantics.
    leftovers = {k: v for k, v in kwargs.items() if k not in engine_args}
    config.from_args(**leftovers)
    if config.config_file:
        config._config_contents = _read_bytes(config.config_file)
    return config


def _engine_can_take(name: str, value: Any) -> bool:
    """Can the typed Rust config hold this argument? If not, it is set as a
    plain attribute afterwards, as coverage.py's `setattr` would."""
    try:
        _engine.Config().from_args(**{name: value})
    except (ConfigError, TypeError, ValueError, OverflowError):
        return False
    return True


__all__ = [
    "DEFAULT_EXCLUDE",
    "DEFAULT_PARTIAL",
    "DEFAULT_PARTIAL_ALWAYS",
    "ConfigError",
    "HandyConfigParser",
    "CoverageConfig",
    "config_files_to_try",
    "process_file_value",
    "read_coverage_config",
]
