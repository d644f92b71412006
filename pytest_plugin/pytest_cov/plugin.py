"""The pytest plugin: pytest-cov 7.1's options and behaviour over ferrocov.

This module holds what pytest sees: the command-line options, the hooks and
the fixtures. Measuring, combining and reporting are the controllers' work
(`pytest_cov.engine`), one controller per role a process plays in the run:
a plain run, an xdist controller, or an xdist worker.
"""

from __future__ import annotations

import argparse
import os
import re
import warnings
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest

from pytest_cov import CovDisabledWarning, CovReportWarning, PytestCovWarning

if TYPE_CHECKING:
    from pytest_cov.engine import Controller

# Report types and what may follow them after a colon.
TERM_REPORTS = ["term", "term-missing"]
FILE_REPORTS = ["annotate", "html", "xml", "json", "markdown", "markdown-append", "lcov"]
TERM_MODIFIERS = ["skip-covered"]
MARKDOWN_DEFAULT_DEST = "coverage.md"

# coverage.py's SQLite connections can be reported as unclosed; with a strict
# `-W error` setup that would turn into a test error. The message reaches the
# filters escaped when it comes from -W or PYTHONWARNINGS, plain from ini files.
SQLITE_WARNING_TEXT = "unclosed database in <sqlite3.Connection object at"
SQLITE_WARNING_PATTERNS = {
    re.compile(SQLITE_WARNING_TEXT, re.I).pattern,
    re.compile(re.escape(SQLITE_WARNING_TEXT), re.I).pattern,
}


# -- option values -----------------------------------------------------------


def validate_report(arg: str) -> tuple[str, str | None]:
    """Parse `TYPE[:DEST]` (or `term[-missing]:skip-covered`) of --cov-report."""
    every_type = TERM_REPORTS + FILE_REPORTS
    report_type, colon, modifier = arg.partition(":")
    if report_type not in every_type and report_type != "":
        raise argparse.ArgumentTypeError(f'invalid choice: "{arg}" (choose from "{every_type}")')
    if not colon:
        return report_type, None
    if report_type in TERM_REPORTS and modifier in TERM_MODIFIERS:
        return report_type, modifier
    if report_type not in FILE_REPORTS:
        raise argparse.ArgumentTypeError(f'output specifier not supported for: "{arg}" (choose from "{FILE_REPORTS}")')
    return report_type, modifier


def validate_fail_under(num_str: str) -> int | float:
    """--cov-fail-under: a number no greater than 100, kept as int when it is one."""
    value: int | float
    try:
        value = int(num_str)
    except ValueError:
        try:
            value = float(num_str)
        except ValueError:
            raise argparse.ArgumentTypeError("An integer or float value is required.") from None
    if value > 100:
        raise argparse.ArgumentTypeError(
            "Your desire for over-achievement is admirable but misplaced. "
            "The maximum value is 100. Perhaps write more integration tests?"
        )
    return value


def validate_context(arg: str) -> str:
    """--cov-context: only per-test contexts exist."""
    if arg != "test":
        raise argparse.ArgumentTypeError('The only supported value is "test".')
    return arg


