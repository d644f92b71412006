"""The JSON report (`coverage json`, `Coverage.json_report`) against coverage.py 7.17.3.

Programs are measured by the oracle; then the oracle's `coverage json` and
ours report the same data file in the same directory, and the documents
must be byte-identical once `meta.timestamp` and `meta.version` are
normalized. The projects are the XML report's (nested packages, empty,
statement-free, 0% and 100% files, names needing escaping, files outside
the current directory) plus a module of functions and classes for the
regions: methods, nested functions and classes, redefined and decorated
functions, async functions, excluded functions and code between them.
Reports cover line and branch data, pretty_print, show_contexts (with and
without recorded contexts), include/omit, precision and the branch
programs under tests/branch_programs one by one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from test_cli_support import clean_env, write_files
from test_report_xml_differential import OUTSIDE, OUTSIDE_MAIN, PROGRAM_NAMES, PROGRAMS, PROJECT, coverage_cmd

REGIONS = {
    "shapes.py": '''\
        """Functions and classes for the regions of the JSON report."""
        import functools


        class Shape:
            """A shape."""
            sides = 0

            def __init__(self, name):
                self.name = name

            def area(self):
                if self.sides:
                    return self.sides
                return 0

            class Meta:
                kind = "meta"

                def describe(self):
                    def helper():
                        return "inner"
                    return helper()

            @property
            def label(self):
                return self.name.upper()


        class Empty:
            pass


        def outer(n):
            total = 0

            def inner(x):
                return x * 2

            for i in range(n):
                total += inner(i)
            return total


        def twice(x):
            return x


        def twice(x):  # redefined: the second keeps its own entry
            return x * 2


        def stub():
            ...


        def stub():  # redefined, never called
            return None


        @functools.lru_cache
        def cached(a):
            return a


        async def coro():
            return 1


        def skipped():  # pragma: no cover
            return "never"


        class Later(Shape):
            sides = 3

            def area(self):
                return super().area() * 2


        between = 1
        ''',
}

REGIONS_MAIN = """\
import shapes
s = shapes.Shape("sq")
s.area()
s.label
shapes.Shape.Meta().describe()
shapes.outer(3)
shapes.twice(2)
shapes.cached(1)
shapes.Later("t").area()
"""

RUNS = {
    "line": ([], ""),
    "branch": (["--branch"], ""),
    "relative-branch": (["--branch"], "[run]\nrelative_files = True\n"),
    "outside": ([], ""),
    "context": (["--branch", "--context=ctx"], ""),
}

# How the same data is reported: (rcfile text, `coverage json` arguments).
REPORTS = {
    "default": ("", []),
    "pretty": ("", ["--pretty-print"]),
    "pretty-rc": ("[json]\npretty_print = True\n", []),
    "contexts": ("", ["--show-contexts"]),
    "contexts-rc": ("[json]\nshow_contexts = True\npretty_print = True\n", []),
    "contexts-filtered": ("", ["--show-contexts", "--contexts=nothing"]),
    "include": ("", ["--include=app/*,shapes.py"]),
    "omit": ("", ["--omit=*/deep/*,main.py"]),
    "include-omit-rc": ("[report]\ninclude = app/*\n    lib/*\nomit = */util*\n", []),
    "precision": ("[report]\nprecision = 3\n", []),
    "skip-empty-rc": ("[report]\nskip_empty = True\n", []),
}


def normalized(document: bytes) -> bytes:
    """The document with its version and timestamp blanked."""
    document = re.sub(rb'"version": "[^"]*"', b'"version": "V"', document, count=1)
    return re.sub(rb'"timestamp": "[^"]*"', b'"timestamp": "T"', document, count=1)


def both_json(root: Path, oracle_bin: Path, ferrocov_bin: Path, *args: str) -> tuple[bytes, bytes]:
    """(oracle's, ours) `coverage json -o ... *args` in `root`, same data."""
    documents = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        out = f"{side}.json"
        proc = coverage_cmd(bin_dir, root, "json", "-o", out, *args)
        assert proc.returncode == 0, f"{side}: {proc.stdout}{proc.stderr}"
        assert proc.stderr == f"Wrote JSON report to {out}\n", f"{side}: {proc.stderr}"
        documents.append((root / out).read_bytes())
    return documents[0], documents[1]


def write_project(root: Path) -> None:
    write_files(root, {**PROJECT, **REGIONS})
    main = textwrap.dedent(PROJECT["main.py"]) + REGIONS_MAIN
    (root / "main.py").write_text(main, encoding="utf-8")


@pytest.fixture(scope="module")
def measure(tmp_path_factory, oracle_bin: Path):
    """`measure(run)`: the project measured by the oracle for that kind of run."""
    done: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in done:
            base = tmp_path_factory.mktemp(f"json-{name}")
            root = base / 'proj&"x'
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


def report_rc(run: str, report: str) -> str:
    rc_text = REPORTS[report][0]
    if "relative" in run:
        return "[run]\nrelative_files = True\n" + rc_text
    return rc_text


CASES = [(run, report) for run in RUNS for report in REPORTS]


@pytest.mark.parametrize(("run", "report"), CASES, ids=[f"{run}-{report}" for run, report in CASES])
def test_documents_are_identical(measure, run: str, report: str, oracle_bin: Path, ferrocov_bin: Path) -> None:
    root = measure(run)
    rcfile = root / f"report-{report}.rc"
    rcfile.write_text(report_rc(run, report), encoding="utf-8")
    theirs, ours = both_json(root, oracle_bin, ferrocov_bin, f"--rcfile={rcfile.name}", *REPORTS[report][1])
    assert b'"files": {"' in theirs or b'"files": {\n' in theirs
    assert normalized(ours) == normalized(theirs)


@pytest.mark.parametrize("run", list(RUNS))
def test_the_projects_exercise_what_they_claim(measure, run: str, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Guard against vacuous comparisons: the oracle's documents hold the
    cases the projects are meant to cover."""
    root = measure(run)
    theirs, _ = both_json(root, oracle_bin, ferrocov_bin, "--show-contexts")
    doc = json.loads(theirs)
    files = doc["files"]
    if run == "outside":
        assert "../aaa_out/early.py" in files or any("early.py" in name for name in files)
        return
    assert files["lib/never.py"]["summary"]["percent_covered"] == 0.0
    assert files["lib/full.py"]["summary"]["percent_covered"] == 100.0
    assert files["app/__init__.py"]["summary"]["num_statements"] == 0
    assert "módulo.py" in files and "lib/tab\tname.py" in files
    assert "\\u00f3" in theirs.decode()  # ensure_ascii
    shapes = files["shapes.py"]
    assert {"Shape.Meta.describe", "Shape.Meta.describe.helper", "twice", "coro"} <= set(shapes["functions"])
    assert any(name.startswith("twice@") for name in shapes["functions"])
    assert {"Shape", "Shape.Meta", "Empty", "Later", ""} <= set(shapes["classes"])
    assert shapes["excluded_lines"]
    assert any("@" in name for name in shapes["functions"] if name.startswith("stub"))
    if "branch" in run or run == "context":
        assert shapes["functions"]["outer"]["executed_branches"]
        assert doc["totals"]["num_partial_branches"] > 0
    contexts = shapes["contexts"]
    assert contexts and all(names == (["ctx"] if run == "context" else [""]) for names in contexts.values())


@pytest.mark.parametrize("program", PROGRAM_NAMES)
@pytest.mark.parametrize("branch", [True, False], ids=["branch", "line"])
def test_branch_program_documents_are_identical(
    program: str, branch: bool, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path
) -> None:
    shutil.copy(PROGRAMS / program, tmp_path / program)
    coverage_cmd(oracle_bin, tmp_path, "run", *(["--branch"] if branch else []), program)
    theirs, ours = both_json(tmp_path, oracle_bin, ferrocov_bin)
    assert b'"executed_lines": [' in theirs
    assert (b'"executed_branches": ' in theirs) == branch
    assert normalized(ours) == normalized(theirs)


def test_our_own_measurement_reports_the_same(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """End to end: each tool measures and reports the project itself."""
    documents = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side / "proj"
        write_project(root)
        assert coverage_cmd(bin_dir, root, "run", "--branch", "--source=.", "main.py").returncode == 0
        assert coverage_cmd(bin_dir, root, "json", "--pretty-print").returncode == 0
        documents.append(normalized((root / "coverage.json").read_bytes()))
    assert documents[1] == documents[0]


# -- the API --------------------------------------------------------------------

API_SCRIPT = """
import contextlib, io, json, warnings
import coverage
warnings.simplefilter("ignore")
cov = coverage.Coverage()
cov.load()
out = {}
out["default"] = cov.json_report()
out["named"] = cov.json_report(outfile="sub/dir/named.json")
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    out["stdout"] = cov.json_report(outfile="-")
out["stdout_text"] = buf.getvalue()
out["morfs"] = cov.json_report(morfs=["app/util2.py", "lib/full.py"], outfile="morfs.json")
out["include"] = cov.json_report(include=["app/*"], outfile="include.json")
out["omit"] = cov.json_report(omit="app/*", outfile="omit.json")
out["pretty"] = cov.json_report(pretty_print=True, outfile="pretty.json")
out["contexts"] = cov.json_report(show_contexts=True, contexts=["."], outfile="contexts.json")
out["no_statements"] = cov.json_report(morfs=["app/__init__.py"], outfile="nostmts.json")
try:
    cov.json_report(include="nothing/*", outfile="none.json")
except Exception as exc:
    out["nodata"] = [type(exc).__name__, str(exc)]
with open("broken.py", "w") as broken:
    broken.write("def f(:\\n")
out["broken"] = cov.json_report(ignore_errors=True, outfile="ignored.json")
try:
    cov.json_report(outfile="broken.json")
except Exception as exc:
    out["broken_error"] = type(exc).__name__
print(json.dumps(out))
"""

API_OUTPUTS = [
    "coverage.json",
    "sub/dir/named.json",
    "morfs.json",
    "include.json",
    "omit.json",
    "pretty.json",
    "contexts.json",
    "nostmts.json",
    "ignored.json",
]


def test_api_matches(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """`Coverage.json_report()`: return values (0 for no statements),
    outfile handling, morfs, include/omit/pretty_print/show_contexts,
    ignore_errors and errors, as coverage.py."""
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
        outputs = {name: normalized((root / name).read_bytes()) for name in API_OUTPUTS}
        result = json.loads(proc.stdout)
        result["stdout_text"] = normalized(result["stdout_text"].encode()).decode()
        results[side] = (
            proc.stdout.count('"no_statements": 0,'),
            result,
            outputs,
            sorted(p.name for p in root.glob("*.json")),
        )
    theirs, ours = results["oracle"], results["ours"]
    assert theirs[0] == 1  # the int 0, not 0.0
    assert theirs[1]["nodata"] == ["NoDataError", "No data to report."]
    assert theirs[1]["broken_error"] == "NotPython"
    assert "broken.json" not in theirs[3] and "none.json" not in theirs[3]
    assert theirs[1]["morfs"] != theirs[1]["default"]
    assert ours == theirs


# -- the command line -----------------------------------------------------------


def cli_cases() -> list[list[str]]:
    return [
        ["json"],
        ["json", "-q"],
        ["json", "-o", "-"],
        ["json", "-o", "out/c.json"],
        ["json", "--pretty-print"],
        ["json", "--show-contexts"],
        ["json", "--contexts=x", "--show-contexts"],
        ["json", "--fail-under=90"],
        ["json", "--fail-under=50"],
        ["json", "--fail-under=90", "-q"],
        ["json", "-i"],
        ["json", "--include=app/*", "--omit=*/deep/*"],
        ["json", "--include=nothing/*"],
        ["json", "--skip-empty"],
        ["json", "--data-file=other.data"],
        ["json", "--rcfile=alt.rc"],
        ["json", "--rcfile=failing.rc"],
        ["json", "app/util2.py", "lib/full.py"],
        ["json", "--data-file=missing.data"],
    ]


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory, oracle_bin: Path) -> Path:
    root = tmp_path_factory.mktemp("json-cli") / "proj"
    write_project(root)
    assert coverage_cmd(oracle_bin, root, "run", "--branch", "--source=.", "main.py").returncode == 0
    shutil.copy(root / ".coverage", root / "other.data")
    (root / "alt.rc").write_text("[json]\noutput = alt.json\npretty_print = true\n", encoding="utf-8")
    (root / "failing.rc").write_text("[report]\nfail_under = 99.5\nprecision = 1\n", encoding="utf-8")
    return root


def _written(root: Path) -> list[Path]:
    return sorted([*root.glob("*.json"), *root.glob("out/*.json")])


@pytest.mark.parametrize("args", cli_cases(), ids=lambda a: " ".join(a[1:]) or "plain")
def test_cli_matches(cli_project: Path, args: list[str], oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Messages, exit codes and the files written, side by side."""
    root = cli_project
    outcomes = []
    for bin_dir in (oracle_bin, ferrocov_bin):
        for stale in _written(root):
            stale.unlink()
        proc = coverage_cmd(bin_dir, root, *args)
        written = {str(path.relative_to(root)): normalized(path.read_bytes()) for path in _written(root)}
        outcomes.append((proc.returncode, normalized(proc.stdout.encode()), proc.stderr, written))
    theirs, ours = outcomes
    assert ours == theirs


def test_cli_exit_codes_are_coverage_pys(cli_project: Path, oracle_bin: Path) -> None:
    codes = {
        tuple(args): coverage_cmd(oracle_bin, cli_project, *args).returncode
        for args in (["json", "-q"], ["json", "--include=nothing/*"], ["json", "--fail-under=90", "-q"])
    }
    assert codes == {("json", "-q"): 0, ("json", "--include=nothing/*"): 1, ("json", "--fail-under=90", "-q"): 2}


def test_no_data_file_at_all(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    results = [coverage_cmd(bin_dir, tmp_path, "json") for bin_dir in (oracle_bin, ferrocov_bin)]
    theirs, ours = ((r.returncode, r.stdout, r.stderr) for r in results)
    assert theirs == (1, "No data to report.\n", "")
    assert ours == theirs
    assert not (tmp_path / "coverage.json").exists()
