"""`CoverageScript` in-process: which `Coverage` calls each command line makes.

`Coverage` and `PyRunner` are replaced by recording doubles, so these tests
pin down the translation from options to API calls (coverage.py's own
cmdline tests work the same way) without measuring anything.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

import coverage.cmdline as cmdline
from coverage.control import DEFAULT_DATAFILE
from coverage.exceptions import NoDataError

DEFAULT_CONSTRUCTOR = dict(
    data_file=DEFAULT_DATAFILE,
    data_suffix=None,
    cover_pylib=None,
    timid=None,
    branch=None,
    config_file=True,
    source=None,
    omit=None,
    include=None,
    debug=None,
    concurrency=None,
    check_preimported=True,
    context=None,
    messages=True,
)
DEFAULT_REPORT = dict(
    morfs=[],
    ignore_errors=None,
    omit=None,
    include=None,
    contexts=None,
    precision=None,
    show_missing=None,
    skip_covered=None,
    skip_empty=None,
    sort=None,
    output_format=None,
)


class Recorder:
    """Doubles for `Coverage` and `PyRunner` that log what they are asked to do."""

    def __init__(self, options: dict[str, Any] | None = None, total: float = 50.0) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.options = {
            "run:command_line": None,
            "run:parallel": False,
            "run:patch": [],
            "report:fail_under": 0.0,
            "report:precision": 0,
            **(options or {}),
        }
        self.total = total

    def coverage_class(self, **kwargs: Any) -> Any:
        self.calls.append(("Coverage", kwargs))
        recorder = self
        cov = mock.Mock()
        cov.config.data_file = ".coverage"
        cov.get_option.side_effect = lambda name: recorder.options[name]
        cov.set_option.side_effect = lambda name, value: recorder.options.__setitem__(name, value)
        for name in ("load", "start", "stop", "save", "erase", "combine", "annotate"):
            getattr(cov, name).side_effect = self._logger(name)
        for name in ("report", "html_report", "xml_report", "json_report", "lcov_report"):
            getattr(cov, name).side_effect = self._logger(name, self.total)
        return cov

    def runner_class(self, args: list[str], as_module: bool = False) -> Any:
        self.calls.append(("PyRunner", list(args), as_module))
        runner = mock.Mock()
        runner.prepare.side_effect = self._logger("prepare")
        runner.run.side_effect = self._logger("run")
        return runner

    def _logger(self, name: str, result: Any = None) -> Any:
        def log(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs) if (args or kwargs) else (name,))
            return result

        return log

    def names(self) -> list[str]:
        return [call[0] for call in self.calls]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(cmdline, "Coverage", rec.coverage_class)
    monkeypatch.setattr(cmdline, "PyRunner", rec.runner_class)
    return rec


def command(line: str) -> int:
    return cmdline.CoverageScript().command_line(line.split())


def test_run_sequence(recorder: Recorder) -> None:
    assert command("run foo.py a -b") == cmdline.OK
    assert recorder.calls[0] == ("Coverage", DEFAULT_CONSTRUCTOR)
    assert recorder.calls[1:] == [
        ("PyRunner", ["foo.py", "a", "-b"], False),
        ("prepare",),
        ("start",),
        ("run",),
        ("stop",),
        ("save",),
    ]


def test_run_append_loads_first(recorder: Recorder) -> None:
    command("run -a foo.py")
    assert recorder.names()[1:] == ["PyRunner", "prepare", "load", "start", "run", "stop", "save"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("run -p -L --timid --branch foo.py", dict(data_suffix=True, cover_pylib=True, timid=True, branch=True)),
        (
            "run --source=a,b --include=x*,y* --omit=z* foo.py",
            dict(source=["a", "b"], include=["x*", "y*"], omit=["z*"]),
        ),
        (
            "run --concurrency=thread,gevent --context=ctx --debug=trace,sys foo.py",
            dict(concurrency=["thread", "gevent"], context="ctx", debug=["trace", "sys"]),
        ),
        ("run --data-file=out.data --rcfile=my.ini foo.py", dict(data_file="out.data", config_file="my.ini")),
        ("combine -q", dict(messages=False)),
    ],
)
def test_options_reach_the_constructor(recorder: Recorder, line: str, expected: dict[str, Any]) -> None:
    command(line)
    assert recorder.calls[0] == ("Coverage", {**DEFAULT_CONSTRUCTOR, **expected})


def test_run_module(recorder: Recorder) -> None:
    command("run -m pkg.mod x")
    assert ("PyRunner", ["pkg.mod", "x"], True) in recorder.calls


def test_run_program_options_are_not_ours(recorder: Recorder) -> None:
    # Everything after the program name belongs to the program.
    command("run foo.py --branch -p")
    assert recorder.calls[0] == ("Coverage", DEFAULT_CONSTRUCTOR)
    assert ("PyRunner", ["foo.py", "--branch", "-p"], False) in recorder.calls


def test_run_from_config_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder({"run:command_line": "-m tool --flag 'two words'"})
    monkeypatch.setattr(cmdline, "Coverage", rec.coverage_class)
    monkeypatch.setattr(cmdline, "PyRunner", rec.runner_class)
    assert command("run") == cmdline.OK
    assert ("PyRunner", ["tool", "--flag", "two words"], True) in rec.calls


def test_cant_append_in_parallel_mode(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    rec = Recorder({"run:parallel": True})
    monkeypatch.setattr(cmdline, "Coverage", rec.coverage_class)
    assert command("run -a foo.py") == cmdline.ERR
    assert capsys.readouterr().err.startswith("Can't append to data files in parallel mode.\n")
    assert "start" not in rec.names()


def test_saved_even_when_program_exits(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    def exit_3(args: list[str], as_module: bool = False) -> Any:
        runner = recorder.runner_class(args, as_module)
        runner.run.side_effect = SystemExit(3)
        return runner

    monkeypatch.setattr(cmdline, "PyRunner", exit_3)
    assert cmdline.main(["run", "foo.py"]) == 3
    assert recorder.names()[-2:] == ["stop", "save"]


def test_not_saved_when_nothing_ran(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coverage.exceptions import NoSource

    def missing(args: list[str], as_module: bool = False) -> Any:
        runner = recorder.runner_class(args, as_module)
        runner.run.side_effect = NoSource("No file to run: 'foo.py'")
        return runner

    monkeypatch.setattr(cmdline, "PyRunner", missing)
    assert cmdline.main(["run", "foo.py"]) == cmdline.ERR
    assert capsys.readouterr().out == "No file to run: 'foo.py'\n"
    assert "save" not in recorder.names()


def test_report_arguments(recorder: Recorder) -> None:
    command(
        "report -m --skip-covered --skip-empty --precision=3 --sort=cover --format=markdown "
        "-i --include=a* --omit=b* --contexts=c1,c2 mod1.py mod2.py"
    )
    assert recorder.calls[1:3] == [("load",), ("combine", (), {"strict": False, "keep": False})]
    assert recorder.calls[3] == (
        "report",
        (),
        {
            **DEFAULT_REPORT,
            "show_missing": True,
            "skip_covered": True,
            "skip_empty": True,
            "precision": 3,
            "sort": "cover",
            "output_format": "markdown",
            "ignore_errors": True,
            "include": ["a*"],
            "omit": ["b*"],
            "contexts": ["c1", "c2"],
            "morfs": ["mod1.py", "mod2.py"],
        },
    )


def test_no_skip_covered(recorder: Recorder) -> None:
    command("report --skip-covered --no-skip-covered")
    assert recorder.calls[-1][2]["skip_covered"] is False


@pytest.mark.parametrize(
    ("line", "method", "kwargs"),
    [
        (
            "html -d out --title=T --show-contexts --keep-combined",
            "html_report",
            dict(directory="out", title="T", show_contexts=True, precision=None, skip_covered=None, skip_empty=None),
        ),
        ("xml -o c.xml --skip-empty", "xml_report", dict(outfile="c.xml", skip_empty=True)),
        ("json -o c.json --pretty-print", "json_report", dict(outfile="c.json", pretty_print=True, show_contexts=None)),
        ("lcov -o c.lcov", "lcov_report", dict(outfile="c.lcov")),
        ("annotate -d ann", "annotate", dict(directory="ann")),
    ],
)
def test_other_reports(recorder: Recorder, line: str, method: str, kwargs: dict[str, Any]) -> None:
    assert command(line) == cmdline.OK
    common = dict(morfs=[], ignore_errors=None, omit=None, include=None, contexts=None)
    assert recorder.calls[-1] == (method, (), {**common, **kwargs})


def test_combine(recorder: Recorder) -> None:
    command("combine --append --keep dir1 file2")
    assert recorder.calls[1:] == [
        ("load",),
        ("combine", (["dir1", "file2"],), {"strict": True, "keep": True}),
        ("save",),
    ]


def test_erase(recorder: Recorder) -> None:
    assert command("erase") == cmdline.OK
    assert recorder.names() == ["Coverage", "erase"]


@pytest.mark.parametrize(
    ("total", "fail_under", "precision", "status", "message"),
    [
        (50.0, 50.0, 0, cmdline.OK, None),
        (49.6, 50.0, 0, cmdline.OK, None),
        (49.4, 50.0, 0, cmdline.FAIL_UNDER, "total of 49 is less than fail-under=50"),
        (99.99, 100.0, 0, cmdline.FAIL_UNDER, "total of 99 is less than fail-under=100"),
        (66.666, 66.67, 0, cmdline.OK, None),
        (66.664, 66.67, 0, cmdline.FAIL_UNDER, "total of 66.66 is less than fail-under=66.67"),
        (66.66, 66.7, 2, cmdline.FAIL_UNDER, "total of 66.66 is less than fail-under=66.70"),
    ],
)
def test_fail_under(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    total: float,
    fail_under: float,
    precision: int,
    status: int,
    message: str | None,
) -> None:
    rec = Recorder({"report:fail_under": fail_under, "report:precision": precision}, total=total)
    monkeypatch.setattr(cmdline, "Coverage", rec.coverage_class)
    assert command("report") == status
    out = capsys.readouterr().out
    assert out == (f"Coverage failure: {message}\n" if message else "")


def test_fail_under_option_overrides_config(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder({"report:fail_under": 10.0}, total=50.0)
    monkeypatch.setattr(cmdline, "Coverage", rec.coverage_class)
    assert command("report --fail-under=60") == cmdline.FAIL_UNDER
    assert rec.options["report:fail_under"] == 60.0


def test_not_implemented_is_one_line(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def html_missing(**kwargs: Any) -> Any:
        cov = recorder.coverage_class(**kwargs)
        cov.html_report.side_effect = NotImplementedError("The HTML report is not supported yet")
        return cov

    monkeypatch.setattr(cmdline, "Coverage", html_missing)
    assert cmdline.main(["html"]) == cmdline.ERR
    assert capsys.readouterr().out == "The HTML report is not supported yet\n"


def test_coverage_errors_are_printed_with_their_link(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_data(**kwargs: Any) -> Any:
        cov = recorder.coverage_class(**kwargs)
        cov.report.side_effect = NoDataError("No data to report.", slug="no-data")
        return cov

    monkeypatch.setattr(cmdline, "Coverage", no_data)
    assert cmdline.main(["report"]) == cmdline.ERR
    assert capsys.readouterr().out == (
        "No data to report; see https://coverage.readthedocs.io/en/7.17.3/messages.html#error-no-data\n"
    )


def test_help_builds_no_coverage(recorder: Recorder, capsys: pytest.CaptureFixture[str]) -> None:
    for line in ("help", "help run", "run --help", "--help", "--version", ""):
        assert cmdline.CoverageScript().command_line(line.split()) == cmdline.OK
    assert recorder.calls == []
    assert capsys.readouterr().out.count("Full documentation is at ") == 6


def test_program_name_from_package_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.argv", ["/somewhere/lorem/ipsum/__main__.py"])
    command("help")
    assert "usage: ipsum <command>" in capsys.readouterr().out
