"""coverage.py's configuration API, backed by the Rust loader.

`read_coverage_config` finds and parses the config files in Rust into one
`ferrocov._engine.Config`, which owns the values. `CoverageConfig` is
coverage.py's face over it: attributes with coverage.py's names and types
that read, assign or mutate (`config.exclude_list.append(...)`) as with
coverage.py. The engine's other parts take `config.engine()`.
"""

from __future__ import annotations

import base64
import copy
import json
import os
from collections.abc import Callable, Iterable
from typing import Any, Final

from coverage.exceptions import ConfigError
from ferrocov import _engine

DEFAULT_EXCLUDE: list[str] = list(_engine.DEFAULT_EXCLUDE)
DEFAULT_PARTIAL: list[str] = list(_engine.DEFAULT_PARTIAL)
DEFAULT_PARTIAL_ALWAYS: list[str] = list(_engine.DEFAULT_PARTIAL_ALWAYS)

# Attributes coverage.py keeps private (not listed by debug_info, not serialized).
# (`_crash` is one of the engine's attributes: a default here would shadow it.)
_PRIVATE_DEFAULTS: dict[str, Any] = {"_include": None, "_omit": None, "_config_contents": None}


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


class CoverageConfig:
    """The settings that control measurement and reporting.

    A view over one `_engine.Config`: each of coverage.py's attributes is
    read from and written to the Rust config. Lists and dicts handed out are
    remembered, so `config.exclude_list.append(...)` works as with
    coverage.py, and are written back before the engine reads the config
    (`engine()`); scalars set here keep their Python form for reads. Names
    that aren't coverage.py attributes are plain Python attributes.
    """

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
        self._bind(_engine.Config())

    def _bind(self, engine: _engine.Config, given: dict[str, Any] | None = None) -> None:
        state = self.__dict__
        state["_engine"] = engine
        # Python objects handed out or assigned, by attribute name.
        state["_given"] = given if given is not None else {}
        for name, value in _PRIVATE_DEFAULTS.items():
            state.setdefault(name, value)

    @classmethod
    def _from_engine(cls, engine: _engine.Config) -> CoverageConfig:
        config = cls.__new__(cls)
        config._bind(engine)
        return config

    # -- the view -------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not in __dict__: coverage.py's attributes.
        if name not in _ATTRIBUTES:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        given = self.__dict__["_given"]
        if name not in given:
            given[name] = self.__dict__["_engine"].get_attr(name)
        return given[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _ATTRIBUTES:
            object.__setattr__(self, name, value)
            return
        self._engine.set_attr(name, value)
        self._given[name] = value

    def engine(self) -> _engine.Config:
        """The Rust config, with the lists and dicts handed out written back."""
        for name, value in self._given.items():
            if isinstance(value, (list, dict, set)):
                self._engine.set_attr(name, value)
        return self._engine

    def to_engine(self) -> _engine.Config:
        """An independent copy of the Rust config holding these values."""
        return self.engine().copy()

    def _forget(self, *names: str) -> None:
        """The engine changed these attributes (all, if none named)."""
        if names:
            for name in names:
                self._given.pop(name, None)
        else:
            self._given.clear()

    # -- coverage.py's CoverageConfig API ------------------------------------

    def from_args(self, **kwargs: Any) -> None:
        """Read config values from `kwargs` (None means "not given")."""
        ours = {k: v for k, v in kwargs.items() if k in _ATTRIBUTES}
        self.engine().from_args(**ours)
        self._forget(*(k for k, v in ours.items() if v is not None))
        for name, value in kwargs.items():
            if name not in ours and value is not None:
                object.__setattr__(self, name, value)

    def from_file(self, filename: str, warn: Callable[[str], None], our_file: bool) -> bool:
        """Read one config file over the current values; True if it was used."""
        used = self.engine().from_file(os.fspath(filename), our_file, dict(os.environ), warn)
        self._forget()
        if used:
            self._config_contents = _read_bytes(filename)
        return bool(used)

    def copy(self) -> CoverageConfig:
        """Return a copy of the configuration."""
        return copy.deepcopy(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> CoverageConfig:
        clone = type(self).__new__(type(self))
        extras = {k: v for k, v in self.__dict__.items() if k not in ("_engine", "_given")}
        clone.__dict__.update(copy.deepcopy(extras, memo))
        clone._bind(self.engine().copy(), copy.deepcopy(self._given, memo))
        return clone

    def get_plugin_options(self, plugin: str) -> dict[str, Any]:
        """The options of the plugin named `plugin` (empty if none)."""
        return self.plugin_options.get(plugin, {})

    def set_option(self, option_name: str, value: Any) -> None:
        """Set "section:option" (or "paths", or "plugin:option") to `value`."""
        self.engine().set_option(option_name, value)
        self._forget()

    def get_option(self, option_name: str) -> Any:
        """The value of "section:option" (or "paths", or "plugin:option")."""
        return self.engine().get_option(option_name)

    def post_process(self) -> None:
        """Final adjustments once every source has been applied."""
        self.engine().post_process()
        self._forget()

    def debug_info(self) -> list[tuple[str, Any]]:
        """(name, value) pairs for `coverage debug config`."""
        return self.engine().debug_info()

    def serialize(self) -> str:
        """A string `deserialize` turns back into this configuration, with the
        file paths `coverage run` uses made absolute."""
        data = self.engine().to_dict()
        data = {k: v for k, v in data.items() if not k.startswith("_")}
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
        return cls._from_engine(_engine.Config.from_dict(data))


_ATTRIBUTES: frozenset[str] = frozenset(_engine.Config.attributes())


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
    return _engine.config_files_to_try(config_file, dict(os.environ))


def read_coverage_config(config_file: bool | str, warn: Callable[[str], None], **kwargs: Any) -> CoverageConfig:
    """Read the configuration: defaults, the first applicable config file,
    COVERAGE_* environment variables, then `kwargs` (constructor arguments).
    """
    ours = {k: v for k, v in kwargs.items() if k in _ATTRIBUTES}
    config = CoverageConfig._from_engine(_engine.Config.load(config_file, ours, dict(os.environ), warn))
    # Names that aren't coverage.py attributes land as plain ones, as
    # coverage.py's setattr would put them.
    config.from_args(**{k: v for k, v in kwargs.items() if k not in ours})
    if config.config_file:
        config._config_contents = _read_bytes(config.config_file)
    return config


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
