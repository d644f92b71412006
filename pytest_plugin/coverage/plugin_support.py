"""coverage.py's `coverage.plugin_support`: loading and holding plugins.

`[run] plugins` names modules; each one's `coverage_init(reg, options)` is
called with a `Plugins` to register on and the options of the config
section named after the module. `Coverage(plugins=[...])` gives the
`coverage_init`-like callables directly instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from coverage.exceptions import PluginError
from coverage.plugin import CoveragePlugin

__all__ = ["Plugins", "TCoverageInit"]


class Plugins:
    """The loaded plugins, in load order and by what each does."""

    def __init__(self, debug: Any = None) -> None:
        self.order: list[CoveragePlugin] = []
        self.names: dict[str, CoveragePlugin] = {}
        self.file_tracers: list[CoveragePlugin] = []
        self.configurers: list[CoveragePlugin] = []
        self.context_switchers: list[CoveragePlugin] = []
        self.current_module: str | None = None
        self.debug = debug

    def load_from_config(self, modules: Iterable[str], config: Any) -> None:
        """Import each module and let its `coverage_init` register plugins."""
        for module in modules:
            self.current_module = module
            imported = importlib.import_module(module)
            coverage_init = getattr(imported, "coverage_init", None)
            if not coverage_init:
                raise PluginError(f"Plugin module {module!r} didn't define a coverage_init function")
            coverage_init(self, config.get_plugin_options(module))
        self.current_module = None

    def load_from_callables(self, plugin_inits: Iterable[TCoverageInit]) -> None:
        """Call each `coverage_init`-like callable with this registry."""
        for plugin_init in plugin_inits:
            plugin_init(self)

    def add_file_tracer(self, plugin: CoveragePlugin) -> None:
        """Register a plugin whose `file_tracer` claims files."""
        self._add(plugin, self.file_tracers)

    def add_configurer(self, plugin: CoveragePlugin) -> None:
        """Register a plugin whose `configure` changes the settings."""
        self._add(plugin, self.configurers)

    def add_dynamic_context(self, plugin: CoveragePlugin) -> None:
        """Register a plugin whose `dynamic_context` names contexts."""
        self._add(plugin, self.context_switchers)

    def add_noop(self, plugin: CoveragePlugin) -> None:
        """Register a plugin that does nothing (for testing the registry)."""
        self._add(plugin, None)

    def _add(self, plugin: CoveragePlugin, role: list[CoveragePlugin] | None) -> None:
        name = f"{self.current_module}.{plugin.__class__.__name__}"
        plugin._coverage_plugin_name = name
        plugin._coverage_enabled = True
        self.order.append(plugin)
        self.names[name] = plugin
        if role is not None:
            role.append(plugin)

    def __bool__(self) -> bool:
        return bool(self.order)

    def __iter__(self) -> Iterator[CoveragePlugin]:
        return iter(self.order)

    def get(self, plugin_name: str) -> CoveragePlugin:
        """The plugin registered under `plugin_name` (module.Class)."""
        return self.names[plugin_name]


TCoverageInit = Callable[[Plugins], None]
