"""Combining parallel data files: `coverage combine`, the reports' automatic
combine, `Coverage.combine()` and `coverage.data.combine_parallel_data`.

Every scenario runs with ferrocov's installed `coverage` and with the
oracle's (coverage.py 7.17.3), each in its own copy of a scratch project,
and what a user sees must be the same: output, exit status, the report of
the combined data, and which data files are left behind.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from test_cli_support import CliResult, SideBySide, clean_env

SAMPLE = {
    "prog.py": """\
        import sys

        def classify(n):
            if n < 0:
                return "negative"
            elif n == 0:
                return "zero"
            return "positive"

        for arg in sys.argv[1:]:
            print(arg, classify(int(arg)))
        """,
    "other.py": """\
        def shout(text):
            return text.upper()

        print(shout("hi"))
        """,
}

# A parallel data file name: .coverage.<host>.pid<pid>.X<random>x[.H<hash>h]
PARALLEL_NAME = re.compile(r"^\.coverage\.[^.]+\.pid\d+\.X\w{6}x(\.H\w{10}h)?$")


@pytest.fixture
def project(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> SideBySide:
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, SAMPLE)


def warnings_of(text: str) -> list[str]:
    """The CoverageWarning messages, wherever each tool warns from."""
    return re.findall(r"CoverageWarning: (.*)", text)


def visible(result: CliResult) -> tuple[int, str, str]:
    """What a user sees, with warnings reduced to their messages (the
    warning's source line is a file inside each tool)."""
    stderr = warnings_of(result.stderr) if "CoverageWarning" in result.stderr else result.stderr
    return result.returncode, result.stdout, str(stderr)


def assert_same(pair: tuple[CliResult, CliResult]) -> CliResult:
    ours, oracle = pair
    assert visible(ours) == visible(oracle)
    return ours


def data_files(root: Path) -> list[str]:
    """The data files in `root`, parallel names shown by their shape."""
    names = []
    for path in sorted(root.iterdir()):
        if path.name.startswith(".coverage"):
            names.append("<parallel>" if PARALLEL_NAME.match(path.name) else path.name)
    return sorted(names)


def assert_same_files(project: SideBySide) -> list[str]:
    ours, oracle = (data_files(project.dirs[name]) for name in ("ours", "oracle"))
    assert ours == oracle
    return ours


def run_parallel_pair(project: SideBySide) -> None:
    """Two parallel runs that measure different lines of prog.py."""
    assert_same(project.run("run", "-p", "prog.py", "3"))
    assert_same(project.run("run", "-p", "prog.py", "0", "-2"))
    assert assert_same_files(project).count("<parallel>") == 2


# -- coverage combine ---------------------------------------------------------


def test_combine_then_report(project: SideBySide) -> None:
    assert_same(project.run("run", "-p", "prog.py", "3"))
    assert_same(project.run("run", "-p", "prog.py", "0", "-2"))
    assert_same(project.run("run", "-p", "other.py"))
    combined = assert_same(project.run("combine"))
    assert combined.stderr == "Combined 3 files\n"
    assert assert_same_files(project) == [".coverage"]
    report = assert_same(project.run("report", "-m"))
    assert "prog.py" in report.stdout
    assert "100%" in report.stdout, "the combined runs cover every line of prog.py"


def test_combine_keep_leaves_the_inputs(project: SideBySide) -> None:
    run_parallel_pair(project)
    assert_same(project.run("combine", "--keep"))
    assert assert_same_files(project) == [".coverage", "<parallel>", "<parallel>"]
    assert_same(project.run("report"))
    # Combining the kept files again gives the same data, not double.
    assert_same(project.run("combine"))
    assert assert_same_files(project) == [".coverage"]
    assert_same(project.run("report", "-m"))


def test_combine_append_adds_to_the_data_file(project: SideBySide) -> None:
    assert_same(project.run("run", "other.py"))
    run_parallel_pair(project)
    assert_same(project.run("combine", "--append"))
    report = assert_same(project.run("report"))
    assert "other.py" in report.stdout and "prog.py" in report.stdout


def test_combine_without_append_replaces_the_data_file(project: SideBySide) -> None:
    assert_same(project.run("run", "other.py"))
    run_parallel_pair(project)
    assert_same(project.run("combine"))
    report = assert_same(project.run("report"))
    assert "other.py" not in report.stdout


def test_combine_quiet(project: SideBySide) -> None:
    run_parallel_pair(project)
    result = assert_same(project.run("combine", "-q"))
    assert (result.stdout, result.stderr) == ("", "")
    assert_same(project.run("report"))


def test_combine_with_data_file_option(project: SideBySide) -> None:
    assert_same(project.run("run", "-p", "--data-file=cov.dat", "prog.py", "3"))
    assert_same(project.run("run", "-p", "--data-file=cov.dat", "other.py"))
    assert_same(project.run("combine", "--data-file=cov.dat"))
    for root in project.dirs.values():
        assert sorted(p.name for p in root.iterdir() if p.name.startswith("cov.dat")) == ["cov.dat"]
    assert_same(project.run("report", "--data-file=cov.dat"))


def test_combine_from_named_paths(project: SideBySide) -> None:
    run_parallel_pair(project)
    for root in project.dirs.values():
        first, second = sorted(root.glob(".coverage.*"))
        (root / "one").mkdir()
        first.rename(root / "one" / first.name)
        (root / "two").mkdir()
        second.rename(root / "two" / ".coverage.mine")
    assert_same(project.run("combine", "one", "two/.coverage.mine"))
    for root in project.dirs.values():
        assert not list((root / "one").iterdir()) and not list((root / "two").iterdir())
    assert_same(project.run("report", "-m"))


def test_duplicate_runs_are_skipped(project: SideBySide) -> None:
    """The same data twice has the same digest in its file name."""
    assert_same(project.run("run", "-p", "prog.py", "3"))
    assert_same(project.run("run", "-p", "prog.py", "3"))
    assert_same(project.run("run", "-p", "other.py"))
    result = assert_same(project.run("combine"))
    assert result.stderr == "Combined 2 files, skipped 1\n"
    assert assert_same_files(project) == [".coverage"]
    assert_same(project.run("report"))


def test_duplicate_contents_are_skipped(project: SideBySide) -> None:
    """Files named without a digest are compared by their bytes."""
    assert_same(project.run("run", "--data-file=.coverage.a", "prog.py", "3"))
    assert_same(project.run("run", "--data-file=.coverage.c", "other.py"))
    for root in project.dirs.values():
        shutil.copyfile(root / ".coverage.a", root / ".coverage.b")
    result = assert_same(project.run("combine"))
    assert result.stderr == "Combined 2 files, skipped 1\n"
    assert assert_same_files(project) == [".coverage"]
    assert_same(project.run("report"))


def _truncated(root: Path) -> bytes:
    """The first half of a real data file."""
    subprocess.run(
        [str(root / "_bin" / "coverage"), "run", "--data-file=whole.dat", "other.py"],
        cwd=root,
        env=clean_env(),
        check=True,
        capture_output=True,
    )
    whole = (root / "whole.dat").read_bytes()
    (root / "whole.dat").unlink()
    return whole[: len(whole) // 2]


@pytest.mark.parametrize("damage", ["text", "truncated", "empty"])
def test_unusable_file_is_reported_and_left_alone(project: SideBySide, damage: str) -> None:
    run_parallel_pair(project)
    for name, root in project.dirs.items():
        if damage == "text":
            content = b"this is not a database\n" * 50
        elif damage == "empty":
            content = b""
        else:
            (root / "_bin").symlink_to(project.bins[name])
            content = _truncated(root)
        (root / ".coverage.damaged").write_bytes(content)
    result = assert_same(project.run("combine"))
    assert result.stderr.splitlines()[-1] == "Combined 2 files, 1 file errored"
    assert "data file '<DIR>/.coverage.damaged'" in warnings_of(result.stderr)[0]
    assert assert_same_files(project) == [".coverage", ".coverage.damaged"]
    for root in project.dirs.values():
        assert (root / ".coverage.damaged").read_bytes() == content or damage == "truncated"
    ours, oracle = (project.dirs[name] / ".coverage.damaged" for name in ("ours", "oracle"))
    assert ours.read_bytes() == oracle.read_bytes() or damage == "truncated"
    assert_same(project.run("report"))


def test_truncated_file_is_left_byte_identical(project: SideBySide) -> None:
    root = project.dirs["ours"]
    (root / "_bin").symlink_to(project.bins["ours"])
    damaged = _truncated(root)
    (root / ".coverage.damaged").write_bytes(damaged)
    ours, _ = project.run("combine")
    assert ours.returncode == 1
    assert (root / ".coverage.damaged").read_bytes() == damaged


def test_a_file_named_like_a_journal_is_ignored(project: SideBySide) -> None:
    run_parallel_pair(project)
    for root in project.dirs.values():
        (root / ".coverage.x-journal").write_bytes(b"junk")
    assert_same(project.run("combine"))
    assert assert_same_files(project) == [".coverage", ".coverage.x-journal"]


PATHS_RC = """\
    [paths]
    source =
        src/
        */elsewhere/src/
    """


def test_paths_remap_files_measured_elsewhere(project: SideBySide) -> None:
    module = "def f(x):\n    if x:\n        return 1\n    return 2\n\nf(1)\n"
    project.write(
        {"src/mod.py": module, "elsewhere/src/mod.py": module.replace("f(1)", "f(0)"), ".coveragerc": PATHS_RC}
    )
    assert_same(project.run("run", "-p", "src/mod.py"))
    assert_same(project.run("run", "-p", "elsewhere/src/mod.py"))
    for root in project.dirs.values():
        shutil.rmtree(root / "elsewhere")
    assert_same(project.run("combine"))
    report = assert_same(project.run("report", "-m"))
    assert "elsewhere" not in report.stdout
    assert "src/mod.py" in report.stdout and "100%" in report.stdout


@pytest.mark.parametrize(
    ("setup", "args"),
    [
        pytest.param("nothing", ["combine"], id="no-data"),
        pytest.param("nothing", ["combine", "no_such_dir"], id="missing-path"),
        pytest.param("nothing", ["combine", "-q", "no_such_dir"], id="missing-path-quiet"),
        pytest.param("damaged", ["combine"], id="no-usable-data"),
        pytest.param("data-file-only", ["combine"], id="only-the-data-file"),
        pytest.param("nothing", ["report"], id="report-without-data"),
    ],
)
def test_strict_errors(project: SideBySide, setup: str, args: list[str]) -> None:
    if setup == "damaged":
        project.write({".coverage.bad": "not a database\n"})
    elif setup == "data-file-only":
        assert_same(project.run("run", "prog.py", "1"))
    result = assert_same(project.run(*args))
    assert result.returncode == 1


# -- the reports' automatic combine ------------------------------------------------


@pytest.mark.parametrize("keep", [False, True], ids=["delete", "keep-combined"])
def test_report_combines_parallel_files_first(project: SideBySide, keep: bool) -> None:
    run_parallel_pair(project)
    args = ["report", "-m"] + (["--keep-combined"] if keep else [])
    report = assert_same(project.run(*args))
    assert "prog.py" in report.stdout
    assert assert_same_files(project) == ([".coverage", "<parallel>", "<parallel>"] if keep else [".coverage"])


def test_report_adds_parallel_files_to_the_data_file(project: SideBySide) -> None:
    assert_same(project.run("run", "other.py"))
    run_parallel_pair(project)
    report = assert_same(project.run("report"))
    assert "other.py" in report.stdout and "prog.py" in report.stdout


def test_report_warns_about_an_unusable_file(project: SideBySide) -> None:
    run_parallel_pair(project)
    project.write({".coverage.bad": "not a database\n"})
    assert_same(project.run("report"))
    assert assert_same_files(project) == [".coverage", ".coverage.bad"]


# -- the Python API -----------------------------------------------------------------

API_SCRIPT = """\
import os, sys
import coverage
from coverage.data import CoverageData, combinable_files, combine_parallel_data
from coverage.exceptions import CoverageException

def attempt(label, func):
    try:
        func()
    except CoverageException as exc:
        print(label, type(exc).__name__, str(exc).replace(os.getcwd(), "<DIR>"))
    else:
        print(label, "ok")

def write(suffix, lines, arcs=False):
    data = CoverageData(suffix=suffix)
    if arcs:
        data.add_arcs(lines)
    else:
        data.add_lines(lines)
    data.write()

here = os.path.abspath("src/a.py")
write("1", {here: [1, 2]})
write("2", {here: [2, 5], os.path.abspath("src/b.py"): [7]})
write("3", {"/ci/build/src/a.py": [9]})
print([os.path.basename(f) for f in combinable_files(".coverage")])

cov = coverage.Coverage(messages=True)
cov.set_option("paths", {"source": ["src/", "/ci/build/src/"]})
attempt("combine", lambda: cov.combine(strict=True))
data = cov.get_data()
print(sorted(os.path.relpath(f) for f in data.measured_files()), sorted(data.lines(here)))
cov.save()
print(sorted(f for f in os.listdir(".") if f.startswith(".coverage")))

attempt("again", lambda: coverage.Coverage().combine(strict=True))
attempt("missing", lambda: coverage.Coverage().combine(["nowhere"], strict=True))
attempt("lenient", lambda: coverage.Coverage().combine())

write("4", {here: [(1, 2)]}, arcs=True)
write("5", {here: [3]})
cov = coverage.Coverage()
cov.load()
attempt("mixed", lambda: cov.combine(keep=True))
print(sorted(f for f in os.listdir(".") if f.startswith(".coverage")))

target = CoverageData("other.dat")
attempt("data-api", lambda: combine_parallel_data(target, data_paths=[".coverage.5"], keep=True, message=print))
print(sorted(target.lines(here)))
"""


def run_python(python: Path, script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", script], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120
    )


def test_api_combine(tmp_path: Path, ferrocov_bin: Path, oracle_python: Path) -> None:
    results = []
    for name, python in [("ours", ferrocov_bin / "python"), ("oracle", oracle_python)]:
        root = tmp_path / name
        (root / "src").mkdir(parents=True)
        for module in ("a.py", "b.py"):
            (root / "src" / module).write_text("x = 1\n" * 10)
        proc = run_python(python, API_SCRIPT, root)
        results.append((proc.returncode, proc.stdout, warnings_of(proc.stderr), proc.stderr.count("Combined")))
    ours, oracle = results
    assert ours == oracle
    assert ours[0] == 0, ours
    assert "combine ok" in ours[1] and "mixed DataError" in ours[1]


def test_api_combine_debug_output(tmp_path: Path, ferrocov_bin: Path, oracle_python: Path) -> None:
    script = (
        "import os\n"
        "from coverage.data import CoverageData, combine_parallel_data\n"
        "class Debug:\n"
        "    def should(self, option): return option in ('combine', 'dataio')\n"
        "    def write(self, msg):\n"
        "        msg = msg.replace(os.getcwd(), '<DIR>')\n"
        "        if 'ombin' in msg or 'Deleting' in msg or 'Skipping' in msg: print(msg)\n"
        "for suffix in ('1', '2'):\n"
        "    d = CoverageData(suffix=suffix); d.add_lines({'/src/a.py': [1]}); d.write()\n"
        "open('.coverage.3', 'w').write('junk')\n"
        "d = CoverageData(suffix='2', debug=Debug(), warn=lambda msg: print('warn', msg.replace(os.getcwd(), '<DIR>')))\n"
        "combine_parallel_data(d, keep=False)\n"
    )
    outputs = []
    for name, python in [("ours", ferrocov_bin / "python"), ("oracle", oracle_python)]:
        root = tmp_path / name
        root.mkdir()
        proc = run_python(python, script, root)
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout.replace(str(root), "<DIR>"))
    assert outputs[0] == outputs[1]
    assert "Skipping combining ourself" in outputs[0]


# -- [paths] at report time ---------------------------------------------------------


@pytest.mark.parametrize(
    "report",
    [["report", "-m"], ["json", "-o", "-"], ["lcov", "-o", "-"], ["xml", "-o", "-"]],
    ids=["text", "json", "lcov", "xml"],
)
def test_reports_apply_paths_without_a_combine(project: SideBySide, report: list[str]) -> None:
    """coverage.py remaps the data by [paths] in memory before each report,
    so data measured elsewhere reports under the local names."""
    module = "def f(x):\n    if x:\n        return 1\n    return 2\n\nf(0)\n"
    project.write({"src/mod.py": module, "elsewhere/src/mod.py": module, ".coveragerc": PATHS_RC})
    assert_same(project.run("run", "--branch", "elsewhere/src/mod.py"))
    for root in project.dirs.values():
        shutil.rmtree(root / "elsewhere")
    ours, oracle = project.run(*report)
    scrub = re.compile(r'(timestamp="?|"timestamp": ")[^",]+|version="[^"]+"|"version": "[^"]+"|<source>[^<]+</source>')
    assert (ours.returncode, scrub.sub("", ours.stdout)) == (oracle.returncode, scrub.sub("", oracle.stdout))
    assert ours.returncode == 0 and "elsewhere" not in ours.stdout and "mod.py" in ours.stdout


@pytest.mark.parametrize("contexts", ["first", "sec", "nothing-matches", "first|second"])
def test_text_report_narrows_to_contexts(project: SideBySide, contexts: str) -> None:
    """`report --contexts` counts only what ran in matching contexts (regexes)."""
    project.write({"first.rc": "[run]\ncontext = first\n", "second.rc": "[run]\ncontext = second\n"})
    assert_same(project.run("run", "-p", "--rcfile=first.rc", "prog.py", "3"))
    assert_same(project.run("run", "-p", "--rcfile=second.rc", "prog.py", "0"))
    assert_same(project.run("combine"))
    assert_same(project.run("report", "-m", f"--contexts={contexts}"))
