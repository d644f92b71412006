"""`Coverage`: the object users drive, coverage.py 7.17's API.

This class wires the pieces together and converts arguments; the work is
done by the engine: configuration (`coverage.config`), file disposition
(`coverage.inorout`), tracing (`coverage.collector`), the data file
(`coverage.sqldata`) and analysis/reporting (`coverage.report`).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import os
import platform
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import IO, Any, ClassVar

from coverage import env
from coverage.collector import Collector
from coverage.config import CoverageConfig, read_coverage_config
from coverage.context import should_start_context_test_function
from coverage.data import combine_parallel_data
from coverage.debug import DebugControl, short_stack
from coverage.exceptions import ConfigError, CoverageException, CoverageWarning
from coverage.files import PathAliases, abs_file, relative_directory, relative_filename, set_relative_directory
from coverage.inorout import InOrOut
from coverage.misc import bool_or_none, ensure_dir_for_file, join_regex
from coverage.multiproc import patch_multiprocessing
from coverage.patch import apply_patches
from coverage.plugin_support import Plugins
from coverage.sqldata import CoverageData
from coverage.version import __url__, __version__
from ferrocov import _engine


class _DefaultDataFile:
    """Marks "use the data file the configuration names"."""

    def __repr__(self) -> str:
        return "DEFAULT_DATAFILE"


DEFAULT_DATAFILE = _DefaultDataFile()

# `config_file` of this prefix carries a serialized configuration (a parent
# process's, handed to its children in COVERAGE_PROCESS_CONFIG).
CONFIG_DATA_PREFIX = ":data:"


@contextlib.contextmanager
def override_config(cov: Coverage, **kwargs: Any) -> Iterator[None]:
    """Temporarily set configuration values that are not None."""
    original = cov.config
    cov.config = original.copy()
    try:
        cov.config.from_args(**kwargs)
        yield
    finally:
        cov.config = original


class Coverage:
    """Measures code coverage: configure, start, stop, save, report."""

    _instances: ClassVar[list[Coverage]] = []

    @classmethod
    def current(cls) -> Coverage | None:
        """The most recently started `Coverage` that is still running."""
        return cls._instances[-1] if cls._instances else None

    def __init__(  # noqa: PLR0913 - coverage.py's signature
        self,
        data_file: Any = DEFAULT_DATAFILE,
        data_suffix: str | bool | None = None,
        cover_pylib: bool | None = None,
        auto_data: bool = False,
        timid: bool | None = None,
        branch: bool | None = None,
        config_file: Any = True,
        source: Iterable[str] | None = None,
        source_pkgs: Iterable[str] | None = None,
        source_dirs: Iterable[str] | None = None,
        omit: str | Iterable[str] | None = None,
        include: str | Iterable[str] | None = None,
        debug: Iterable[str] | None = None,
        concurrency: str | Iterable[str] | None = None,
        check_preimported: bool = False,
        context: str | None = None,
        messages: bool = False,
        plugins: Iterable[Callable[..., None]] | None = None,
    ) -> None:
        # data_file=None: no file at all; the default: the configured name.
        self._no_disk = data_file is None
        if isinstance(data_file, _DefaultDataFile):
            data_file = None
        if data_file is not None:
            data_file = os.fspath(data_file)
        self._auto_load = self._auto_save = auto_data
        self._data_suffix_specified = data_suffix
        self._warn_no_data = True
        self._warn_unimported_source = True
        self._warn_preimported_source = check_preimported
        self._no_warn_slugs: set[str] | None = None
        self._messages = messages
        self._warnings: list[str] = []
        self._plugin_override = plugins
        self._plugins = Plugins()

        self._inorout: InOrOut | None = None
        self._collector: Collector | None = None
        self._data: CoverageData | None = None
        self._file_mapper: Callable[[str], str] = abs_file
        self._exclude_re: dict[str, str] = {}
        self._old_sigterm: Any = None
        self._debug: DebugControl | None = None
        self._inited = False
        self._inited_for_start = False
        self._started = False
        self._atexit_registered = False

        self.config: CoverageConfig = CoverageConfig()
        if isinstance(config_file, str) and config_file.startswith(CONFIG_DATA_PREFIX):
            # A child measured for its parent runs with the parent's resolved
            # configuration, nothing read or overridden here.
            self.config = CoverageConfig.deserialize(config_file[len(CONFIG_DATA_PREFIX) :])
        else:
            if not isinstance(config_file, bool):
                config_file = os.fspath(config_file)
            self.config = read_coverage_config(
                config_file=config_file,
                warn=self._warn,
                data_file=data_file,
                cover_pylib=cover_pylib,
                timid=timid,
                branch=branch,
                parallel=bool_or_none(data_suffix),
                source=source,
                source_pkgs=source_pkgs,
                source_dirs=source_dirs,
                run_omit=omit,
                run_include=include,
                debug=debug,
                report_omit=omit,
                report_include=include,
                concurrency=concurrency,
                context=context,
            )
        # A program that makes its own Coverage is coverage-aware: the one the
        # start-up hook may have made for it must not save over its data.
        _prevent_sub_process_measurement()

    def __repr__(self) -> str:
        data_file = repr(self._data.data_filename()) if self._data is not None else "-none-"
        core = self._collector.tracer_name() if self._collector is not None else "-none-"
        return f"<Coverage @0x{id(self):x} core={core} data_file={data_file}>"

    def __enter__(self) -> Coverage:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- set-up --------------------------------------------------------------

    def _init(self) -> None:
        if self._inited:
            return
        self._inited = True
        if "multiprocessing" in (self.config.concurrency or ()):
            self.config.parallel = True
        if self.config.debug:
            # For the data layer's messages (dataio, dataop, combine).
            self._debug = DebugControl(self.config.debug, None, self.config.debug_file)
        set_relative_directory()
        if self.config.relative_files:
            self._file_mapper = relative_filename
        self._load_plugins()

    def _load_plugins(self) -> None:
        """Load the configured plugins (or the constructor's) and let the
        configurers change the settings before anything reads them."""
        self._plugins = Plugins()
        if self._plugin_override:
            self._plugins.load_from_callables(self._plugin_override)
        else:
            self._plugins.load_from_config(self.config.plugins or [], self.config)
        for plugin in self._plugins.configurers:
            # coverage.py hands over the Coverage or its config, either one:
            # a configurer may only use get_option and set_option.
            plugin.configure(self)

    def _disable_unsupported_plugins(self) -> None:
        """Plugins of a kind the cores can't serve yet are switched off,
        with coverage.py's warning, instead of being silently ignored."""
        assert self._collector is not None
        unsupported = [
            ("file tracers", self._plugins.file_tracers),
            ("dynamic context switchers", self._plugins.context_switchers),
        ]
        for kind, plugins in unsupported:
            if plugins:
                names = ", ".join(plugin._coverage_plugin_name for plugin in plugins)
                self._warn(
                    f"Plugin {kind} ({names}) aren't supported with {self._collector.tracer_name()}",
                    slug="plugin-unsupported",
                )
                for plugin in plugins:
                    plugin._coverage_enabled = False

    def _post_init(self) -> None:
        """After initialising: the internal `[run] _crash` setting raises here
        when its text is in the call stack (coverage.py's tests use it to
        exercise error handling)."""
        crash = self.config._crash
        if crash and crash in short_stack():
            raise RuntimeError(f"Crashing because called by {crash}")

    def _file_decider(self) -> Any:
        """What the tracer asks about each new file: the engine itself, with
        Python called only when sys.path changes; `_should_trace` once
        plugins can claim files."""
        assert self._inorout is not None
        # A `_should_trace` replaced on the instance (coverage.py's own tests
        # hook it to watch the tracer's questions) stays the tracer's callback.
        if self._inorout._file_tracers() or "_should_trace" in vars(self):
            return self._should_trace
        relative_dir = relative_directory() if self.config.relative_files else None
        return _engine.FileDecider(self._inorout.engine, self._inorout.refresh_if_sys_path_changed, relative_dir)

    def _should_trace(self, filename: str, frame: FrameType) -> str | None:
        """The tracer's question, once per file: record it, and under what name?"""
        assert self._inorout is not None
        disp = self._inorout.should_trace(filename, frame)
        return disp.source_filename if disp.trace else None

    def _warn(self, msg: str, slug: str | None = None, once: bool = False) -> None:
        """Issue a CoverageWarning, unless its slug is disabled."""
        if self._no_warn_slugs is None:
            self._no_warn_slugs = set(getattr(self.config, "disable_warnings", None) or ())
        if slug in self._no_warn_slugs:
            return
        self._warnings.append(msg)
        if slug:
            msg = f"{msg} ({slug}); see {__url__}/messages.html#warning-{slug}"
        warnings.warn(msg, category=CoverageWarning, stacklevel=2)
        if once and slug:
            self._no_warn_slugs.add(slug)

    def _message(self, msg: str) -> None:
        if self._messages:
            print(msg, file=sys.stderr)

    def get_option(self, option_name: str) -> Any:
        """The value of `"section:option"` (or the whole `"paths"` dict)."""
        return self.config.get_option(option_name)

    def set_option(self, option_name: str, value: Any) -> None:
        """Set `"section:option"` to `value` (a Python value, not a string)."""
        self.config.set_option(option_name, value)

    def _init_data(self, suffix: str | bool | None) -> None:
        if self._data is None:
            ensure_dir_for_file(self.config.data_file)
            self._data = CoverageData(
                basename=self.config.data_file,
                suffix=suffix,
                warn=self._warn,
                debug=self._debug,
                no_disk=self._no_disk,
            )
            if self._collector is not None and self.config.context:
                # The static context labels everything this run records.
                self._data.set_context(self.config.context)

    def _run_suffix(self) -> str | bool | None:
        """The data file suffix for a measured run (parallel or explicit)."""
        suffix = self._data_suffix_specified
        if suffix:
            return suffix if isinstance(suffix, str) else True
        if self.config.parallel:
            return True if suffix is None else (suffix if isinstance(suffix, str) else bool(suffix))
        return None

    def _init_for_start(self) -> None:
        if "multiprocessing" in self.config.concurrency:
            # Children read their settings from the file, never from arguments.
            if self.config.config_file is None:
                raise ConfigError("multiprocessing requires a configuration file")
            patch_multiprocessing(rcfile=self.config.config_file)
        dynamic = self.config.dynamic_context
        should_start_context: Callable[[FrameType], str | None] | None
        if not dynamic or dynamic == "none":
            should_start_context = None
        elif dynamic == "test_function":
            should_start_context = should_start_context_test_function
        else:
            raise ConfigError(f"Don't understand dynamic_context setting: {dynamic!r}")
        self._inorout = InOrOut(
            config=self.config,
            warn=self._warn,
            debug=None,
            include_namespace_packages=self.config.include_namespace_packages,
        )
        self._collector = Collector(
            self._file_decider(),
            self._file_mapper,
            config=self.config,
            warn=self._warn,
            should_start_context=should_start_context,
            switch_context=self._switch_dynamic_context if should_start_context else None,
        )
        self._disable_unsupported_plugins()
        self._inorout.plugins = self._plugins
        self._init_data(self._run_suffix())
        if not self._atexit_registered:
            atexit.register(self._atexit)
            self._atexit_registered = True
        if self.config.sigterm and threading.current_thread() is threading.main_thread():
            self._old_sigterm = signal.signal(signal.SIGTERM, self._on_sigterm)

    # -- measurement ---------------------------------------------------------

    def start(self) -> None:
        """Start measuring: code run from now on (in new frames) is recorded."""
        self._init()
        if not self._inited_for_start:
            self._inited_for_start = True
            self._init_for_start()
        self._post_init()
        assert self._collector is not None and self._inorout is not None
        self._inorout.warn_conflicting_settings()
        if self._warn_preimported_source:
            self._inorout.warn_already_imported_files()
        if self._auto_load:
            self.load()
        apply_patches(self, self.config.patch or [])
        self._collector.start()
        self._started = True
        self._instances.append(self)

    def stop(self) -> None:
        """Stop measuring."""
        if self._instances and self._instances[-1] is self:
            self._instances.pop()
        if self._started:
            assert self._collector is not None
            self._collector.stop()
        self._started = False

    @contextlib.contextmanager
    def collect(self) -> Iterator[None]:
        """Measure for the duration of a `with` block."""
        self.start()
        try:
            yield
        finally:
            self.stop()

    def _atexit(self, event: str = "atexit") -> None:
        if self._started:
            self.stop()
        if self._auto_save or event == "sigterm":
            self.save()

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        self._atexit("sigterm")
        signal.signal(signal.SIGTERM, self._old_sigterm)
        os.kill(os.getpid(), signal.SIGTERM)

    def switch_context(self, new_context: str) -> str | None:
        """Record what runs from now on under `new_context` (joined to the
        static context with "|" when there is one); return the previous
        context. Works with every core: the sysmon core re-arms the events
        it had disabled, so lines already seen are recorded again."""
        if not self._started:
            raise CoverageException("Cannot switch context, coverage is not started")
        assert self._collector is not None
        if self._collector.should_start_context is not None:
            # Both this call and the tracer's test-function contexts switch.
            self._warn("Conflicting dynamic contexts", slug="dynamic-conflict", once=True)
        return self._switch_dynamic_context(new_context)

    def _switch_dynamic_context(self, new_context: str | None) -> str | None:
        """The switch itself; the tracer calls it when a test function's
        context starts (its label) or ends (None: the static context)."""
        assert self._collector is not None and self._data is not None
        static = self.config.context
        context = f"{static}|{new_context}" if static and new_context else (static or new_context)
        return self._collector.switch_context(self._data, context)

    # -- data ----------------------------------------------------------------

    def load(self) -> None:
        """Read previously collected data from the data file."""
        self._init()
        if self._collector is not None:
            self._collector.reset()
        should_skip = self.config.parallel and not os.path.exists(self.config.data_file)
        if not should_skip:
            self._init_data(suffix=None)
            assert self._data is not None
            self._data.read()

    def erase(self) -> None:
        """Forget collected data, in memory and on disk."""
        self._init()
        if self._collector is not None:
            self._collector.reset()
        self._init_data(suffix=None)
        assert self._data is not None
        self._data.erase(parallel=self.config.parallel)
        self._data = None
        self._inited_for_start = False

    def save(self) -> None:
        """Write the collected data to the data file."""
        self.get_data().write()

    def get_data(self) -> CoverageData:
        """The collected data, after moving in what the tracer holds."""
        self._init()
        self._init_data(suffix=None)
        assert self._data is not None
        if self._collector is not None and self._collector.flush_data(self._data):
            self._post_save_work()
        return self._data

    def _post_save_work(self) -> None:
        """Warn about what should have happened, and add never-run files."""
        assert self._data is not None and self._inorout is not None
        if self._warn_unimported_source:
            self._inorout.warn_unimported_source()
        if not self._data and self._warn_no_data:
            self._warn("No data was collected.", slug="no-data-collected")
        unexecuted = [self._file_mapper(path) for path, _ in self._inorout.find_possibly_unexecuted_files()]
        if unexecuted:
            self._data.touch_files(unexecuted)

    def combine(self, data_paths: Iterable[str] | None = None, strict: bool = False, keep: bool = False) -> None:
        """Fold the parallel data files ``<data_file>.*`` into this data.

        `data_paths` are files or directories to combine from instead of the
        data file's directory; with `strict`, finding nothing to combine is
        an error; with `keep`, the combined files are not deleted. Recorded
        paths are remapped by the [paths] setting. Like coverage.py, this
        adds to what was loaded (`load()`), and starts afresh otherwise.
        """
        self._init()
        self._init_data(suffix=None)
        self._post_init()
        combine_parallel_data(
            self.get_data(),
            aliases=self._make_aliases(),
            data_paths=data_paths,
            strict=strict,
            keep=keep,
            message=self._message,
        )

    def _prepare_data_for_reporting(self) -> None:
        """Before a report, remap the data's file names by [paths], in memory,
        as coverage.py does: data measured elsewhere reports under the local
        names without a `combine`, and the data file is left as it was."""
        if not self.config.paths:
            return
        measured = self.get_data()
        mapped = CoverageData(warn=self._warn, no_disk=True)
        mapped.update(measured, map_path=self._make_aliases().map)
        self._data = mapped

    def _make_aliases(self) -> PathAliases:
        """The [paths] setting as path aliases: later entries map onto the first."""
        aliases = PathAliases(relative=bool(self.config.relative_files))
        for locations in (self.config.paths or {}).values():
            canonical, *others = locations
            for pattern in others:
                aliases.add(pattern, canonical)
        return aliases

    # -- exclusions ----------------------------------------------------------

    def clear_exclude(self, which: str = "exclude") -> None:
        """Empty one of the exclusion lists ("exclude" or "partial")."""
        self._init()
        setattr(self.config, f"{which}_list", [])
        self._exclude_re.clear()

    def exclude(self, regex: str, which: str = "exclude") -> None:
        """Add a regex to one of the exclusion lists."""
        self._init()
        getattr(self.config, f"{which}_list").append(regex)
        self._exclude_re.clear()

    def _exclude_regex(self, which: str) -> str:
        if which not in self._exclude_re:
            self._exclude_re[which] = join_regex(getattr(self.config, f"{which}_list"))
        return self._exclude_re[which]

    def get_exclude_list(self, which: str = "exclude") -> list[str]:
        """The regexes of one exclusion list."""
        self._init()
        return list(getattr(self.config, f"{which}_list"))

    # -- analysis and reports ------------------------------------------------

    def _analyze(self, morf: Any) -> Any:
        from coverage.report import analyze_morf

        self._init()
        return analyze_morf(self, morf)

    def _get_file_reporter(self, morf: Any) -> Any:
        """The FileReporter of a module or file name (Python files only until plugins exist)."""
        from coverage.python import PythonFileReporter

        self._init()
        return PythonFileReporter(morf, self)

    def _get_file_reporters(self, morfs: Any = None) -> list[tuple[Any, Any]]:
        """(FileReporter, morf) pairs for `morfs`, or for every measured file."""
        self._init()
        if not morfs:
            morfs = self.get_data().measured_files()
        if not isinstance(morfs, (list, tuple, set)):
            morfs = [morfs]
        return [(self._get_file_reporter(morf), morf) for morf in morfs]

    def analysis(self, morf: Any) -> tuple[str, list[int], list[int], str]:
        """(filename, statements, missing, missing formatted) for a module or file."""
        filename, statements, _, missing, formatted = self.analysis2(morf)
        return filename, statements, missing, formatted

    def analysis2(self, morf: Any) -> tuple[str, list[int], list[int], list[int], str]:
        """(filename, statements, excluded, missing, missing formatted)."""
        analysis = self._analyze(morf)
        return (
            analysis.filename,
            sorted(analysis.statements),
            sorted(analysis.excluded),
            sorted(analysis.missing),
            analysis.missing_formatted(),
        )

    def branch_stats(self, morf: Any) -> dict[int, tuple[int, int]]:
        """`{line: (exits, exits taken)}` of each branch line of a module or file."""
        return self._analyze(morf).branch_stats()

    def _reporting(
        self,
        ignore_errors: bool | None,
        omit: str | list[str] | None,
        include: str | list[str] | None,
        contexts: list[str] | None,
        **options: Any,
    ) -> contextlib.AbstractContextManager[None]:
        """What every report does first: the data remapped by [paths], and
        the options every report takes (plus its own) set for its run."""
        self._init()
        self._prepare_data_for_reporting()
        return override_config(
            self,
            ignore_errors=ignore_errors,
            report_omit=omit,
            report_include=include,
            report_contexts=contexts,
            **options,
        )

    def report(
        self,
        morfs: Any = None,
        show_missing: bool | None = None,
        ignore_errors: bool | None = None,
        file: IO[str] | None = None,
        omit: str | list[str] | None = None,
        include: str | list[str] | None = None,
        skip_covered: bool | None = None,
        contexts: list[str] | None = None,
        skip_empty: bool | None = None,
        precision: int | None = None,
        sort: str | None = None,
        output_format: str | None = None,
    ) -> float:
        """Write the text summary report; return the total percentage."""
        from coverage.report import summary_report

        with self._reporting(
            ignore_errors,
            omit,
            include,
            contexts,
            show_missing=show_missing,
            skip_covered=skip_covered,
            skip_empty=skip_empty,
            precision=precision,
            sort=sort,
            format=output_format,
        ):
            return summary_report(self, morfs, file or sys.stdout)

    def annotate(
        self,
        morfs: Any = None,
        directory: str | None = None,
        ignore_errors: bool | None = None,
        omit: str | list[str] | None = None,
        include: str | list[str] | None = None,
        contexts: list[str] | None = None,
    ) -> None:
        """Write each measured source as `<source>,cover` (or into
        `directory` under a flat name), every line marked: ">" ran, "!"
        missing, "-" excluded."""
        from coverage.annotate import AnnotateReporter

        with self._reporting(ignore_errors, omit, include, contexts):
            AnnotateReporter(self).report(morfs, directory=directory)

    def html_report(
        self,
        morfs: Any = None,
        directory: str | None = None,
        ignore_errors: bool | None = None,
        omit: str | list[str] | None = None,
        include: str | list[str] | None = None,
        extra_css: str | None = None,
        title: str | None = None,
        skip_covered: bool | None = None,
        show_contexts: bool | None = None,
        contexts: list[str] | None = None,
        skip_empty: bool | None = None,
        precision: int | None = None,
    ) -> float:
        """Write the HTML report into `directory` (default `[html]
        directory`); return the total percentage. Pages of unchanged files
        are kept from the last run (see the status file)."""
        from coverage.html import HtmlReporter

        with self._reporting(
            ignore_errors,
            omit,
            include,
            contexts,
            html_dir=directory,
            extra_css=extra_css,
            html_title=title,
            html_skip_covered=skip_covered,
            show_contexts=show_contexts,
            html_skip_empty=skip_empty,
            precision=precision,
        ):
            return HtmlReporter(self).report(morfs)

    def xml_report(
        self,
        morfs: Any = None,
        outfile: str | None = None,
        ignore_errors: bool | None = None,
        omit: str | list[str] | None = None,
        include: str | list[str] | None = None,
        contexts: list[str] | None = None,
        skip_empty: bool | None = None,
    ) -> float:
        """Write the Cobertura XML report to `outfile` ("-": stdout; default
        `[xml] output`); return the total percentage."""
        from coverage.report_core import render_report
        from coverage.xmlreport import XmlReporter

        with self._reporting(ignore_errors, omit, include, contexts, xml_output=outfile, skip_empty=skip_empty):
            return render_report(self.config.xml_output, XmlReporter(self), morfs, self._message)

    def json_report(
        self,
        morfs: Any = None,
        outfile: str | None = None,
        ignore_errors: bool | None = None,
        omit: str | list[str] | None = None,
        include: str | list[str] | None = None,
        contexts: list[str] | None = None,
        pretty_print: bool | None = None,
        show_contexts: bool | None = None,
    ) -> float:
        """Write the JSON report to `outfile` ("-": stdout; default
        `[json] output`); return the total percentage."""
        from coverage.jsonreport import JsonReporter
        from coverage.report_core import render_report

        with self._reporting(
            ignore_errors,
            omit,
            include,
            contexts,
            json_output=outfile,
            json_pretty_print=pretty_print,
            json_show_contexts=show_contexts,
        ):
            return render_report(self.config.json_output, JsonReporter(self), morfs, self._message)

    def lcov_report(
        self,
        morfs: Any = None,
        outfile: str | None = None,
        ignore_errors: bool | None = None,
        omit: str | list[str] | None = None,
        include: str | list[str] | None = None,
        contexts: list[str] | None = None,
    ) -> float:
        """Write the LCOV report to `outfile` ("-": stdout; default
        `[lcov] output`); return the total percentage."""
        from coverage.lcovreport import LcovReporter
        from coverage.report_core import render_report

        with self._reporting(ignore_errors, omit, include, contexts, lcov_output=outfile):
            return render_report(self.config.lcov_output, LcovReporter(self), morfs, self._message)

    def sys_info(self) -> list[tuple[str, Any]]:
        """(key, value) pairs describing this installation and run."""
        import coverage as covmod
        from ferrocov import __version__ as ferrocov_version

        self._init()
        return [
            ("coverage_version", __version__),
            ("ferrocov_version", ferrocov_version),
            ("coverage_module", covmod.__file__),
            ("core", self._collector.tracer_name() if self._collector is not None else "-none-"),
            ("plugins.file_tracers", _plugin_entries(self._plugins.file_tracers)),
            ("plugins.configurers", _plugin_entries(self._plugins.configurers)),
            ("plugins.context_switchers", _plugin_entries(self._plugins.context_switchers)),
            ("configs_attempted", self.config.config_files_attempted),
            ("configs_read", self.config.config_files_read),
            ("config_file", self.config.config_file),
            ("data_file", self._data.data_filename() if self._data is not None else "-none-"),
            ("python", sys.version.replace("\n", "")),
            ("platform", platform.platform()),
            ("implementation", platform.python_implementation()),
            ("gil_enabled", env.GIL),
            ("executable", sys.executable),
            ("def_encoding", sys.getdefaultencoding()),
            ("fs_encoding", sys.getfilesystemencoding()),
            ("pid", os.getpid()),
            ("cwd", os.getcwd()),
            ("path", sys.path),
            ("command_line", " ".join(getattr(sys, "argv", ["-none-"]))),
            ("time", f"{datetime.datetime.now():%Y-%m-%d %H:%M:%S}"),
        ]


def _plugin_entries(plugins: list[Any]) -> list[str]:
    """`coverage debug sys` lines for plugins: their names, disabled ones marked."""
    return [p._coverage_plugin_name + ("" if p._coverage_enabled else " (disabled)") for p in plugins]


def process_startup(*, force: bool = False, slug: str = "default") -> Coverage | None:
    """Start measuring in a new process if its environment asks for it.

    COVERAGE_PROCESS_CONFIG (a parent's serialized configuration, set by
    `patch = subprocess`) or COVERAGE_PROCESS_START (a config file) asks.
    Called by the installed `.pth` file at every interpreter start-up (`slug`
    says who called), so it does nothing the second time in a process unless
    `force`d. Returns the started `Coverage`, or None.
    """
    del slug  # coverage.py's debug output names the caller; ours has no use for it
    if not force and hasattr(process_startup, "coverage"):
        return None
    config_data = os.getenv("COVERAGE_PROCESS_CONFIG")
    if config_data is not None:
        config_file = CONFIG_DATA_PREFIX + config_data
    else:
        cps = os.getenv("COVERAGE_PROCESS_START")
        if cps is None:
            return None
        config_file = cps
    cov = _start_process_coverage(config_file)
    process_startup.coverage = cov  # type: ignore[attr-defined]
    return cov


def _start_process_coverage(config_file: str) -> Coverage:
    """Measure this whole process with `config_file`, saving at exit."""
    cov = Coverage(config_file=config_file)
    cov._warn_no_data = False
    cov._warn_unimported_source = False
    cov._warn_preimported_source = False
    cov._auto_save = True
    cov.start()
    return cov


def _prevent_sub_process_measurement() -> None:
    """The process made a Coverage of its own: the auto-started one keeps quiet."""
    auto_started = getattr(process_startup, "coverage", None)
    if auto_started is not None:
        auto_started._auto_save = False


def _after_fork_in_child() -> None:
    """`patch = fork`: the child of a measured process measures itself."""
    parent_cov = Coverage.current()
    if parent_cov is None:
        process_startup(force=True, slug="fork")
        return
    # The child must not save the parent's pre-fork data as its own.
    parent_cov._auto_save = False
    parent_cov.stop()
    _start_process_coverage(CONFIG_DATA_PREFIX + parent_cov.config.serialize())
