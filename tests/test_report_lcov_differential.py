"""The LCOV report (`coverage lcov`, `Coverage.lcov_report`) against coverage.py 7.17.3.

Programs are measured by the oracle; then the oracle's `coverage lcov` and
ours report the same data file in the same directory, and the reports
must be byte-identical (LCOV has no timestamp). The projects are the JSON
report's: nested packages, empty, statement-free, 0% and 100% files,
names needing neutralizing, files outside the current directory, and a
module of functions and classes for the FN records (methods, nested,
redefined, decorated, async and excluded functions). Reports cover line
and branch data, line checksums, include/omit, skip_empty and the branch
programs under tests/branch_programs one by one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from test_cli_support import clean_env, write_files
from test_report_json_differential import write_project
from test_report_xml_differential import OUTSIDE, OUTSIDE_MAIN, PROGRAM_NAMES, PROGRAMS, PROJECT, coverage_cmd

RUNS = {
    "line": ([], ""),
    "branch": (["--branch"], ""),
    "relative-branch": (["--branch"], "[run]\nrelative_files = True\n"),
    "outside": (["--branch"], ""),
}

# How the same data is reported: (rcfile text, `coverage lcov` arguments).
REPORTS = {
    "default": ("", []),
    "checksums": ("[lcov]\nline_checksums = True\n", []),
    "include": ("", ["--include=app/*,shapes.py"]),
    "omit": ("", ["--omit=*/deep/*,main.py"]),
    "include-omit-rc": ("[report]\ninclude = app/*\n    lib/*\nomit = */util*\n", []),
    "skip-empty-rc": ("[report]\nskip_empty = True\n[lcov]\nline_checksums = True\n", []),
}


def both_lcov(root: Path, oracle_bin: Path, ferrocov_bin: Path, *args: str) -> tuple[bytes, bytes]:
    """(oracle's, ours) `coverage lcov -o ... *args` in `root`, same data."""
    reports = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        out = f"{side}.lcov"
        proc = coverage_cmd(bin_dir, root, "lcov", "-o", out, *args)
        assert proc.returncode == 0, f"{side}: {proc.stdout}{proc.stderr}"
        assert proc.stderr == f"Wrote LCOV report to {out}\n", f"{side}: {proc.stderr}"
        reports.append((root / out).read_bytes())
    return reports[0], reports[1]


@pytest.fixture(scope="module")
def measure(tmp_path_factory, oracle_bin: Path):
    """`measure(run)`: the project measured by the oracle for that kind of run."""
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            base = tmp_path_factory.mktemp(f"lcov-{name}")
            root = base / "proj"
            write_project(root)
            args, rc = RUNS[name]
            if name == "outside":
                write_files(base, OUTSIDE)
                (root / "main.py").write_text(OUTSIDE_MAIN, encoding="utf-8")
                run = ["run", *args, "main.py"]
            else:
                run = ["run", "--source=.", *args, "main.py"]
            (root / ".coveragerc").write_text(rc, encoding="utf-8")
            proc = coverage_cmd(oracle_bin, root, *run)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            done[name] = root
        return done[name]

    return get


CASES = [(run, report) for run in RUNS for report in REPORTS]


@pytest.mark.parametrize(("run", "report"), CASES, ids=[f"{run}-{report}" for run, report in CASES])
def test_reports_are_identical(measure, run: str, report: str, oracle_bin: Path, ferrocov_bin: Path) -> None:
    root = measure(run)
    rcfile = root / f"report-{report}.rc"
    rc_text = REPORTS[report][0]
    if "relative" in run:
        rc_text = "[run]\nrelative_files = True\n" + rc_text
    rcfile.write_text(rc_text, encoding="utf-8")
    theirs, ours = both_lcov(root, oracle_bin, ferrocov_bin, f"--rcfile={rcfile.name}", *REPORTS[report][1])
    assert b"SF:" in theirs and b"end_of_record\n" in theirs
    assert ours == theirs


@pytest.mark.parametrize("run", list(RUNS))
def test_the_projects_exercise_what_they_claim(measure, run: str, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Guard against vacuous comparisons: the oracle's reports hold the
    records the projects are meant to produce."""
    root = measure(run)
    relative = "[run]\nrelative_files = True\n" if "relative" in run else ""
    (root / "ck.rc").write_text(relative + "[lcov]\nline_checksums = True\n", encoding="utf-8")
    theirs, _ = both_lcov(root, oracle_bin, ferrocov_bin, "--rcfile=ck.rc")
    text = theirs.decode()
    if run == "outside":
        assert "SF:app/util2.py\n" in text and "early.py" in text
        return
    assert "SF:lib/tab?name.py\n" in text  # neutralized
    assert "SF:app/__init__.py\nend_of_record\n" in text  # no statements
    assert "FN:" in text and "FNF:" in text and "FNDA:0," in text and "FNDA:1," in text
    assert "@" in "".join(line for line in text.splitlines() if line.startswith("FN:"))
    assert all(line.count(",") == 2 for line in text.splitlines() if line.startswith("DA:"))
    if "branch" in run:
        assert ",0,jump to line " in text and ",-\n" in text and "BRF:" in text
        assert ",0,exit the module," in text and ",0,return from function " in text


@pytest.mark.parametrize("program", PROGRAM_NAMES)
@pytest.mark.parametrize("branch", [True, False], ids=["branch", "line"])
def test_branch_program_reports_are_identical(
    program: str, branch: bool, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path
) -> None:
    shutil.copy(PROGRAMS / program, tmp_path / program)
    coverage_cmd(oracle_bin, tmp_path, "run", *(["--branch"] if branch else []), program)
    theirs, ours = both_lcov(tmp_path, oracle_bin, ferrocov_bin)
    assert b"DA:" in theirs
    assert (b"BRF:" in theirs) <= branch
    assert ours == theirs


def test_our_own_measurement_reports_the_same(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """End to end: each tool measures and reports the project itself."""
    reports = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side / "proj"
        write_project(root)
        assert coverage_cmd(bin_dir, root, "run", "--branch", "--source=.", "main.py").returncode == 0
        assert coverage_cmd(bin_dir, root, "lcov").returncode == 0
        reports.append((root / "coverage.lcov").read_bytes())
    assert b"BRDA:" in reports[0]
    assert reports[1] == reports[0]


# -- the API --------------------------------------------------------------------

API_SCRIPT = """
import contextlib, io, json, warnings
import coverage
warnings.simplefilter("ignore")
cov = coverage.Coverage()
cov.load()
out = {}
out["default"] = cov.lcov_report()
out["named"] = cov.lcov_report(outfile="sub/dir/named.lcov")
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    out["stdout"] = cov.lcov_report(outfile="-")
out["stdout_text"] = buf.getvalue()
out["morfs"] = cov.lcov_report(morfs=["app/util2.py", "lib/full.py"], outfile="morfs.lcov")
out["include"] = cov.lcov_report(include=["app/*"], outfile="include.lcov")
out["omit"] = cov.lcov_report(omit="app/*", outfile="omit.lcov")
out["no_statements"] = cov.lcov_report(morfs=["app/__init__.py"], outfile="nostmts.lcov")
try:
    cov.lcov_report(include="nothing/*", outfile="none.lcov")
except Exception as exc:
    out["nodata"] = [type(exc).__name__, str(exc)]
with open("broken.py", "w") as broken:
    broken.write("def f(:\\n")
out["broken"] = cov.lcov_report(ignore_errors=True, outfile="ignored.lcov")
try:
    cov.lcov_report(outfile="broken.lcov")
except Exception as exc:
    out["broken_error"] = type(exc).__name__
print(json.dumps(out))
"""

API_OUTPUTS = [
    "coverage.lcov",
    "sub/dir/named.lcov",
    "morfs.lcov",
    "include.lcov",
    "omit.lcov",
    "nostmts.lcov",
    "ignored.lcov",
]


def test_api_matches(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """`Coverage.lcov_report()`: return values (0 for no statements),
    outfile handling, morfs, include/omit, ignore_errors and errors."""
    results = {}
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side
        write_files(root, {**PROJECT, "broken.py": "def f():\n    return 1\n"})
        (root / "main.py").write_text(textwrap.dedent(PROJECT["main.py"]) + "import broken\n", encoding="utf-8")
        assert coverage_cmd(oracle_bin, root, "run", "--branch", "--source=.", "main.py").returncode == 0
        proc = subprocess.run(
            [str(bin_dir / "python"), "-c", API_SCRIPT], cwd=root, env=clean_env(), capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        outputs = {name: (root / name).read_bytes() for name in API_OUTPUTS}
        results[side] = (
            proc.stdout.count('"no_statements": 0,'),
            json.loads(proc.stdout),
            outputs,
            sorted(p.name for p in root.glob("*.lcov")),
        )
    theirs, ours = results["oracle"], results["ours"]
    assert theirs[0] == 1  # the int 0, not 0.0
    assert theirs[1]["nodata"] == ["NoDataError", "No data to report."]
    assert theirs[1]["broken_error"] == "NotPython"
    assert "broken.lcov" not in theirs[3] and "none.lcov" not in theirs[3]
    assert ours == theirs


# -- the command line -----------------------------------------------------------


def cli_cases() -> list[list[str]]:
    return [
        ["lcov"],
        ["lcov", "-q"],
        ["lcov", "-o", "-"],
        ["lcov", "-o", "out/c.lcov"],
        ["lcov", "--fail-under=90"],
        ["lcov", "--fail-under=50"],
        ["lcov", "--fail-under=90", "-q"],
        ["lcov", "-i"],
        ["lcov", "--include=app/*", "--omit=*/deep/*"],
        ["lcov", "--include=nothing/*"],
        ["lcov", "--skip-empty"],
        ["lcov", "--data-file=other.data"],
        ["lcov", "--rcfile=alt.rc"],
        ["lcov", "--rcfile=failing.rc"],
        ["lcov", "app/util2.py", "lib/full.py"],
        ["lcov", "--data-file=missing.data"],
    ]


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory, oracle_bin: Path) -> Path:
    root = tmp_path_factory.mktemp("lcov-cli") / "proj"
    write_project(root)
    assert coverage_cmd(oracle_bin, root, "run", "--branch", "--source=.", "main.py").returncode == 0
    shutil.copy(root / ".coverage", root / "other.data")
    (root / "alt.rc").write_text("[lcov]\noutput = alt.lcov\nline_checksums = true\n", encoding="utf-8")
    (root / "failing.rc").write_text("[report]\nfail_under = 99.5\nprecision = 1\n", encoding="utf-8")
    return root


def _written(root: Path) -> list[Path]:
    return sorted([*root.glob("*.lcov"), *root.glob("out/*.lcov")])


@pytest.mark.parametrize("args", cli_cases(), ids=lambda a: " ".join(a[1:]) or "plain")
def test_cli_matches(cli_project: Path, args: list[str], oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Messages, exit codes and the files written, side by side."""
    root = cli_project
    outcomes = []
    for bin_dir in (oracle_bin, ferrocov_bin):
        for stale in _written(root):
            stale.unlink()
        proc = coverage_cmd(bin_dir, root, *args)
        written = {str(path.relative_to(root)): path.read_bytes() for path in _written(root)}
        outcomes.append((proc.returncode, proc.stdout, proc.stderr, written))
    theirs, ours = outcomes
    assert ours == theirs


def test_cli_exit_codes_are_coverage_pys(cli_project: Path, oracle_bin: Path) -> None:
    codes = {
        tuple(args): coverage_cmd(oracle_bin, cli_project, *args).returncode
        for args in (["lcov", "-q"], ["lcov", "--include=nothing/*"], ["lcov", "--fail-under=90", "-q"])
    }
    assert codes == {("lcov", "-q"): 0, ("lcov", "--include=nothing/*"): 1, ("lcov", "--fail-under=90", "-q"): 2}


def test_no_data_file_at_all(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    results = [coverage_cmd(bin_dir, tmp_path, "lcov") for bin_dir in (oracle_bin, ferrocov_bin)]
    theirs, ours = ((r.returncode, r.stdout, r.stderr) for r in results)
    assert theirs == (1, "No data to report.\n", "")
    assert ours == theirs
    assert not (tmp_path / "coverage.lcov").exists()
