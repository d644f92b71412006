"""The `coverage` command line: usage, help, reports and exit codes.

Where coverage.py defines the output (messages, report tables, exit
statuses), ferrocov's installed `coverage` script runs beside the oracle's
and the two must agree.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from test_cli_support import SideBySide, clean_env, run_coverage

SAMPLE = {
    "prog.py": """\
        import helper

        def classify(n):
            if n < 0:
                return "negative"
            elif n == 0:
                return "zero"
            return "positive"

        def unused():
            x = 1
            return x

        for value in (3, 0):
            print(value, classify(value), helper.double(value))
        """,
    "helper.py": """\
        def double(n):
            return n * 2

        def triple(n):
            return n * 3
        """,
    "full.py": """\
        print("all of me runs")
        """,
}


@pytest.fixture
def project(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> SideBySide:
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, SAMPLE)


def assert_same(ours, oracle) -> None:
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)


# -- usage errors and help ----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["run"], id="run-without-file"),
        pytest.param(["run", "-m"], id="run-m-without-module"),
        pytest.param(["run", "--no-such-option", "prog.py"], id="unknown-run-option"),
        pytest.param(["--no-such-option"], id="unknown-global-option"),
        pytest.param(["report", "--bogus"], id="unknown-report-option"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(["report", "--precision=x"], id="bad-integer"),
        pytest.param(["report", "--fail-under=abc"], id="bad-float"),
        pytest.param(["run", "--save-signal=XYZ", "prog.py"], id="bad-choice"),
        pytest.param(["debug"], id="debug-without-topic"),
        pytest.param(["debug", "nonsense"], id="debug-unknown-topic"),
        pytest.param(["debug", "sys", "extra"], id="debug-extra-argument"),
        pytest.param(["help", "nonsense"], id="help-unknown-topic"),
        pytest.param(["run", "--concurrency=multiprocessing", "--branch", "prog.py"], id="multiprocessing-cli-option"),
        pytest.param(["run", "missing.py"], id="missing-file"),
        pytest.param(["run", "-m", "no_such_module_here"], id="missing-module"),
        pytest.param(["run", "-m", "json"], id="package-without-main"),
        pytest.param(["run", "."], id="directory-without-main"),
    ],
)
def test_usage_errors_match_oracle(project: SideBySide, args: list[str]) -> None:
    assert_same(*project.run(*args))


def test_no_command_prints_minimum_help(ferrocov_bin: Path, tmp_path: Path) -> None:
    result = run_coverage(ferrocov_bin, [], tmp_path)
    assert result.returncode == 0
    first, docs = result.stdout.splitlines()
    assert first.startswith("Code coverage for Python, version 7.17.3 ")
    assert first.endswith(". Use 'coverage help' for help.")
    assert docs == "Full documentation is at https://coverage.readthedocs.io/en/7.17.3"


def test_version(ferrocov_bin: Path, tmp_path: Path) -> None:
    result = run_coverage(ferrocov_bin, ["--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Coverage.py, version 7.17.3 with ferrocov ")
    assert len(result.stdout.splitlines()) == 2


def test_python_dash_m_coverage(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "coverage", "--version"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("Coverage.py, version 7.17.3")


def test_help_lists_every_command(ferrocov_bin: Path, tmp_path: Path) -> None:
    result = run_coverage(ferrocov_bin, ["help"], tmp_path)
    assert result.returncode == 0
    for command in ("annotate", "combine", "debug", "erase", "help", "html", "json", "lcov", "report", "run", "xml"):
        assert f"\n    {command} " in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Full documentation is at ")
    assert run_coverage(ferrocov_bin, ["--help"], tmp_path).stdout == result.stdout


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (
            "run",
            [
                "--append",
                "--branch",
                "--concurrency",
                "--context",
                "--data-file",
                "--include",
                "--module",
                "--omit",
                "--pylib",
                "--parallel-mode",
                "--save-signal",
                "--source",
                "--timid",
                "--debug",
                "--rcfile",
            ],
        ),
        (
            "report",
            [
                "--show-missing",
                "--skip-covered",
                "--no-skip-covered",
                "--skip-empty",
                "--precision",
                "--sort",
                "--fail-under",
                "--format",
                "--include",
                "--omit",
                "--ignore-errors",
                "--data-file",
                "--rcfile",
                "--contexts",
            ],
        ),
        ("html", ["--directory", "--title", "--show-contexts", "--fail-under"]),
        ("xml", ["-o", "--skip-empty"]),
        ("json", ["-o", "--pretty-print", "--show-contexts"]),
        ("lcov", ["-o"]),
        ("combine", ["--append", "--keep", "--quiet"]),
    ],
)
def test_command_help_shows_options(ferrocov_bin: Path, tmp_path: Path, command: str, options: list[str]) -> None:
    by_help_command = run_coverage(ferrocov_bin, ["help", command], tmp_path)
    by_option = run_coverage(ferrocov_bin, [command, "--help"], tmp_path)
    assert by_help_command.returncode == by_option.returncode == 0
    assert by_help_command.stdout == by_option.stdout
    assert by_option.stdout.startswith(f"Usage: coverage {command} ")
    for option in options:
        assert option in by_option.stdout


# -- run + report ---------------------------------------------------------------


@pytest.mark.parametrize(
    "report_args",
    [
        pytest.param(["-m"], id="show-missing"),
        pytest.param([], id="plain"),
        pytest.param(["--skip-covered", "-m"], id="skip-covered"),
        pytest.param(["--precision=2"], id="precision"),
        pytest.param(["--sort=miss"], id="sort"),
        pytest.param(["--format=markdown"], id="markdown"),
        pytest.param(["--format=total"], id="total"),
        pytest.param(["--include=helper.py"], id="include"),
        pytest.param(["--omit=helper.py"], id="omit"),
        pytest.param(["helper.py"], id="morfs"),
        pytest.param(["--format=nonsense"], id="bad-format"),
        pytest.param(["--sort=nonsense"], id="bad-sort"),
    ],
)
def test_run_then_report_matches_oracle(project: SideBySide, report_args: list[str]) -> None:
    assert_same(*project.run("run", "prog.py"))
    assert_same(*project.run("report", *report_args))


def test_run_options_then_report(project: SideBySide) -> None:
    assert_same(*project.run("run", "--omit=helper.py", "--data-file=other.data", "prog.py"))
    assert_same(*project.run("report", "-m", "--data-file=other.data"))


@pytest.mark.parametrize(
    ("fail_under", "precision"),
    [("90", None), ("50", None), ("66.67", None), ("66.6", "1"), ("100", None), ("0", None)],
)
def test_fail_under(project: SideBySide, fail_under: str, precision: str | None) -> None:
    assert_same(*project.run("run", "prog.py"))
    args = ["report", f"--fail-under={fail_under}"]
    if precision is not None:
        args.append(f"--precision={precision}")
    assert_same(*project.run(*args))


def test_fail_under_from_config(project: SideBySide) -> None:
    project.write({".coveragerc": "[report]\nfail_under = 95\n"})
    assert_same(*project.run("run", "prog.py"))
    ours, oracle = project.run("report")
    assert ours.returncode == 2
    assert_same(ours, oracle)


def test_no_data_to_report(project: SideBySide) -> None:
    assert_same(*project.run("report"))


def test_coverage_file_environment(project: SideBySide) -> None:
    assert_same(*project.run("run", "prog.py", COVERAGE_FILE="from_env.data"))
    for root in project.dirs.values():
        assert (root / "from_env.data").exists()
        assert not (root / ".coverage").exists()
    assert_same(*project.run("report", "-m", COVERAGE_FILE="from_env.data"))


def test_coverage_rcfile_environment(project: SideBySide) -> None:
    project.write({"custom.ini": "[run]\ndata_file = custom.data\n[report]\nshow_missing = true\n"})
    assert_same(*project.run("run", "prog.py", COVERAGE_RCFILE="custom.ini"))
    for root in project.dirs.values():
        assert (root / "custom.data").exists()
    assert_same(*project.run("report", COVERAGE_RCFILE="custom.ini"))


def test_rcfile_option(project: SideBySide) -> None:
    project.write({"custom.ini": "[run]\nomit = helper.py\n"})
    assert_same(*project.run("run", "--rcfile=custom.ini", "prog.py"))
    assert_same(*project.run("report", "--rcfile=custom.ini"))


def test_append(project: SideBySide) -> None:
    assert_same(*project.run("run", "prog.py"))
    assert_same(*project.run("run", "--append", "full.py"))
    assert_same(*project.run("report"))


def test_erase(project: SideBySide) -> None:
    assert_same(*project.run("run", "prog.py"))
    assert_same(*project.run("erase"))
    for root in project.dirs.values():
        assert not (root / ".coverage").exists()
    assert_same(*project.run("report"))


# -- debug ------------------------------------------------------------------------


def test_debug_data_matches_oracle(project: SideBySide) -> None:
    assert_same(*project.run("run", "prog.py"))
    assert_same(*project.run("debug", "data"))


def test_debug_data_without_file(project: SideBySide) -> None:
    assert_same(*project.run("debug", "data"))


def test_debug_sys(ferrocov_bin: Path, tmp_path: Path) -> None:
    result = run_coverage(ferrocov_bin, ["debug", "sys"], tmp_path)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("-- sys ---")
    assert any(line.strip().startswith("data_file:") for line in lines)
    assert any("version:" in line for line in lines)


def test_debug_config_names_the_settings(project: SideBySide) -> None:
    ours, oracle = project.run("debug", "config")
    assert ours.returncode == oracle.returncode == 0

    def labels(text: str) -> set[str]:
        return {
            line.split(":")[0].strip() for line in text.splitlines()[1:] if ": " in line and line.split(":")[0].strip()
        }

    assert ours.stdout.splitlines()[0] == oracle.stdout.splitlines()[0]
    assert {"branch", "data_file", "cover_pylib", "skip_covered", "skip_empty"} <= labels(ours.stdout)


@pytest.mark.parametrize("topic", ["pybehave", "sqlite", "premain"])
def test_debug_other_topics(ferrocov_bin: Path, tmp_path: Path, topic: str) -> None:
    result = run_coverage(ferrocov_bin, ["debug", topic], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"-- {topic} ---")
    assert len(result.stdout.splitlines()) > 2


# -- reports built elsewhere ----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["html"],
        ["xml"],
        ["json"],
        ["lcov"],
        ["annotate"],
        ["html", "-d", "out", "--title=T"],
        ["xml", "-o", "c.xml"],
        ["json", "--pretty-print", "-o", "c.json"],
    ],
)
def test_other_reports_never_show_a_traceback(project: SideBySide, args: list[str]) -> None:
    assert_same(*project.run("run", "prog.py"))
    ours = run_coverage(project.bins["ours"], args, project.dirs["ours"])
    assert "Traceback" not in ours.stderr
    if ours.returncode != 0:
        # Not built yet: one clear line and an error status.
        assert ours.returncode == 1
        assert len(ours.stdout.strip().splitlines()) == 1
        assert "not supported" in ours.stdout.lower()


def test_combine_never_shows_a_traceback(project: SideBySide) -> None:
    assert_same(*project.run("run", "-p", "prog.py"))
    ours = run_coverage(project.bins["ours"], ["combine"], project.dirs["ours"])
    assert "Traceback" not in ours.stderr
    assert ours.returncode in (0, 1)
