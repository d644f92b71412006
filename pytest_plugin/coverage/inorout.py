"""Which files are measured, decided as coverage.py decides it.

`InOrOut` gathers the facts only the interpreter knows (where the stdlib and
third-party packages live, where source packages import from, where our own
code is) and hands them to the engine's `InOut`, which makes the per-file
decision. The tracer may call `InOrOut.engine.should_trace` directly after
`refresh_if_sys_path_changed()`.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import importlib.util
import os
import os.path
import sys
import sysconfig
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import FrameType, ModuleType
from typing import Any

from coverage.exceptions import PluginError
from coverage.files import (
    GlobMatcher,
    ModuleMatcher,
    TreeMatcher,
    canonical_filename,
)
from ferrocov import _engine


class FileDisposition:
    """What to do with a file: trace it or not, and why."""

    original_filename: str
    canonical_filename: str
    source_filename: str | None
    trace: bool
    reason: str
    file_tracer: Any
    has_dynamic_filename: bool

    def __init__(self, original_filename: str = "") -> None:
        self.original_filename = original_filename
        self.canonical_filename = original_filename
        self.source_filename = None
        self.trace = False
        self.reason = ""
        self.file_tracer = None
        self.has_dynamic_filename = False

    def __repr__(self) -> str:
        return f"<FileDisposition {self.canonical_filename!r}: trace={self.trace}>"


def source_for_file(filename: str) -> str:
    """The source file to credit for a traced file name (.pyc → .py)."""
    return _engine.source_for_file(filename)


def canonical_path(filename: str, directory: bool = False) -> str:
    """Canonical path of a module file; its directory for a package or if asked."""
    path = canonical_filename(source_for_file(filename))
    if path.endswith("__init__.py") or directory:
        path = os.path.split(path)[0]
    return path


def module_is_namespace(mod: ModuleType) -> bool:
    """Is `mod` a PEP 420 namespace package?"""
    return hasattr(mod, "__path__") and getattr(mod, "__file__", None) is None


def module_has_file(mod: ModuleType) -> bool:
    """Does `mod` have a `__file__` that exists?"""
    mod__file__ = getattr(mod, "__file__", None)
    return mod__file__ is not None and os.path.exists(mod__file__)


def file_and_path_for_module(modulename: str) -> tuple[str | None, list[str]]:
    """The origin file and submodule search path of `modulename`, per `find_spec`."""
    try:
        spec = importlib.util.find_spec(modulename)
    except Exception:
        return None, []
    if spec is None:
        return None, []
    return spec.origin, list(spec.submodule_search_locations or ())


@contextlib.contextmanager
def sys_modules_saved() -> Iterator[None]:
    """Forget modules imported inside the block (find_spec imports parents)."""
    before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]


def _sysconfig_paths(path_names: list[str]) -> list[str]:
    """The named sysconfig paths of every installation scheme."""
    paths: set[str] = set()
    for scheme in set(sysconfig.get_scheme_names()):
        config_paths = sysconfig.get_paths(scheme)
        paths.update(config_paths[name] for name in path_names if name in config_paths)
    return sorted(paths)


def stdlib_paths() -> list[str]:
    """Where the standard library lives."""
    return _sysconfig_paths(["stdlib", "platstdlib"])


def third_party_sysconfig_paths() -> list[str]:
    """Where installers put third-party packages and scripts."""
    return _sysconfig_paths(["platlib", "purelib", "scripts"])


def coverage_paths() -> list[str]:
    """Our own package directories, never measured: the coverage compat
    package, ferrocov, and pytest_cov."""
    paths = [canonical_path(__file__, directory=True)]
    import ferrocov

    paths.append(canonical_path(ferrocov.__file__, directory=True))
    with sys_modules_saved():
        origin, _ = file_and_path_for_module("pytest_cov")
    if origin:
        paths.append(canonical_path(origin, directory=True))
    return paths


@dataclass
class DirectoryDetail:
    """Whether a directory exists and the virtualenv it is in."""

    exists: bool
    venv: str | None


def _analyze_directory(d: str) -> DirectoryDetail:
    detail = DirectoryDetail(exists=os.path.exists(d), venv=None)
    if detail.exists:
        while True:
            d = os.path.dirname(d)
            if d == os.path.dirname(d):
                break
            if os.path.exists(os.path.join(d, "pyvenv.cfg")):
                detail.venv = d
                break
    return detail


def _dir_detail(d: str) -> str:
    detail = _analyze_directory(d)
    if not detail.exists:
        describe = "does not exist"
    elif detail.venv is not None:
        describe = f"venv at {detail.venv}"
    else:
        describe = "not a venv"
    return f"{d!r} ({describe})"


class InOrOut:
    """Machinery for deciding which files to measure."""

    def __init__(
        self,
        config: Any,
        warn: Any,
        debug: Any | None,
        include_namespace_packages: bool,
    ) -> None:
        self.warn = warn
        self.debug = debug
        self.include_namespace_packages = include_namespace_packages
        self.plugins: Any = None
        self.disp_class: type = FileDisposition

        source = list(getattr(config, "source", None) or [])
        self._pkg_candidates = list(getattr(config, "source_pkgs", None) or []) + [
            s for s in source if not os.path.isdir(s)
        ]
        self.last_sys_path = list(sys.path)
        self.engine = _engine.InOut(
            config.engine(),
            stdlib_dirs=stdlib_paths(),
            third_party_dirs=third_party_sysconfig_paths(),
            cover_dirs=coverage_paths(),
            module_suffixes=importlib.machinery.all_suffixes(),
            sys_path=[p for p in self.last_sys_path if isinstance(p, str)],
            source_pkg_locations=self._source_pkg_locations(),
        )
        self.source_dirs: list[str] = self.engine.source_dirs
        self.source_pkgs: list[str] = self.engine.source_pkgs
        self.include: list[str] = self.engine.include
        self.omit: list[str] = self.engine.omit
        self.cover_paths = set(self.engine.cover_paths)
        self.pylib_paths = set(self.engine.pylib_paths)
        if self.debug:
            self._debug_matchers()

    # --- environment -----------------------------------------------------

    def _source_pkg_locations(self) -> list[tuple[str, str | None, list[str]]]:
        locations = []
        with sys_modules_saved():
            for pkg in self._pkg_candidates:
                modfile, path = file_and_path_for_module(pkg)
                locations.append((pkg, modfile, path))
        return locations

    def refresh_if_sys_path_changed(self) -> None:
        """Rebuild the sys.path-dependent matchers if sys.path changed (pytest does that)."""
        if sys.path != self.last_sys_path:
            self.last_sys_path = list(sys.path)
            self.set_matchers_depending_on_syspath()

    def set_matchers_depending_on_syspath(self) -> None:
        """Recompute third-party areas and source installed in them."""
        locations = self._source_pkg_locations()
        self.engine.update_sys_path([p for p in sys.path if isinstance(p, str)], locations)
        if self.debug:
            self._debug_syspath_matchers(locations)

    @property
    def third_paths(self) -> set[str]:
        return set(self.engine.third_paths)

    @property
    def source_in_third_paths(self) -> set[str]:
        return set(self.engine.source_in_third_paths)

    @property
    def source_pkgs_unmatched(self) -> list[str]:
        return self.engine.unmatched_source_pkgs()

    def _debug(self, msg: str) -> None:
        if self.debug:
            self.debug.write(msg)

    def _debug_matchers(self) -> None:
        """coverage's startup debug output: sysconfig paths, then each matcher."""
        self._debug("sysconfig paths:")
        for scheme in sorted(sysconfig.get_scheme_names()):
            self._debug(f"    {scheme}:")
            for k, v in sysconfig.get_paths(scheme).items():
                self._debug(f"        {k}: {_dir_detail(v)}")
        if self.source_dirs:
            TreeMatcher(self.source_dirs, "source", "Source directory", self._debug)
        if self.source_pkgs:
            ModuleMatcher(self.source_pkgs, "source_pkgs", "Source imports", self._debug)
        if not (self.source_dirs or self.source_pkgs) and self.engine.has_pylib_match:
            TreeMatcher(self.pylib_paths, "pylib", "Python stdlib", self._debug)
        if self.include:
            GlobMatcher(self.include, "include", "Include", self._debug)
        if self.omit:
            GlobMatcher(self.omit, "omit", "Omit", self._debug)
        TreeMatcher(self.cover_paths, "coverage", "Coverage code", self._debug)
        self._debug_syspath_matchers(self._source_pkg_locations())

    def _debug_syspath_matchers(self, locations: list[tuple[str, str | None, list[str]]]) -> None:
        """coverage's debug output when the sys.path-dependent matchers are built."""
        self._debug("sys.path:" + "".join(f"\n    {_dir_detail(d)}" for d in sys.path))
        third = TreeMatcher(self.third_paths, "third", "Third-party lib", self._debug)
        for pkg, modfile, path in locations:
            if pkg not in self.source_pkgs:
                continue
            self._debug(f"Imported source package {pkg!r} as {modfile!r}")
            if modfile:
                if third.match(modfile):
                    self._debug(f"Source in third-party: source_pkg {pkg!r} at {modfile!r}")
            else:
                for pathdir in path:
                    if third.match(pathdir):
                        self._debug(f"Source in third-party: {pkg!r} path directory at {pathdir!r}")
        for src in self.source_dirs:
            if third.match(src):
                self._debug(f"Source in third-party: source directory {src!r}")
        TreeMatcher(self.source_in_third_paths, "source_in_third", "Source in third-party", self._debug)

    def _matchers(self, debug: Any = None) -> dict[str, Any]:
        """Python matcher objects equivalent to the engine's, for debug and sys_info."""
        m: dict[str, Any] = dict.fromkeys(
            ["source_match", "source_pkgs_match", "include_match", "omit_match", "pylib_match"]
        )
        if self.source_dirs:
            m["source_match"] = TreeMatcher(self.source_dirs, "source", "Source directory", debug)
        if self.source_pkgs:
            m["source_pkgs_match"] = ModuleMatcher(self.source_pkgs, "source_pkgs", "Source imports", debug)
        if not (self.source_dirs or self.source_pkgs) and self.engine.has_pylib_match:
            m["pylib_match"] = TreeMatcher(self.pylib_paths, "pylib", "Python stdlib", debug)
        if self.include:
            m["include_match"] = GlobMatcher(self.include, "include", "Include", debug)
        if self.omit:
            m["omit_match"] = GlobMatcher(self.omit, "omit", "Omit", debug)
        m["coverage_match"] = TreeMatcher(self.cover_paths, "coverage", "Coverage code", debug)
        m["third_match"] = TreeMatcher(self.third_paths, "third", "Third-party lib", debug)
        m["source_in_third_match"] = TreeMatcher(
            self.source_in_third_paths, "source_in_third", "Source in third-party", debug
        )
        return m

    # --- decisions ---------------------------------------------------------

    def _file_tracers(self) -> list[Any]:
        """The file-tracer plugins still enabled."""
        plugins = getattr(self.plugins, "file_tracers", None) or []
        return [plugin for plugin in plugins if getattr(plugin, "_coverage_enabled", True)]

    def should_trace(self, filename: str, frame: FrameType | None = None) -> Any:
        """Decide whether to trace `filename` (with `frame`'s globals if known)."""
        self.refresh_if_sys_path_changed()
        if self._file_tracers():
            return self._should_trace_with_plugins(filename, frame)
        if frame is None:
            trace, canonical, reason = self.engine.should_trace(filename)
        else:
            dunder_file, name, spec_name = _frame_facts(frame)
            trace, canonical, reason = self.engine.should_trace_frame(filename, dunder_file, name, spec_name)
        disp = self.disp_class()
        disp.original_filename = filename
        disp.canonical_filename = canonical
        disp.source_filename = canonical if trace or _was_canonicalized(reason) else None
        disp.trace = trace
        disp.reason = reason
        disp.file_tracer = None
        disp.has_dynamic_filename = False
        return disp

    def _should_trace_with_plugins(self, filename: str, frame: FrameType | None) -> Any:
        """coverage's full flow, asking the file-tracer plugins first."""
        disp = self.disp_class()
        for attr, value in FileDisposition(filename).__dict__.items():
            setattr(disp, attr, value)
        original_filename = filename
        if original_filename.startswith("<"):
            return _nope(disp, "original file name is not real")
        if frame is not None:
            dunder_file, _, _ = _frame_facts(frame)
            if dunder_file:
                filename = source_for_file(dunder_file)
                if original_filename and os.path.basename(original_filename) != os.path.basename(filename):
                    filename = original_filename
        if not filename:
            return _nope(disp, "empty string isn't a file name")
        if filename.startswith("memory:"):
            return _nope(disp, "memory isn't traceable")
        if filename.startswith("<"):
            return _nope(disp, "file name is not real")
        canonical = canonical_filename(filename)
        disp.canonical_filename = canonical
        plugin = None
        for plugin in self._file_tracers():
            if not plugin._coverage_enabled:
                continue
            try:
                file_tracer = plugin.file_tracer(canonical)
                if file_tracer is not None:
                    file_tracer._coverage_plugin = plugin
                    disp.trace = True
                    disp.file_tracer = file_tracer
                    if file_tracer.has_dynamic_source_filename():
                        disp.has_dynamic_filename = True
                    else:
                        disp.source_filename = canonical_filename(file_tracer.source_filename())
                    break
            except Exception:
                tb = traceback.format_exc()
                self.warn(f"Disabling plug-in {plugin._coverage_plugin_name!r} due to an exception:\n{tb}")
                plugin._coverage_enabled = False
                continue
        else:
            disp.trace = True
            disp.source_filename = canonical
        if not disp.has_dynamic_filename:
            if not disp.source_filename:
                raise PluginError(f"Plugin {plugin!r} didn't set source_filename for '{disp.original_filename}'")
            reason = self.check_include_omit_etc(disp.source_filename, frame)
            if reason:
                _nope(disp, reason)
        return disp

    def check_include_omit_etc(self, filename: str, frame: FrameType | None) -> str | None:
        """None to trace `filename`, else the reason not to."""
        _, name, spec_name = _frame_facts(frame) if frame is not None else (None, None, None)
        try:
            module_name = self.engine.module_name(filename, name, spec_name)
            return self.engine.check_include_omit_etc(filename, module_name)
        except UnicodeEncodeError:
            # Lone surrogates: the rules still apply, then the name can't be stored.
            lossy = filename.encode("utf-8", "replace").decode("utf-8")
            module_name = self.engine.module_name(lossy, name, spec_name)
            return self.engine.check_include_omit_etc(lossy, module_name) or "non-encodable filename"

    # --- warnings ------------------------------------------------------------

    def conflicting_settings_warnings(self) -> list[tuple[str, str]]:
        """[(message, slug)] for settings that conflict."""
        return self.engine.conflicting_settings_warnings()

    def warn_conflicting_settings(self) -> None:
        for msg, slug in self.conflicting_settings_warnings():
            self.warn(msg, slug=slug)

    def warn_already_imported_files(self) -> None:
        """Warn about already-imported files that would be measured."""
        if not self.engine.wants_preimport_check():
            return
        warned = set()
        for mod in list(sys.modules.values()):
            filename = getattr(mod, "__file__", None)
            if filename is None or filename in warned:
                continue
            if len(getattr(mod, "__path__", ())) > 1:
                continue  # A namespace package confuses this check.
            disp = self.should_trace(filename)
            if disp.has_dynamic_filename:
                continue
            if disp.trace:
                self.warn(f"Already imported a file that will be measured: {filename}", slug="already-imported")
                warned.add(filename)
            elif self.debug and self.debug.should("trace"):
                self.debug.write(f"Didn't trace already imported file {disp.original_filename!r}: {disp.reason}")

    def unimported_source_warnings(self) -> list[tuple[str, str]]:
        """[(message, slug)] for source packages that were never measured."""
        warnings = []
        for pkg in self.engine.unmatched_source_pkgs():
            mod = sys.modules.get(pkg)
            if mod is None:
                warnings.append((f"Module {pkg} was never imported.", "module-not-imported"))
            elif module_is_namespace(mod):
                continue  # No code of its own to measure.
            elif not module_has_file(mod):
                warnings.append((f"Module {pkg} has no Python source.", "module-not-python"))
            else:
                warnings.append((f"Module {pkg} was previously imported, but not measured", "module-not-measured"))
        return warnings

    def warn_unimported_source(self) -> None:
        for msg, slug in self.unimported_source_warnings():
            self.warn(msg, slug=slug)

    # --- unexecuted files ----------------------------------------------------

    def find_possibly_unexecuted_files(self) -> Iterable[tuple[str, str | None]]:
        """(path, plugin name) for every file under the source areas that may never have run."""
        pkg_files = [
            source_for_file(sys.modules[pkg].__file__)  # type: ignore[arg-type]
            for pkg in self.source_pkgs
            if pkg in sys.modules and module_has_file(sys.modules[pkg])
        ]
        for path in self.engine.find_unexecuted(pkg_files):
            yield path, None
        plugins = self._file_tracers()
        if plugins:
            roots = [canonical_path(f) for f in pkg_files] + list(self.source_dirs)
            for src_dir in roots:
                for plugin in plugins:
                    for x_file in plugin.find_executable_files(src_dir):
                        x_file = canonical_filename(x_file)
                        if not self.engine.is_omitted(x_file):
                            yield x_file, plugin._coverage_plugin_name

    def sys_info(self) -> Iterable[tuple[str, Any]]:
        """(key, value) pairs for `coverage debug sys`."""
        info: list[tuple[str, Any]] = [
            ("coverage_paths", self.cover_paths),
            ("stdlib_paths", self.pylib_paths),
            ("third_party_paths", self.third_paths),
            ("source_in_third_party_paths", self.source_in_third_paths),
        ]
        matchers = self._matchers()
        for name in [
            "source_match",
            "source_pkgs_match",
            "include_match",
            "omit_match",
            "coverage_match",
            "pylib_match",
            "third_match",
            "source_in_third_match",
        ]:
            matcher = matchers[name]
            info.append((name, matcher.info() if matcher else "-none-"))
        return info


def _frame_facts(frame: Any) -> tuple[str | None, str | None, str | None]:
    """`__file__`, `__name__` and `__spec__.name` of a frame's module, as strings or None."""
    f_globals = getattr(frame, "f_globals", None) or {}
    dunder_file = f_globals.get("__file__")
    name = f_globals.get("__name__")
    spec = f_globals.get("__spec__")
    spec_name = getattr(spec, "name", None) if spec else None
    return (
        str(dunder_file) if dunder_file else None,
        name if isinstance(name, str) else None,
        spec_name if isinstance(spec_name, str) else None,
    )


_UNCANONICAL_REASONS = {
    "original file name is not real",
    "empty string isn't a file name",
    "memory isn't traceable",
    "file name is not real",
}


def _was_canonicalized(reason: str) -> bool:
    return reason not in _UNCANONICAL_REASONS


def _nope(disp: Any, reason: str) -> Any:
    disp.trace = False
    disp.reason = reason
    return disp


__all__ = [
    "FileDisposition",
    "InOrOut",
    "canonical_path",
    "file_and_path_for_module",
    "module_has_file",
    "module_is_namespace",
    "source_for_file",
]
