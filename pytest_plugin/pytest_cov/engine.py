"""Controllers: who measures, who combines and who reports, per process role.

A plain run has one process that does everything (`Central`). Under
pytest-xdist the controller process (`DistMaster`) measures its own share,
hands its location to each worker, and after the run combines the workers'
data and reports; each worker (`DistWorker`) measures into a data file of its
own, or, when it runs on another machine or directory, sends its data back
through xdist's channel.

Only the public API of the `coverage` package is used, so these controllers
run the same over ferrocov's engine as over coverage.py.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import socket
import sys
import warnings
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import coverage
from coverage.data import CoverageData
from coverage.sqldata import filename_suffix
from pytest_cov import CentralCovContextWarning, DistCovError

TERM_REPORTS = ("term", "term-missing")
# The order in which file reports are written, as pytest-cov writes them.
FILE_REPORT_ORDER = ("annotate", "html", "xml", "json", "markdown", "markdown-append", "lcov")


class BrokenCovConfigError(Exception):
    """Kept for pytest-cov API compatibility."""


class _Discard:
    """A text sink for reports run only for their total."""

    @staticmethod
    def write(text: str) -> int:
        return len(text)


def looks_like_xdist_worker() -> bool:
    """Whether this process is an xdist worker, judged before its config knows.

    A worker's config learns its role (`workerinput`) only after the early
    hooks. xdist sets PYTEST_XDIST_WORKER before the worker's pytest parses
    its options, and execnet starts the worker as `python -c <bootstrap>`;
    the variable alone would also match a pytest run by a test inside a
    worker, which inherits it. A wrong guess is corrected at session start.
    """
    return "PYTEST_XDIST_WORKER" in os.environ and sys.argv[:1] == ["-c"]


def node_description(platform: str, version_info: Any) -> str:
    """ "platform linux, python 3.12.1-final-0": one line per kind of node."""
    major, minor, micro, level, serial = tuple(version_info)[:5]
    return f"platform {platform}, python {major}.{minor}.{micro}-{level}-{serial}"


def terminal_width() -> int:
    """The width pytest's terminal writer would use."""
    width, _ = shutil.get_terminal_size(fallback=(80, 24))
    return width if width >= 40 else 80


