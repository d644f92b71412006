"""The pytest plugin (`pytest --cov`), differential against pytest-cov 7.1.0.

Each test runs pytest on a copy of the sample project in
tests/samples/pytest_plugin twice: with ferrocov's plugin (the environment
running these tests) and with the oracle's real pytest-cov + coverage.py, and
compares what a user sees: the coverage section, the verdicts and the exit
status.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "samples" / "pytest_plugin"
SOURCES = ["--cov=calc", "--cov=textutil"]
# A line that closes the run, such as "===== 7 passed in 0.05s =====".
CLOSING_LINE = re.compile(r"^=+ .*\b(passed|failed|error|errors|deselected|no tests ran)\b.* =+$")


@dataclass
class Run:
    """One pytest run: exit status and output."""

    returncode: int
    stdout: str
    stderr: str

    def coverage_section(self) -> str:
        """From the "tests coverage" heading up to the closing line."""
        lines = self.stdout.splitlines()
        start = next((i for i, line in enumerate(lines) if " tests coverage " in line), None)
        if start is None:
            return ""
        end = start + 1
        while end < len(lines) and not lines[end].startswith("="):
            end += 1
        return "\n".join(lines[start:end])

    def error_line(self) -> str:
        """The argparse error pytest prints for a bad option value."""
        return next(line for line in self.stderr.splitlines() if "error:" in line)


def _clean_env(extra: dict[str, str] | None) -> dict[str, str]:
    """The environment of a user's shell: none of the outer run's pytest state."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "COV_CORE_", "COVERAGE_"))}
    env["COLUMNS"] = "80"
    env.update(extra or {})
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the sample project."""
    dest = tmp_path / "project"
    shutil.copytree(SAMPLE, dest)
    return dest


def run_pytest(bin_dir: Path, project: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    proc = subprocess.run(
        [str(bin_dir / "pytest"), "-p", "no:cacheprovider", *args],
        cwd=project,
        env=_clean_env(env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def fresh_copy(project: Path, name: str) -> Path:
    """A second copy beside `project`, for the other tool to run in."""
    dest = project.parent / name
    shutil.copytree(project, dest)
    return dest


def both(ferrocov_bin: Path, oracle_bin: Path, project: Path, *args: str, env=None) -> tuple[Run, Run]:
    """Run the same command with ferrocov and with the oracle, in separate copies."""
    oracle_dir = fresh_copy(project, "oracle")
    ours = run_pytest(ferrocov_bin, project, *args, env=env)
    theirs = run_pytest(oracle_bin, oracle_dir, *args, env=env)
    return ours, theirs


def assert_same(ours: Run, theirs: Run) -> None:
    assert ours.coverage_section() == theirs.coverage_section(), ours.stdout + ours.stderr
    assert ours.returncode == theirs.returncode, ours.stdout + ours.stderr


# -- the coverage section ----------------------------------------------------


def test_term_missing_section_is_identical(ferrocov_bin, oracle_bin, project):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-report=term-missing")
    assert "calc/parse/tokens.py" in theirs.coverage_section()
    assert "coverage: platform linux, python " in theirs.coverage_section()
    assert_same(ours, theirs)
    assert (project / ".coverage").exists()
    assert not list(project.glob(".coverage.*")), "parallel files must be combined away"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--cov=calc"], id="default-term"),
        pytest.param([*SOURCES, "--cov-report=term"], id="term"),
        pytest.param([*SOURCES, "--cov-report=term-missing:skip-covered"], id="skip-covered"),
        pytest.param(["--cov", "--cov-report=term-missing"], id="bare-cov"),
        pytest.param(["--cov=calc", "--cov-reset", "--cov=textutil"], id="cov-reset"),
        pytest.param([*SOURCES, "--cov-precision=2"], id="precision"),
        pytest.param([*SOURCES, "--cov-report="], id="no-report"),
        pytest.param([*SOURCES, "--cov-branch", "--cov-report=term-missing"], id="branch-term-missing"),
        pytest.param([*SOURCES, "--cov-branch", "--cov-report=term"], id="branch-term"),
        pytest.param(["--cov=calc", "--cov-branch", "--cov-fail-under=80"], id="branch-fail-under"),
    ],
)
def test_section_is_identical(ferrocov_bin, oracle_bin, project, args):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert_same(ours, theirs)


# -- --cov-fail-under ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([*SOURCES, "--cov-fail-under=90"], id="fails"),
        pytest.param([*SOURCES, "--cov-fail-under=50"], id="passes"),
        pytest.param([*SOURCES, "--cov-fail-under=86.05"], id="float-at-total"),
        pytest.param(["--cov=calc", "--cov-fail-under=86.5"], id="rounds-up-to-threshold"),
        pytest.param(["--cov=calc", "--cov-fail-under=100"], id="hundred"),
        pytest.param([*SOURCES, "--cov-report=", "--cov-fail-under=90"], id="no-report-fails"),
        pytest.param([*SOURCES, "--cov-report=", "--cov-fail-under=50"], id="no-report-passes"),
    ],
)
def test_fail_under_verdict_and_status(ferrocov_bin, oracle_bin, project, args):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert "Required test coverage of" in theirs.coverage_section()
    assert_same(ours, theirs)
    verdict = [line for line in ours.stdout.splitlines() if "Coverage failure" in line]
    assert verdict == [line for line in theirs.stdout.splitlines() if "Coverage failure" in line]


def test_fail_under_from_config_file(ferrocov_bin, oracle_bin, project):
    (project / ".coveragerc").write_text("[report]\nfail_under = 95\nprecision = 1\n")
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES)
    assert theirs.returncode == 1
    assert_same(ours, theirs)


# -- switching coverage off ----------------------------------------------------


def test_no_cov_disables_everything(ferrocov_bin, oracle_bin, project):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--no-cov")
    assert theirs.coverage_section() == ""
    assert_same(ours, theirs)
    assert not (project / ".coverage").exists()


def test_cov_after_no_cov_warns(ferrocov_bin, oracle_bin, project):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, "--no-cov", *SOURCES)
    assert "Coverage disabled via --no-cov switch!" in theirs.coverage_section()
    assert_same(ours, theirs)
    assert "CovDisabledWarning: Coverage disabled via --no-cov switch!" in ours.stdout


@pytest.mark.parametrize("no_cov_on_fail", [False, True], ids=["reports", "no-cov-on-fail"])
def test_failing_run(ferrocov_bin, oracle_bin, project, no_cov_on_fail):
    args = [*SOURCES, "--cov-report=term-missing", "tests", "extras/test_fails.py"]
    if no_cov_on_fail:
        args.append("--no-cov-on-fail")
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert theirs.returncode == 1
    assert (theirs.coverage_section() == "") is no_cov_on_fail
    assert_same(ours, theirs)


# -- accumulating data ---------------------------------------------------------


def test_cov_append_adds_to_previous_run(ferrocov_bin, oracle_bin, project):
    oracle_dir = fresh_copy(project, "oracle")
    first = [*SOURCES, "--cov-report=", "tests/test_calc.py"]
    second = [*SOURCES, "--cov-report=term-missing", "--cov-append", "tests/test_textutil.py"]
    run_pytest(ferrocov_bin, project, *first)
    run_pytest(oracle_bin, oracle_dir, *first)
    ours = run_pytest(ferrocov_bin, project, *second)
    theirs = run_pytest(oracle_bin, oracle_dir, *second)
    assert "calc/ops.py" in theirs.coverage_section()
    assert_same(ours, theirs)


def test_without_append_previous_data_is_erased(ferrocov_bin, oracle_bin, project):
    oracle_dir = fresh_copy(project, "oracle")
    first = [*SOURCES, "--cov-report=", "tests/test_calc.py"]
    second = [*SOURCES, "--cov-report=term-missing", "tests/test_textutil.py"]
    run_pytest(ferrocov_bin, project, *first)
    run_pytest(oracle_bin, oracle_dir, *first)
    ours = run_pytest(ferrocov_bin, project, *second)
    theirs = run_pytest(oracle_bin, oracle_dir, *second)
    assert_same(ours, theirs)


# -- markers and fixtures ----------------------------------------------------


def test_no_cover_marker_and_fixture_and_cov_fixture(ferrocov_bin, oracle_bin, project):
    args = [*SOURCES, "--cov-report=term-missing", "tests", "extras/test_markers.py"]
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args, env={"SAMPLE_EXPECT_COV": "1"})
    # power() ran only in no_cover tests, so its lines stay missed.
    assert "19-21" in theirs.coverage_section()
    assert theirs.returncode == 0
    assert_same(ours, theirs)


def test_cov_fixture_is_none_without_cov(ferrocov_bin, project):
    ours = run_pytest(ferrocov_bin, project, "extras/test_markers.py")
    assert ours.returncode == 0, ours.stdout


# -- xdist -------------------------------------------------------------------


def test_xdist_gives_the_same_table(ferrocov_bin, oracle_bin, project):
    args = [*SOURCES, "--cov-report=term-missing"]
    serial = run_pytest(ferrocov_bin, fresh_copy(project, "serial"), *args)
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args, "-n", "2")
    assert "2 workers" in ours.stdout
    assert ours.coverage_section() == serial.coverage_section()
    assert_same(ours, theirs)
    assert not list(project.glob(".coverage.*")), "workers' files must be combined away"


def test_xdist_fail_under(ferrocov_bin, oracle_bin, project):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "-n", "2", "--cov-fail-under=90")
    assert theirs.returncode == 1
    assert_same(ours, theirs)


# -- option validation -------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "--cov-report=bogus",
        "--cov-report=term:bogus",
        "--cov-fail-under=101",
        "--cov-fail-under=lots",
        "--cov-context=function",
    ],
)
def test_bad_option_values_are_refused_alike(ferrocov_bin, oracle_bin, project, bad):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, "--cov=calc", bad)
    assert theirs.returncode == 4
    assert ours.returncode == theirs.returncode
    assert ours.error_line() == theirs.error_line()


def test_markdown_reports_to_one_file_are_refused(ferrocov_bin, oracle_bin, project):
    args = ["--cov=calc", "--cov-report=markdown", "--cov-report=markdown-append"]
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert ours.returncode == theirs.returncode != 0
    assert ours.error_line() == theirs.error_line()


# -- file reports ------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "written"),
    [
        ("xml", "coverage.xml"),
        ("json", "coverage.json"),
        ("lcov", "coverage.lcov"),
        ("html", "htmlcov/index.html"),
        ("markdown", "coverage.md"),
    ],
)
def test_file_report_is_written_or_warned_about(ferrocov_bin, project, report, written):
    """A report the engine cannot make yet is a CovReportWarning, never a crash."""
    ours = run_pytest(ferrocov_bin, project, "--cov=calc", "--cov-report=term", f"--cov-report={report}")
    assert ours.returncode == 0, ours.stdout + ours.stderr
    section = ours.coverage_section()
    assert "TOTAL" in section
    if (project / written).exists():
        assert "written to" in section
    else:
        assert f"WARNING: Failed to generate {report} report" in section
        assert "CovReportWarning" in ours.stdout


@pytest.mark.parametrize("report", ["html:out/h", "html"])
def test_html_report_is_pytest_covs(ferrocov_bin, oracle_bin, project, report):
    """`--cov-report=html[:DIR]`: the same line in the coverage section, and
    an index whose rows are the measured files."""
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-branch", f"--cov-report={report}")
    dest = report.partition(":")[2] or "htmlcov"
    assert f"Coverage HTML written to dir {dest}" in theirs.coverage_section()
    assert_same(ours, theirs)
    index = (project / dest / "index.html").read_text(encoding="utf-8")
    assert "calc" in index and "textutil" in index


@pytest.mark.parametrize("report", ["xml:out/cov.xml", "xml"])
def test_xml_report_is_pytest_covs(ferrocov_bin, oracle_bin, project, report):
    """`--cov-report=xml[:DEST]`: the same line in the coverage section and
    the same document (timestamp and project directory aside)."""
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-branch", f"--cov-report={report}")
    dest = report.partition(":")[2] or "coverage.xml"
    assert f"Coverage XML written to file {dest}" in theirs.coverage_section()
    assert_same(ours, theirs)

    def document(root: Path) -> bytes:
        text = (root / dest).read_bytes().replace(os.fsencode(root), b"<ROOT>")
        return re.sub(rb' timestamp="\d+"', b' timestamp="T"', text)

    theirs_doc = document(project.parent / "oracle")
    assert b'branch="true"' in theirs_doc
    assert document(project) == theirs_doc


@pytest.mark.parametrize("report", ["json:out/cov.json", "json"])
def test_json_report_is_pytest_covs(ferrocov_bin, oracle_bin, project, report):
    """`--cov-report=json[:DEST]`: the same line in the coverage section and
    the same document (timestamp aside)."""
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-branch", f"--cov-report={report}")
    dest = report.partition(":")[2] or "coverage.json"
    assert f"Coverage JSON written to file {dest}" in theirs.coverage_section()
    assert_same(ours, theirs)

    def document(root: Path) -> bytes:
        return re.sub(rb'"timestamp": "[^"]*"', b'"timestamp": "T"', (root / dest).read_bytes())

    theirs_doc = document(project.parent / "oracle")
    assert b'"executed_branches": [[' in theirs_doc and b'"functions": {' in theirs_doc
    assert document(project) == theirs_doc


@pytest.mark.parametrize("report", ["lcov:out/cov.lcov", "lcov"])
def test_lcov_report_is_pytest_covs(ferrocov_bin, oracle_bin, project, report):
    """`--cov-report=lcov[:DEST]`: the same line in the coverage section and
    the same records."""
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-branch", f"--cov-report={report}")
    dest = report.partition(":")[2] or "coverage.lcov"
    assert f"Coverage LCOV written to file {dest}" in theirs.coverage_section()
    assert_same(ours, theirs)
    theirs_doc = (project.parent / "oracle" / dest).read_bytes()
    assert b"BRDA:" in theirs_doc and b"FN:" in theirs_doc
    assert (project / dest).read_bytes() == theirs_doc


# -- what lands in the data file ---------------------------------------------

DATA_DUMP = """
import json, os, sys
from coverage import CoverageData
data = CoverageData(basename=sys.argv[1])
data.read()
root = os.path.dirname(os.path.abspath(sys.argv[1]))
dump = {
    "contexts": sorted(data.measured_contexts()),
    "files": {
        os.path.relpath(name, root): {
            "lines": sorted(data.lines(name) or []),
            "contexts": {str(k): sorted(v) for k, v in sorted(data.contexts_by_lineno(name).items())},
        }
        for name in data.measured_files()
    },
}
print(json.dumps(dump, sort_keys=True))
"""


def read_data_file(oracle_python: Path, data_file: Path) -> dict:
    """The data file as coverage.py 7.17.3 reads it (ours must read the same)."""
    out = subprocess.run(
        [str(oracle_python), "-c", DATA_DUMP, str(data_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_data_file_holds_the_same_lines(ferrocov_bin, oracle_bin, oracle_python, project, xdist):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-report=", *xdist)
    assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr
    assert read_data_file(oracle_python, project / ".coverage") == read_data_file(
        oracle_python, project.parent / "oracle" / ".coverage"
    )


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
@pytest.mark.parametrize("branch", [[], ["--cov-branch"]], ids=["line", "branch"])
@pytest.mark.parametrize("core", ["ctrace", "sysmon"])
def test_test_contexts_are_recorded_as_pytest_cov_records_them(
    ferrocov_bin, oracle_bin, oracle_python, project, xdist, branch, core
):
    """--cov-context=test: each line carries the "<nodeid>|setup/run/teardown"
    contexts it ran in, the same as pytest-cov with coverage.py's CTracer,
    whichever core ferrocov measures with (coverage.py's sysmon core can't)."""
    if core == "sysmon" and sys.version_info < (3, 12):
        pytest.skip("sys.monitoring is 3.12+")
    args = [*SOURCES, "--cov-context=test", "--cov-report=term-missing", *branch, *xdist]
    oracle_dir = fresh_copy(project, "oracle")
    ours = run_pytest(ferrocov_bin, project, *args, env={"COVERAGE_CORE": core})
    theirs = run_pytest(oracle_bin, oracle_dir, *args, env={"COVERAGE_CORE": "ctrace"})
    assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr
    assert ours.coverage_section() == theirs.coverage_section()
    dumped = read_data_file(oracle_python, project / ".coverage")
    assert dumped == read_data_file(oracle_python, project.parent / "oracle" / ".coverage")
    assert any(name.endswith("|run") for name in dumped["contexts"]), dumped["contexts"]


def test_workers_in_other_directories_are_mapped_home(ferrocov_bin, oracle_bin, tmp_path):
    """Workers that run in a copy of the project (rsync'd, elsewhere) send
    their data through xdist's channel; their paths count as ours.

    pytest-cov loses them without a hand-written [paths] section (it aliases
    on the wrong Coverage object), so the reference here is a serial run.
    """
    root = tmp_path / "site"
    project = root / "project"
    shutil.copytree(SAMPLE, project)
    for name in ("dir1", "dir2"):
        (root / name).mkdir()
    args = [f"--cov={project}", "--cov-report=term-missing", str(project / "tests")]
    remote = [
        "--dist=load",
        f"--tx=popen//chdir={root / 'dir1'}",
        f"--tx=popen//chdir={root / 'dir2'}",
        f"--rsyncdir={project}",
        "-W",
        "ignore::DeprecationWarning",
    ]
    ours = run_pytest(ferrocov_bin, root, *args, *remote)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert "dir1" not in ours.coverage_section()
    serial = run_pytest(oracle_bin, root, *args)
    assert ours.coverage_section() == serial.coverage_section()


# -- configuration and early measurement ---------------------------------------


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_conftest_imports_are_measured(ferrocov_bin, oracle_bin, project, xdist):
    """Measurement starts before conftest.py loads, so its imports count."""
    (project / "conftest.py").write_text("import calc.parse.tokens\n")
    args = [*SOURCES, "--cov-report=term-missing", "tests/test_textutil.py", *xdist]
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert "calc/parse/tokens.py" in theirs.coverage_section()
    assert_same(ours, theirs)


def test_report_options_from_coveragerc(ferrocov_bin, oracle_bin, project):
    (project / ".coveragerc").write_text("[report]\nshow_missing = True\nskip_covered = True\n")
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-report=term")
    assert "Missing" in theirs.coverage_section()
    assert_same(ours, theirs)


def test_cov_config_names_another_file(ferrocov_bin, oracle_bin, project):
    (project / "cov.ini").write_text("[run]\nomit = */parse/*\n[report]\nprecision = 2\n")
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "--cov-config=cov.ini")
    assert "parse" not in theirs.coverage_section()
    assert_same(ours, theirs)


def test_data_file_from_config(ferrocov_bin, oracle_bin, project):
    (project / ".coveragerc").write_text("[run]\ndata_file = results/cov.data\n")
    (project / "results").mkdir()
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES, "-n", "2")
    assert_same(ours, theirs)
    assert (project / "results" / "cov.data").exists()
    assert not (project / ".coverage").exists()


def test_nothing_to_report(ferrocov_bin, oracle_bin, project):
    ours, theirs = both(ferrocov_bin, oracle_bin, project, "--cov=no_such_module", "--cov-fail-under=10")
    assert "Failed to generate report" in theirs.stdout
    assert_same(ours, theirs)
    failure = [line for line in ours.stdout.splitlines() if "WARNING: Failed to generate report" in line]
    assert failure == [line for line in theirs.stdout.splitlines() if "WARNING: Failed to generate report" in line]


def test_pytest_run_from_inside_an_xdist_worker(ferrocov_bin, oracle_bin, project):
    """A test running under xdist that runs pytest itself (as plugin test
    suites do) passes PYTEST_XDIST_WORKER on; that pytest is no worker."""
    (project / "conftest.py").write_text("import calc.parse.tokens\n")
    args = [*SOURCES, "--cov-report=term-missing", "tests/test_textutil.py", "-n", "2"]
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args, env={"PYTEST_XDIST_WORKER": "gw7"})
    assert "calc/parse/tokens.py" in theirs.coverage_section()
    assert_same(ours, theirs)


def test_markdown_reports_match(ferrocov_bin, oracle_bin, project):
    args = [*SOURCES, "--cov-report=markdown:out/cov.md", "--cov-report=markdown-append:log.md"]
    (project / "out").mkdir()
    (project / "log.md").write_text("# earlier runs\n")
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert "Coverage Markdown information appended to file log.md" in theirs.coverage_section()
    assert_same(ours, theirs)
    oracle_dir = project.parent / "oracle"
    for name in ("out/cov.md", "log.md"):
        assert (project / name).read_text() == (oracle_dir / name).read_text()


# -- combining ---------------------------------------------------------------


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_unusable_leftover_file_is_warned_about_and_kept(ferrocov_bin, oracle_bin, project, xdist):
    """With --cov-append nothing is erased first: a damaged parallel file
    from before is reported by the combine, and left where it is."""
    (project / ".coverage.leftover").write_text("not a data file\n" * 20)
    args = [*SOURCES, "--cov-append", "--cov-report=term-missing", *xdist]
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *args)
    assert_same(ours, theirs)
    for run in (ours, theirs):
        assert "Couldn't use data file" in run.stdout + run.stderr
    for root in (project, project.parent / "oracle"):
        assert sorted(p.name for p in root.glob(".coverage*")) == [".coverage", ".coverage.leftover"]


def test_branch_from_config_file(ferrocov_bin, oracle_bin, project):
    (project / ".coveragerc").write_text("[run]\nbranch = true\n[report]\nshow_missing = true\n")
    ours, theirs = both(ferrocov_bin, oracle_bin, project, *SOURCES)
    assert "BrPart" in theirs.coverage_section()
    assert_same(ours, theirs)


def test_coverage_run_of_pytest_gives_no_rewrite_warning(ferrocov_bin, oracle_bin, project):
    """`coverage run -m pytest` imports our packages before pytest: pytest must
    not warn that it cannot rewrite them (with `-W error` it would abort)."""
    oracle_dir = fresh_copy(project, "oracle")
    runs = []
    for bin_dir, root in ((ferrocov_bin, project), (oracle_bin, oracle_dir)):
        proc = subprocess.run(
            [str(bin_dir / "coverage"), "run", "-m", "pytest", "-p", "no:cacheprovider", "-W", "error"],
            cwd=root,
            env=_clean_env(None),
            capture_output=True,
            text=True,
            timeout=300,
        )
        runs.append(proc)
    ours, theirs = runs
    assert "PytestAssertRewriteWarning" not in ours.stdout + ours.stderr
    assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr
