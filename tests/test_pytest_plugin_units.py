"""The plugin's pieces in-process: option parsing, thresholds, layout, reports.

The end-to-end behaviour is compared with pytest-cov in test_pytest_plugin.py;
these tests pin down the pieces, against the oracle where it defines them.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import warnings
from types import SimpleNamespace

import pytest
from _pytest._io import TerminalWriter

import pytest_cov
from coverage import results
from pytest_cov import engine, plugin

THRESHOLD_CASES = [
    (total, fail_under, precision)
    for total in (0.0, 49.99, 50.0, 86.0465, 86.4864, 99.999, 100.0)
    for fail_under in (0, 50, 86.05, 86.5, 99.99, 100)
    for precision in (0, 1, 2)
]


def test_warning_classes_form_pytest_covs_hierarchy():
    assert issubclass(pytest_cov.PytestCovWarning, pytest.PytestWarning)
    for name in ("CovDisabledWarning", "CovReportWarning", "CentralCovContextWarning"):
        assert issubclass(getattr(pytest_cov, name), pytest_cov.PytestCovWarning)
    assert issubclass(pytest_cov.DistCovError, Exception)
    assert pytest_cov.__version__ == "7.1.0"


@pytest.mark.parametrize(
    ("arg", "parsed"),
    [
        ("term", ("term", None)),
        ("term-missing:skip-covered", ("term-missing", "skip-covered")),
        ("html:out/dir", ("html", "out/dir")),
        ("xml:a:b.xml", ("xml", "a:b.xml")),
        ("", ("", None)),
    ],
)
def test_report_values(arg, parsed):
    assert tuple(plugin.validate_report(arg)) == parsed


@pytest.mark.parametrize("arg", ["bogus", "term:out.txt", "json:"])
def test_bad_report_values(arg):
    if arg == "json:":
        # An empty destination is accepted, as pytest-cov accepts it.
        assert tuple(plugin.validate_report(arg)) == ("json", "")
        return
    with pytest.raises(argparse.ArgumentTypeError):
        plugin.validate_report(arg)


def test_fail_under_values():
    assert plugin.validate_fail_under("90") == 90
    assert isinstance(plugin.validate_fail_under("90"), int)
    assert plugin.validate_fail_under("90.5") == 90.5
    with pytest.raises(argparse.ArgumentTypeError, match="integer or float"):
        plugin.validate_fail_under("ninety")
    with pytest.raises(argparse.ArgumentTypeError, match="maximum value is 100"):
        plugin.validate_fail_under("100.1")


def test_sources():
    assert plugin.normalize_sources([]) == []
    assert plugin.normalize_sources(["a", "b"]) == ["a", "b"]
    assert plugin.normalize_sources(["a", True]) is None


def test_thresholds_agree_with_coverage_py(oracle_python):
    """display_covered and should_fail_under, against coverage.results."""
    script = (
        "import json, sys\n"
        "from coverage.results import display_covered, should_fail_under\n"
        "cases = json.loads(sys.stdin.read())\n"
        "print(json.dumps([[display_covered(t, p), should_fail_under(t, f, p)] for t, f, p in cases]))\n"
    )
    out = subprocess.run(
        [str(oracle_python), "-c", script],
        input=json.dumps(THRESHOLD_CASES),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = json.loads(out)
    # The plugin uses coverage.results' pair (imported when it reports).
    ours = [[results.display_covered(t, p), results.should_fail_under(t, f, p)] for t, f, p in THRESHOLD_CASES]
    assert ours == expected


@pytest.mark.parametrize("width", [40, 79, 80, 81, 120])
@pytest.mark.parametrize(
    ("sepchar", "title"),
    [
        ("_", "coverage: platform linux, python 3.12.1-final-0"),
        (" ", "platform linux, python 3.11.7-final-0"),
        ("_", "coverage"),
    ],
)
def test_separator_matches_pytests_writer(width, sepchar, title):
    out = io.StringIO()
    writer = TerminalWriter(out)
    writer.fullwidth = width
    writer.sep(sepchar, title)
    assert engine.separator_line(sepchar, title, width) + "\n" == out.getvalue()


def test_node_description():
    assert engine.node_description("linux", (3, 12, 1, "final", 0)) == "platform linux, python 3.12.1-final-0"


class _EngineWithoutReports:
    """A Coverage whose file reports are not built yet."""

    config = SimpleNamespace(
        html_dir="htmlcov", xml_output="coverage.xml", json_output="coverage.json", lcov_output="coverage.lcov"
    )

    def report(self, file=None, **kwargs):
        file.write("TABLE\n")
        return 75.0

    def _not_yet(self, *args, **kwargs):
        raise NotImplementedError("not supported by ferrocov yet")

    annotate = html_report = xml_report = json_report = lcov_report = _not_yet


def _controller(reports: dict, tmp_path) -> engine.Controller:
    options = SimpleNamespace(
        cov_source=None,
        cov_report=reports,
        cov_config=".coveragerc",
        cov_append=False,
        cov_branch=None,
        cov_precision=0,
    )
    controller = engine.Controller(options, None, None)
    controller.topdir = str(tmp_path)
    controller.cov = _EngineWithoutReports()
    controller.node_descs.add("platform linux, python 3.12.1-final-0")
    return controller


def test_unbuilt_reports_become_warnings_not_crashes(tmp_path):
    controller = _controller({"term": None, "html": None, "xml": "out.xml", "lcov": None}, tmp_path)
    stream = io.StringIO()
    assert controller.summary(stream) == 75.0
    text = stream.getvalue()
    assert "TABLE" in text
    assert "WARNING: Failed to generate html report: not supported by ferrocov yet" in text
    assert "WARNING: Failed to generate xml report" in text
    assert len(controller.report_problems) == 3


def test_built_reports_say_where_they_went(tmp_path):
    controller = _controller({"xml": None, "json": "out.json"}, tmp_path)
    done = []
    controller.cov.xml_report = lambda **kwargs: done.append(("xml", kwargs))
    controller.cov.json_report = lambda **kwargs: done.append(("json", kwargs))
    stream = io.StringIO()
    controller.summary(stream)
    assert "Coverage XML written to file coverage.xml\n" in stream.getvalue()
    assert "Coverage JSON written to file out.json\n" in stream.getvalue()
    assert done == [
        ("xml", {"ignore_errors": True, "outfile": None}),
        ("json", {"ignore_errors": True, "outfile": "out.json"}),
    ]
    assert "TABLE" not in stream.getvalue()


def test_unbuilt_report_warning_reaches_pytest(tmp_path):
    controller = _controller({"term": None, "lcov": None}, tmp_path)
    controller.summary(io.StringIO())
    options = SimpleNamespace(no_cov=False, cov_report={}, cov_source=[], cov_fail_under=None)
    cov_plugin = plugin.CovPlugin(options, None, start=False)
    cov_plugin.cov_controller = controller
    cov_plugin.cov_total = 75.0
    reporter = SimpleNamespace(write=lambda *a, **k: None, write_sep=lambda *a, **k: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cov_plugin.pytest_terminal_summary(reporter)
    assert [type(w.message) for w in caught] == [pytest_cov.CovReportWarning]


def test_rebase_path():
    rebase = engine.rebase_path("/w/dir1", "/home/project")
    assert rebase("/w/dir1/pkg/mod.py") == "/home/project/pkg/mod.py"
    assert rebase("/w/dir1") == "/home/project"
    assert rebase("/w/dir10/mod.py") == "/w/dir10/mod.py"
    assert rebase("/usr/lib/x.py") == "/usr/lib/x.py"