class StoreReport(argparse.Action):
    """Collect --cov-report values into a {type: destination-or-modifier} dict."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        report_type, dest = values
        reports = namespace.cov_report
        if report_type in ("markdown", "markdown-append") and dest is None:
            # coverage.py has no default markdown file; pytest-cov picks one.
            dest = MARKDOWN_DEFAULT_DEST
        reports[report_type] = dest
        if "markdown" in reports and "markdown-append" in reports:
            self._refuse_same_markdown_file(reports, parser)

    @staticmethod
    def _refuse_same_markdown_file(reports: dict[str, Any], parser: Any) -> None:
        target = reports["markdown"]
        if target == reports["markdown-append"]:
            parser.error(
                f"markdown and markdown-append options cannot point to the same file: '{target}'."
                " Please redirect one of them using :DEST (e.g. --cov-report=markdown:dest_file.md)"
            )


def pytest_addoption(parser: pytest.Parser) -> None:
    """The --cov family of options."""
    group = parser.getgroup("cov", "coverage reporting with distributed testing support")
    group.addoption(
        "--cov",
        action="append",
        default=[],
        metavar="SOURCE",
        nargs="?",
        const=True,
        dest="cov_source",
        help="Measure this path or package while the tests run (repeatable). "
        "A bare --cov (or --cov=) measures everything, with no source filter.",
    )
    group.addoption(
        "--cov-reset",
        action="store_const",
        const=[],
        dest="cov_source",
        help="Forget the --cov sources given so far.",
    )
    group.addoption(
        "--cov-report",
        action=StoreReport,
        default={},
        metavar="TYPE",
        type=validate_report,
        help="Report to produce (repeatable): term, term-missing, annotate, html, xml, json, markdown, "
        "markdown-append, lcov. term and term-missing accept ':skip-covered'; the file reports accept "
        "':DEST' for where to write. --cov-report= produces no report.",
    )
    group.addoption(
        "--cov-config",
        action="store",
        default=".coveragerc",
        metavar="PATH",
        help="Coverage configuration file. Default: .coveragerc",
    )
    group.addoption(
        "--no-cov-on-fail",
        action="store_true",
        default=False,
        help="Skip the coverage report when tests fail. Default: False",
    )
    group.addoption(
        "--no-cov",
        action="store_true",
        default=False,
        help="Switch coverage off entirely (for debuggers). Default: False",
    )
    group.addoption(
        "--cov-fail-under",
        action="store",
        metavar="MIN",
        type=validate_fail_under,
        help="Fail the run when total coverage is below MIN.",
    )
    group.addoption(
        "--cov-append",
        action="store_true",
        default=False,
        help="Add to the existing coverage data instead of erasing it. Default: False",
    )
    group.addoption(
        "--cov-branch",
        action="store_true",
        default=None,
        help="Measure branch coverage too.",
    )
    group.addoption(
        "--cov-precision",
        type=int,
        default=None,
        help="Digits after the decimal point in reported percentages.",
    )
    group.addoption(
        "--cov-context",
        action="store",
        metavar="CONTEXT",
        type=validate_context,
        help='Dynamic contexts to record: only "test".',
    )


def normalize_sources(cov_source: list[Any]) -> list[str] | None:
    """--cov values to coverage's `source`: None when any --cov was bare."""
    if any(value is True for value in cov_source):
        return None
    return [value for value in cov_source if value is not True]


def is_distributed(options: argparse.Namespace) -> bool:
    """Whether xdist will spread this run over workers."""
    return bool(
        getattr(options, "numprocesses", False)
        or getattr(options, "distload", False)
        or getattr(options, "dist", "no") != "no"
    )


# -- hooks -------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Start measuring before conftest files (and what they import) load."""
    options = early_config.known_args_namespace
    options.no_cov_should_warn = _cov_after_no_cov(args)
    if options.cov_source:
        plugin = CovPlugin(options, early_config.pluginmanager)
        early_config.pluginmanager.register(plugin, "_cov")


def _cov_after_no_cov(args: list[Any]) -> bool:
    """Whether a --cov option follows --no-cov (worth a warning: it is ignored)."""
    seen_no_cov = False
    for arg in map(str, args):
        if arg == "--no-cov":
            seen_no_cov = True
        elif seen_no_cov and arg.startswith("--cov"):
            return True
    return False