def separator_line(sepchar: str, title: str, width: int) -> str:
    """`title` centred in a line of `sepchar`, as pytest's `write_sep` draws it."""
    if sys.platform == "win32":
        width -= 1  # writing the last column there wraps to a new line
    repeat = max((width - len(title) - 2) // (2 * len(sepchar)), 1)
    fill = sepchar * repeat
    line = f"{fill} {title} {fill}"
    if len(line) + len(sepchar.rstrip()) <= width:
        line += sepchar.rstrip()
    return line


def rebase_path(src_root: str, dst_root: str) -> Callable[[str], str]:
    """A map from paths under `src_root` to the same paths under `dst_root`."""

    def rebase(path: str) -> str:
        if path == src_root or path.startswith(src_root + os.sep):
            return dst_root + path[len(src_root) :]
        return path

    return rebase


class Controller:
    """What every role shares: options, the Coverage objects, the reports."""

    def __init__(self, options: argparse.Namespace, config: Any, nodeid: str | None) -> None:
        self.options = options
        self.cov_source = options.cov_source
        self.cov_report: dict[str, Any] = options.cov_report
        self.cov_config = options.cov_config
        self.cov_append = options.cov_append
        self.cov_branch = options.cov_branch
        self.config = config
        self.nodeid = nodeid

        self.cov: Any = None
        # Reads the per-process files back into the main data file.
        self.combining_cov: Any = None
        self.node_descs: set[str] = set()
        self.failed_workers: list[Any] = []
        self.report_problems: list[str] = []
        self.topdir = os.fspath(Path.cwd())
        self.is_collocated: bool | None = None
        self.started = False

    @property
    def cov_precision(self) -> int | None:
        # Read late: the plugin fills it from the configuration after start.
        return self.options.cov_precision

    @contextlib.contextmanager
    def ensure_topdir(self) -> Iterator[None]:
        """Run at the directory the run started in: relative paths mean the same."""
        try:
            original = os.getcwd()
        except OSError:
            original = None  # a test removed the directory it ran in
        os.chdir(self.topdir)
        try:
            yield
        finally:
            if original is not None:
                os.chdir(original)

    def _new_coverage(self, **kwargs: Any) -> Any:
        return coverage.Coverage(
            source=self.cov_source,
            branch=self.cov_branch,
            config_file=self.cov_config,
            **kwargs,
        )

    def _new_combining_coverage(self) -> Any:
        return self._new_coverage(
            data_suffix=f"{filename_suffix(True)}.combine",
            data_file=os.path.abspath(self.cov.config.data_file),
        )

    def _dynamic_context(self) -> Any:
        return getattr(self.cov.config, "dynamic_context", None)

    # -- measurement ---------------------------------------------------------

    def start(self) -> None:
        self.started = True

    def finish(self) -> None:
        self.started = False

    def pause(self) -> None:
        with self.ensure_topdir():
            self.started = False
            self.cov.stop()

    def resume(self) -> None:
        with self.ensure_topdir():
            self.cov.start()
            self.started = True

    def configure_node(self, node: Any) -> None:
        """Only an xdist controller has workers to configure."""

    def testnodedown(self, node: Any, error: Any) -> None:
        """Only an xdist controller hears of workers finishing."""

    def _combine_into_main_file(self) -> None:
        """Swap to the combining Coverage and fold every process's file into one."""
        self.cov = self.combining_cov
        self.cov.load()
        self.cov.combine()
        self.cov.save()

    # -- reports -------------------------------------------------------------

    def summary(self, stream: Any) -> float:
        """Write the coverage section to `stream`; return the total percentage."""
        with self.ensure_topdir():
            # The total comes first: if there is nothing to report, nothing
            # (not even the header) reaches the stream.
            table, total = self._terminal_table()
            self._write_header(stream)
            self._write_failed_workers(stream)
            stream.write(table)
            for kind in FILE_REPORT_ORDER:
                if kind in self.cov_report:
                    self._write_file_report(kind, self.cov_report[kind], stream)
        return total

    def _terminal_table(self) -> tuple[str, float]:
        """The term report's text ("" if not wanted) and the total."""
        if not any(kind in self.cov_report for kind in TERM_REPORTS):
            total = self.cov.report(ignore_errors=True, file=_Discard(), precision=self.cov_precision)
            return "", total
        table = StringIO()
        total = self.cov.report(
            show_missing=("term-missing" in self.cov_report) or None,
            skip_covered=("skip-covered" in self.cov_report.values()) or None,
            ignore_errors=True,
            file=table,
            precision=self.cov_precision,
        )
        return table.getvalue(), total

    def _sep(self, stream: Any, sepchar: str, title: str) -> None:
        if hasattr(stream, "sep"):
            stream.sep(sepchar, title)
        else:
            stream.write(separator_line(sepchar, title, terminal_width()) + "\n\n")

    def _write_header(self, stream: Any) -> None:
        if len(self.node_descs) == 1:
            self._sep(stream, "_", f"coverage: {next(iter(self.node_descs))}")
            return
        self._sep(stream, "_", "coverage")
        for description in sorted(self.node_descs):
            self._sep(stream, " ", description)

    def _write_failed_workers(self, stream: Any) -> None:
        if not self.failed_workers:
            return
        self._sep(stream, "_", "coverage: failed workers")
        stream.write(
            "The following workers failed to return coverage data, "
            "ensure that pytest-cov is installed on these workers.\n"
        )
        for node in self.failed_workers:
            stream.write(f"{node.gateway.id}\n")

    def _write_file_report(self, kind: str, dest: str | None, stream: Any) -> None:
        """One file report; an engine that cannot make it yet is warned about."""
        writer = _FILE_REPORT_WRITERS[kind]
        try:
            message = writer(self.cov, dest)
        except NotImplementedError as exc:
            problem = f"Failed to generate {kind} report: {exc}"
            self.report_problems.append(problem)
            stream.write(f"WARNING: {problem}\n")
            return
        stream.write(message + "\n")


def _annotate(cov: Any, dest: str | None) -> str:
    cov.annotate(ignore_errors=True, directory=dest)
    if dest:
        return f"Coverage annotated source written to dir {dest}"
    return "Coverage annotated source written next to source"


def _html(cov: Any, dest: str | None) -> str:
    cov.html_report(ignore_errors=True, directory=dest)
    return f"Coverage HTML written to dir {cov.config.html_dir if dest is None else dest}"


def _xml(cov: Any, dest: str | None) -> str:
    cov.xml_report(ignore_errors=True, outfile=dest)
    return f"Coverage XML written to file {cov.config.xml_output if dest is None else dest}"


def _json(cov: Any, dest: str | None) -> str:
    cov.json_report(ignore_errors=True, outfile=dest)
    return f"Coverage JSON written to file {cov.config.json_output if dest is None else dest}"


def _markdown_writer(mode: str, verb: str) -> Callable[[Any, str], str]:
    def write(cov: Any, dest: str) -> str:
        with open(dest, mode) as outfile:
            cov.report(ignore_errors=True, file=outfile, output_format="markdown")
        return f"Coverage Markdown information {verb} to file {dest}"

    return write


def _lcov(cov: Any, dest: str | None) -> str:
    cov.lcov_report(ignore_errors=True, outfile=dest)
    return f"Coverage LCOV written to file {cov.config.lcov_output if dest is None else dest}"


_FILE_REPORT_WRITERS: dict[str, Callable[[Any, Any], str]] = {
    "annotate": _annotate,
    "html": _html,
    "xml": _xml,
    "json": _json,
    "markdown": _markdown_writer("w", "written"),
    "markdown-append": _markdown_writer("a", "appended"),
    "lcov": _lcov,
}


class Central(Controller):
    """A run without xdist: this process measures, combines and reports."""

    def start(self) -> None:
        with self.ensure_topdir():
            self.cov = self._new_coverage(data_suffix=True)
            if self._dynamic_context() == "test_function":
                warnings.warn(
                    CentralCovContextWarning(
                        "Detected dynamic_context=test_function in coverage configuration. "
                        "This is unnecessary as this plugin provides the more complete --cov-context option."
                    ),
                    stacklevel=1,
                )
            self.combining_cov = self._new_combining_coverage()
            if not self.cov_append:
                self.cov.erase()
            self.cov.start()
        super().start()

    def finish(self) -> None:
        super().finish()
        with self.ensure_topdir():
            self.cov.stop()
            self.cov.save()
            self._combine_into_main_file()
        self.node_descs.add(node_description(sys.platform, sys.version_info))


class DistMaster(Controller):
    """The xdist controller: measures its own share, then combines and reports."""

    def start(self) -> None:
        with self.ensure_topdir():
            self.cov = self._new_coverage(data_suffix=True)
            if self._dynamic_context() == "test_function":
                raise DistCovError(
                    "Detected dynamic_context=test_function in coverage configuration. "
                    "This is known to cause issues when using xdist, "
                    "see: https://github.com/pytest-dev/pytest-cov/issues/604\n"
                    "It is recommended to use --cov-context instead."
                )
            # The tests run in the workers: what this process misses is no news.
            self.cov._warn_no_data = False
            self.cov._warn_unimported_source = False
            self.cov._warn_preimported_source = False
            self.combining_cov = self._new_combining_coverage()
            if not self.cov_append:
                self.cov.erase()
            self.cov.start()
        super().start()

    def configure_node(self, node: Any) -> None:
        """Tell a worker where we are, so it knows whether it shares our files."""
        node.workerinput.update(
            {
                "cov_master_host": socket.gethostname(),
                "cov_master_topdir": self.topdir,
                "cov_master_rsync_roots": [str(root) for root in node.nodemanager.roots],
            }
        )

    def testnodedown(self, node: Any, error: Any) -> None:
        """A worker finished: keep the data it sent, or note that it sent none."""
        output = getattr(node, "workeroutput", {})
        if "cov_worker_node_id" not in output:
            # Most likely the plugin was not active in that worker.
            self.failed_workers.append(node)
            return
        if "cov_worker_data" in output:
            self._store_remote_data(output)
        rinfo = node.gateway._rinfo()
        self.node_descs.add(node_description(rinfo.platform, rinfo.version_info))

    def _store_remote_data(self, output: dict[str, Any]) -> None:
        """Write a remote worker's data as one more file for the combine step.

        Its files were measured in the worker's copy of the project; they
        are stored under our directory, as if measured here.
        """
        suffix = "{}.{}.{:06d}.{}".format(
            socket.gethostname(), os.getpid(), random.randint(0, 999999), output["cov_worker_node_id"]
        )
        remote = CoverageData(no_disk=True)
        remote.loads(output["cov_worker_data"])
        with self.ensure_topdir():
            data = CoverageData(basename=os.path.abspath(self.cov.config.data_file), suffix=suffix)
            data.update(remote, map_path=rebase_path(output["cov_worker_path"], self.topdir))
            data.write()

    def finish(self) -> None:
        super().finish()
        with self.ensure_topdir():
            self.cov.stop()
            self.cov.save()
            self._combine_into_main_file()


class DistWorker(Controller):
    """An xdist worker: measures the tests it runs and hands the data over."""

    def start(self) -> None:
        with self.ensure_topdir():
            workerinput = self.config.workerinput
            master_topdir = workerinput.get("cov_master_topdir", self.topdir)
            self.is_collocated = (
                socket.gethostname() == workerinput.get("cov_master_host", socket.gethostname())
                and self.topdir == master_topdir
            )
            if not self.is_collocated:
                # Paths given on the controller's command line point into its tree.
                if self.cov_source is not None:
                    self.cov_source = [src.replace(master_topdir, self.topdir) for src in self.cov_source]
                self.cov_config = self.cov_config.replace(master_topdir, self.topdir)
            self.cov = self._new_coverage(data_suffix=True)
            # A worker sees only some tests: modules it never imports are normal.
            self.cov._warn_unimported_source = False
            self.cov.start()
        super().start()

    def finish(self) -> None:
        super().finish()
        with self.ensure_topdir():
            self.cov.stop()
            if self.is_collocated:
                # The controller reads our file from the shared directory;
                # combining here could race with the other workers.
                self.cov.save()
                self.config.workeroutput["cov_worker_node_id"] = self.nodeid
            else:
                self._send_data_home()

    def _send_data_home(self) -> None:
        """Away from the controller's files: send the data through the channel."""
        # Picks up files left here by this worker's subprocesses.
        self.cov.combine()
        self.cov.save()
        self.config.workeroutput.update(
            {
                "cov_worker_path": self.topdir,
                "cov_worker_node_id": self.nodeid,
                "cov_worker_data": self.cov.get_data().dumps(),
            }
        )

    def summary(self, stream: Any) -> None:  # type: ignore[override]
        """Workers never report: the controller does."""
        return None


# pytest-cov's name for the base class.
CovController = Controller