class CovPlugin:
    """The plugin object registered as "_cov" when --cov is given.

    It owns the controller for this process's role and turns its results
    into terminal output and an exit status.
    """

    def __init__(
        self,
        options: argparse.Namespace,
        pluginmanager: Any,
        start: bool = True,
        no_cov_should_warn: bool = False,
    ) -> None:
        self.options = options
        self.pid: int | None = None
        self.cov_controller: Controller | None = None
        self.cov_report = StringIO()
        self.cov_total: float | None = None
        self.failed = False
        self._started = False
        self._disabled = bool(getattr(options, "no_cov", False))
        self._wrote_heading = False
        if self._disabled:
            return

        options.cov_report = self._reports_wanted(options.cov_report)
        options.cov_source = normalize_sources(options.cov_source)
        if start:
            self._start_early()

    @staticmethod
    def _reports_wanted(requested: dict[str, Any]) -> dict[str, Any]:
        """No --cov-report means a terminal table; --cov-report= alone means none."""
        if not requested:
            return {"term": None}
        if list(requested) == [""]:
            return {}
        return requested

    def _start_early(self) -> None:
        from pytest_cov import engine

        if not is_distributed(self.options):
            self.start(engine.Central)
        elif not engine.looks_like_xdist_worker():
            self.start(engine.DistMaster)
        # An xdist worker starts at session start, once it knows its role.

    def start(self, controller_cls: type[Controller], config: Any = None, nodeid: str | None = None) -> None:
        """Create this process's controller and start measuring."""
        if config is None:
            config = _OptionsOnly(self.options)
        self.cov_controller = controller_cls(self.options, config, nodeid)
        self.cov_controller.start()
        self._started = True
        cov_config = self.cov_controller.cov.config
        if self.options.cov_fail_under is None and hasattr(cov_config, "fail_under"):
            self.options.cov_fail_under = cov_config.fail_under
        if self.options.cov_precision is None:
            self.options.cov_precision = getattr(cov_config, "precision", 0)

    @staticmethod
    def _is_worker(session: pytest.Session) -> bool:
        return getattr(session.config, "workerinput", None) is not None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """Workers (and anyone not started early) start measuring here."""
        if self.options.no_cov:
            self._disabled = True
            return
        from pytest_cov import engine

        self.pid = os.getpid()
        if self._is_worker(session):
            if self.cov_controller is not None:
                # Started early as a controller by a wrong guess: that
                # measurement belongs to no one, and the worker's own starts.
                self.cov_controller.cov.stop()
            nodeid = session.config.workerinput.get("workerid", session.nodeid)
            self.start(engine.DistWorker, session.config, nodeid)
        elif not self._started:
            self.start(engine.DistMaster if is_distributed(self.options) else engine.Central)

        if self.options.cov_context == "test":
            session.config.pluginmanager.register(TestContextPlugin(self.cov_controller), "_cov_contexts")

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """xdist: tell a new worker where the controller runs."""
        if not self._disabled and self.cov_controller is not None:
            self.cov_controller.configure_node(node)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """xdist: take in what a finished worker measured."""
        if not self._disabled and self.cov_controller is not None:
            self.cov_controller.testnodedown(node, error)

    def _should_report(self) -> bool:
        wanted = self.options.cov_report or self.options.cov_fail_under
        return bool(wanted) and not (self.failed and self.options.no_cov_on_fail)

    # The exit status must be settled before pytest_sessionfinish reads
    # session.testsfailed, so the reports are produced around the test loop.
    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Any:
        if self._disabled:
            return (yield)
        _install_default_warning_filters()
        result = yield
        self.failed = bool(session.testsfailed)
        if self.cov_controller is not None:
            self.cov_controller.finish()
        if not self._is_worker(session) and self._should_report():
            self._summarize(session)
        return result

    def _summarize(self, session: pytest.Session) -> None:
        from coverage.exceptions import CoverageException

        assert self.cov_controller is not None
        try:
            self.cov_total = self.cov_controller.summary(self.cov_report)
        except CoverageException as exc:
            message = f"Failed to generate report: {exc}\n"
            _terminal(session).write(f"\nWARNING: {message}\n", red=True, bold=True)
            warnings.warn(CovReportWarning(message), stacklevel=1)
            self.cov_total = 0
        fail_under = self.options.cov_fail_under
        precision = self.options.cov_precision
        if fail_under is None or self.options.collectonly:
            return
        # Imported here, as pytest-cov does, so loading the plugin doesn't
        # import `coverage` before measurement starts.
        from coverage.results import display_covered, should_fail_under

        if should_fail_under(self.cov_total, fail_under, precision):
            message = (
                f"Coverage failure: total of {display_covered(self.cov_total, precision)} "
                f"is less than fail-under={fail_under:.{precision}f}"
            )
            _terminal(session).write(f"\nERROR: {message}\n", red=True, bold=True)
            # One more failure turns the exit status into "tests failed".
            session.testsfailed += 1

    def write_heading(self, terminalreporter: Any) -> None:
        if not self._wrote_heading:
            terminalreporter.write_sep("=", "tests coverage")
            self._wrote_heading = True

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the coverage section and the fail-under verdict."""
        if self._disabled:
            if self.options.no_cov_should_warn:
                self.write_heading(terminalreporter)
                message = "Coverage disabled via --no-cov switch!"
                terminalreporter.write(f"WARNING: {message}\n", red=True, bold=True)
                warnings.warn(CovDisabledWarning(message), stacklevel=1)
            return
        if self.cov_controller is None:
            return
        # Reports that could not be made are warned about here, where
        # pytest's warning capture puts them in the warnings summary.
        for problem in self.cov_controller.report_problems:
            warnings.warn(CovReportWarning(problem), stacklevel=1)
        if self.cov_total is None:
            return
        report = self.cov_report.getvalue()
        if report:
            self.write_heading(terminalreporter)
            terminalreporter.write(report)
        self._write_fail_under_verdict(terminalreporter)

    def _write_fail_under_verdict(self, terminalreporter: Any) -> None:
        required = self.options.cov_fail_under
        if required is None or required <= 0:
            return
        assert self.cov_total is not None
        self.write_heading(terminalreporter)
        failed = self.cov_total < required
        if failed:
            message = f"FAIL Required test coverage of {required}% not reached. "
            markup = {"red": True, "bold": True}
        else:
            message = f"Required test coverage of {required}% reached. "
            markup = {"green": True}
        terminalreporter.write(f"{message}Total coverage: {self.cov_total:.2f}%\n", **markup)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        """Tests marked (or fixtured) no_cover run unmeasured."""
        wants_pause = item.get_closest_marker("no_cover") or "no_cover" in getattr(item, "fixturenames", ())
        controller = self.cov_controller
        if not wants_pause or controller is None or self._disabled:
            return (yield)
        controller.pause()
        try:
            return (yield)
        finally:
            controller.resume()


class _OptionsOnly:
    """Stands in for a pytest config where only the options are known yet."""

    def __init__(self, options: argparse.Namespace) -> None:
        self.option = options


def _terminal(session: pytest.Session) -> Any:
    return session.config.pluginmanager.getplugin("terminalreporter")


def _install_default_warning_filters() -> None:
    """Show our warnings and coverage's once, unless the user said otherwise."""
    from coverage.exceptions import CoverageWarning

    configured = [(message, category) for _, message, category, _, _ in warnings.filters]
    if not any(
        category is ResourceWarning and message is not None and message.pattern in SQLITE_WARNING_PATTERNS
        for message, category in configured
    ):
        warnings.filterwarnings("default", SQLITE_WARNING_TEXT, ResourceWarning)
    if not any(category is PytestCovWarning for _, category in configured):
        warnings.simplefilter("once", PytestCovWarning)
    if not any(category is CoverageWarning for _, category in configured):
        warnings.simplefilter("once", CoverageWarning)


class TestContextPlugin:
    """--cov-context=test: record each test's setup, call and teardown apart."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self, cov_controller: Controller) -> None:
        self.cov_controller = cov_controller

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.switch_context(item, "setup")

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        self.switch_context(item, "teardown")

    def pytest_runtest_call(self, item: pytest.Item) -> None:
        self.switch_context(item, "run")

    def switch_context(self, item: pytest.Item, when: str) -> None:
        if self.cov_controller.started:
            self.cov_controller.cov.switch_context(f"{item.nodeid}|{when}")


@pytest.fixture
def no_cover() -> None:
    """Using this fixture turns measurement off for the test."""


@pytest.fixture
def cov(request: pytest.FixtureRequest) -> Any:
    """The `coverage.Coverage` object measuring this run (None without --cov)."""
    pluginmanager = request.config.pluginmanager
    if pluginmanager.hasplugin("_cov"):
        controller = pluginmanager.getplugin("_cov").cov_controller
        if controller is not None:
            return controller.cov
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_cover: disable coverage for this test.")
