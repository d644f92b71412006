"""The XML report (`coverage xml`, `Coverage.xml_report`) against coverage.py 7.17.3.

Programs are measured by the oracle; then the oracle's `coverage xml` and
ours report the same data file in the same directory, and the documents
must be byte-identical once the `timestamp` and `version` attributes are
normalized. Measured projects cover nested packages (with `package_depth`
1, 2, 3 and the default), `[run] source` and `relative_files`, files
outside the current directory, include/omit, skip_empty, empty and
statement-free files, 0% and 100% files and names that need escaping; the
branch programs under tests/branch_programs are reported one by one. Our
documents are also validated against the Cobertura DTD coverage.py's own
tests use.
"""

from __future__ import annotations

import fcntl
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from test_cli_support import clean_env, write_files

PROGRAMS = Path(__file__).resolve().parent / "branch_programs"
PROGRAM_NAMES = sorted(p.name for p in PROGRAMS.glob("*.py"))
RUN_COMPAT = Path(__file__).resolve().parent / "compat" / "run_compat.py"

# Nested packages three deep, an empty file, a file of only comments, a
# never-imported (0%) file, fully covered files, names that sort
# differently by human and plain order (util2/util10), a name needing XML
# escaping, a non-ASCII name and a control character in a name.
PROJECT = {
    "main.py": """\
        import runpy
        import app.core.engine as engine
        import app.core.deep.leaf, app.util2, app.util10, lib.full, lib.comments_only, módulo
        engine.classify(5)
        engine.classify(-1)
        engine.loop(3)
        engine.partial(1)
        app.core.deep.leaf.f()
        app.util2.first()
        lib.full.run(1)
        lib.full.run(0)
        módulo.f()
        runpy.run_path("lib/odd&name's.py")
        runpy.run_path("lib/tab\\tname.py")
        """,
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/engine.py": """\
        def classify(n):
            if n > 0:
                kind = "positive"
            elif n < 0:
                kind = "negative"
            else:
                kind = "zero"
            return kind


        def loop(n):
            total = 0
            for i in range(n):
                if i % 2:
                    total += i
            while total > 100:
                total -= 1
            return total


        def partial(x):
            if x:
                x += 1
            return x


        def unused(x):
            try:
                return 1 / x
            except ZeroDivisionError:
                return None
        """,
    "app/core/deep/__init__.py": "",
    "app/core/deep/leaf.py": "def f():\n    return [i for i in range(3) if i]\n",
    "app/util2.py": "def first():\n    return 1\n\ndef second():\n    return 2\n",
    "app/util10.py": "def first():\n    return 1\n\ndef second():\n    return 2\n",
    "lib/__init__.py": "",
    "lib/never.py": "import os\n\ndef f():\n    if os.sep:\n        return os.sep\n",
    "lib/full.py": "def run(x):\n    if x:\n        return 1\n    return 0\n",
    "lib/comments_only.py": "# only a comment\n# and another\n",
    "lib/odd&name's.py": "x = 1\nif x == 2:\n    y = 3\n",
    "lib/tab\tname.py": "a = 1\nb = 2\n",
    "módulo.py": "def f():\n    return 3\n",
}

# Files outside the current directory, before and after it in sorted order:
# the first makes coverage.py add an empty <source>.
OUTSIDE = {
    "aaa_out/early.py": "def f():\n    return 1\n",
    "zzz_out/late.py": "def g():\n    return 2\n",
}
OUTSIDE_MAIN = """\
import sys
sys.path[:0] = ["../aaa_out", "../zzz_out"]
import early, late
early.f()
import app.util2
app.util2.first()
"""

# How the data is measured (`coverage run` options and config).
RUNS = {
    "line": ([], ""),
    "branch": (["--branch"], ""),
    "relative-branch": (["--branch"], "[run]\nrelative_files = True\n"),
    "outside": ([], ""),
}

# How the same data is reported: (rcfile text, `coverage xml` arguments).
REPORTS = {
    "default": ("", []),
    "depth1": ("[xml]\npackage_depth = 1\n", []),
    "depth2": ("[xml]\npackage_depth = 2\n", []),
    "depth3": ("[xml]\npackage_depth = 3\n", []),
    "skip-empty": ("", ["--skip-empty"]),
    "skip-empty-rc": ("[report]\nskip_empty = True\n[xml]\npackage_depth = 2\n", []),
    "include": ("", ["--include=app/*"]),
    "omit": ("", ["--omit=*/deep/*,main.py"]),
    "include-omit-rc": ("[report]\ninclude = app/*\n    lib/*\nomit = */util*\n", []),
    "source": ("[run]\nsource = app\n    lib/\n    not/really\n", []),
    # Only files under the source come before main.py, which adds the
    # current directory: for a file under both, coverage.py's choice
    # depends on set order (string hashes), so that case is not compared.
    "source-deep": ("[run]\nsource = app/core/deep\n[xml]\npackage_depth = 1\n", ["--include=app/core/deep/*,main.py"]),
}


def normalized(document: bytes) -> bytes:
    """The document with its `version` and `timestamp` attributes blanked."""
    return re.sub(rb'^(<coverage version=")[^"]*(" timestamp=")\d+"', rb'\1V\2T"', document, count=1, flags=re.M)


def coverage_cmd(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "coverage"), *args], cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=120
    )


def both_xml(root: Path, oracle_bin: Path, ferrocov_bin: Path, *args: str) -> tuple[bytes, bytes]:
    """(oracle's, ours) `coverage xml -o ... *args` in `root`, same data."""
    documents = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        out = f"{side}.xml"
        proc = coverage_cmd(bin_dir, root, "xml", "-o", out, *args)
        assert proc.returncode == 0, f"{side}: {proc.stdout}{proc.stderr}"
        assert proc.stderr == f"Wrote XML report to {out}\n", f"{side}: {proc.stderr}"
        documents.append((root / out).read_bytes())
    return documents[0], documents[1]


def report_rc(run: str, report: str) -> str:
    """The rcfile of one report of one run: the run's settings, then the report's."""
    rc_text = REPORTS[report][0]
    if "relative" in run:
        if "[run]\n" in rc_text:
            return rc_text.replace("[run]\n", "[run]\nrelative_files = True\n", 1)
        return "[run]\nrelative_files = True\n" + rc_text
    return rc_text


# Every report of every run, except `[run] source` with files outside the
# current directory: the first of those adds an empty <source>, which
# stands for the current directory and so contains every file under the
# configured sources too, and for a file under two sources coverage.py's
# choice depends on set order (string hashes), different from one run to
# the next. ferrocov tries the sources in the order they were added.
CASES = [(run, report) for run in RUNS for report in REPORTS if not (run == "outside" and report.startswith("source"))]


@pytest.fixture(scope="module")
def measure(tmp_path_factory, oracle_bin: Path):
    """`measure(run)`: the project measured by the oracle for that kind of
    run, once per module and worker."""
    done: dict[str, tuple[str, Path]] = {}

    def get(name: str) -> tuple[str, Path]:
        if name not in done:
            done[name] = _measured(name, tmp_path_factory, oracle_bin)
        return done[name]

    return get


def _measured(name: str, tmp_path_factory, oracle_bin: Path) -> tuple[str, Path]:
    """A project measured by the oracle, one directory per kind of run."""
    base = tmp_path_factory.mktemp(f"xml-{name}")
    # A directory name that needs escaping in <source> text.
    root = base / 'proj&"x'
    write_files(root, PROJECT)
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
    return name, root


@pytest.mark.parametrize(("run", "report"), CASES, ids=[f"{run}-{report}" for run, report in CASES])
def test_documents_are_identical(measure, run: str, report: str, oracle_bin: Path, ferrocov_bin: Path) -> None:
    _, root = measure(run)
    rcfile = root / f"report-{report}.rc"
    rcfile.write_text(report_rc(run, report), encoding="utf-8")
    theirs, ours = both_xml(root, oracle_bin, ferrocov_bin, f"--rcfile={rcfile.name}", *REPORTS[report][1])
    assert b"<class " in theirs
    assert normalized(ours) == normalized(theirs)


@pytest.mark.parametrize("run", list(RUNS))
def test_the_projects_exercise_what_they_claim(measure, run: str, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Guard against vacuous comparisons: the oracle's documents hold the
    cases the projects are meant to cover."""
    name, root = measure(run)
    theirs, _ = both_xml(root, oracle_bin, ferrocov_bin)
    if name == "outside":
        assert b"<source></source>" in theirs
        assert b'filename="aaa_out/early.py"' not in theirs  # named from the root, not the cwd
        return
    assert b'line-rate="0" ' in theirs  # lib/never.py
    assert b"<lines/>" in theirs  # empty files
    assert b"&amp;" in theirs and b"name's.py" in theirs
    assert b"tab?name.py" in theirs
    assert "módulo.py".encode() in theirs
    if "branch" in name:
        assert b'condition-coverage="50% (1/2)"' in theirs and b"missing-branches=" in theirs
        assert b'branch-rate="0.' in theirs
    if name.startswith("relative"):
        assert b"<source>" in theirs


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_branch_program_documents_are_identical(
    program: str, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path
) -> None:
    shutil.copy(PROGRAMS / program, tmp_path / program)
    coverage_cmd(oracle_bin, tmp_path, "run", "--branch", program)
    theirs, ours = both_xml(tmp_path, oracle_bin, ferrocov_bin)
    # Branch data, though not every program has a branch line left on
    # every Python version (comprehensions are inlined in 3.12+).
    assert b"branches-valid=" in theirs and b"<line " in theirs
    assert normalized(ours) == normalized(theirs)


def test_most_branch_programs_have_branch_lines() -> None:
    """The programs above are branchy: most have `if`/`for`/`while` lines."""
    branchy = [
        name for name in PROGRAM_NAMES if re.search(r"^\s*(if|for|while|elif) ", (PROGRAMS / name).read_text(), re.M)
    ]
    assert len(branchy) >= 50


def test_two_files_under_one_name(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Two sources holding the same relative name: one <class> (the later
    file's), the counts of both in its package and the totals."""
    write_files(
        tmp_path,
        {
            "a/m.py": "x = 1\nif x == 2:\n    y = 1\n",
            "b/m.py": "z = 1\n",
            "main.py": 'import runpy\nrunpy.run_path("a/m.py")\nrunpy.run_path("b/m.py")\n',
            ".coveragerc": "[run]\nsource = a\n    b\n",
        },
    )
    assert coverage_cmd(oracle_bin, tmp_path, "run", "main.py").returncode == 0
    theirs, ours = both_xml(tmp_path, oracle_bin, ferrocov_bin)
    assert theirs.count(b"<class ") == 1 and b'lines-valid="4"' in theirs
    assert normalized(ours) == normalized(theirs)


def test_our_own_measurement_reports_the_same(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """End to end: each tool measures and reports the project itself."""
    documents = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side / "proj"
        write_files(root, PROJECT)
        assert coverage_cmd(bin_dir, root, "run", "--branch", "--source=.", "main.py").returncode == 0
        assert coverage_cmd(bin_dir, root, "xml").returncode == 0
        documents.append((root / "coverage.xml").read_bytes().replace(os.fsencode(root), b"<ROOT>"))
    assert normalized(documents[1]) == normalized(documents[0])


# -- the API --------------------------------------------------------------------

API_SCRIPT = """
import contextlib, io, json, warnings
import coverage
warnings.simplefilter("ignore")
cov = coverage.Coverage()
cov.load()
out = {}
out["default"] = cov.xml_report()
out["named"] = cov.xml_report(outfile="sub/dir/named.xml")
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    out["stdout"] = cov.xml_report(outfile="-")
out["stdout_text"] = buf.getvalue()
out["morfs"] = cov.xml_report(morfs=["app/util2.py", "lib/full.py"], outfile="morfs.xml")
out["include"] = cov.xml_report(include=["app/*"], outfile="include.xml")
out["omit"] = cov.xml_report(omit="app/*", outfile="omit.xml")
out["skip_empty"] = cov.xml_report(skip_empty=True, outfile="skip_empty.xml")
try:
    cov.xml_report(include="nothing/*", outfile="none.xml")
except Exception as exc:
    out["nodata"] = [type(exc).__name__, str(exc)]
with open("broken.py", "w") as broken:
    broken.write("def f(:\\n")
out["broken"] = cov.xml_report(ignore_errors=True, outfile="ignored.xml")
try:
    cov.xml_report(outfile="broken.xml")
except Exception as exc:
    out["broken_error"] = type(exc).__name__
print(json.dumps(out))
"""

API_OUTPUTS = ["coverage.xml", "sub/dir/named.xml", "morfs.xml", "include.xml", "omit.xml", "skip_empty.xml"]


def test_api_matches(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """`Coverage.xml_report()`: return values, outfile handling, morfs,
    include/omit/skip_empty/ignore_errors and errors, as coverage.py."""
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
        outputs = {
            name: normalized((root / name).read_bytes()).replace(os.fsencode(root), b"<ROOT>") for name in API_OUTPUTS
        }
        outputs["ignored.xml"] = normalized((root / "ignored.xml").read_bytes()).replace(os.fsencode(root), b"<ROOT>")
        result = json.loads(proc.stdout)
        result["stdout_text"] = normalized(result["stdout_text"].encode()).replace(os.fsencode(root), b"<ROOT>")
        results[side] = (result, outputs, sorted(p.name for p in root.glob("*.xml")))
    theirs, ours = results["oracle"], results["ours"]
    assert theirs[0]["nodata"] == ["NoDataError", "No data to report."]
    assert theirs[0]["broken_error"] == "NotPython"
    assert "broken.xml" not in theirs[2] and "none.xml" not in theirs[2]
    assert theirs[0]["morfs"] != theirs[0]["default"]
    assert ours == theirs


# -- the command line -----------------------------------------------------------


def cli_cases() -> list[list[str]]:
    return [
        ["xml"],
        ["xml", "-q"],
        ["xml", "-o", "-"],
        ["xml", "-o", "out/c.xml"],
        ["xml", "--fail-under=90"],
        ["xml", "--fail-under=50"],
        ["xml", "--fail-under=90", "-q"],
        ["xml", "-i"],
        ["xml", "--include=app/*", "--omit=*/deep/*"],
        ["xml", "--include=nothing/*"],
        ["xml", "--skip-empty"],
        ["xml", "--data-file=other.data"],
        ["xml", "--rcfile=alt.rc"],
        ["xml", "--rcfile=failing.rc"],
        ["xml", "app/util2.py", "lib/full.py"],
        ["xml", "--data-file=missing.data"],
    ]


@pytest.fixture(scope="module")
def cli_project(tmp_path_factory, oracle_bin: Path) -> Path:
    """One measured project both tools' commands run in, in turn."""
    root = tmp_path_factory.mktemp("xml-cli") / "proj"
    write_files(root, PROJECT)
    assert coverage_cmd(oracle_bin, root, "run", "--branch", "--source=.", "main.py").returncode == 0
    shutil.copy(root / ".coverage", root / "other.data")
    (root / "alt.rc").write_text("[xml]\noutput = alt.xml\npackage_depth = 1\n", encoding="utf-8")
    (root / "failing.rc").write_text("[report]\nfail_under = 99.5\nprecision = 1\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("args", cli_cases(), ids=lambda a: " ".join(a[1:]) or "plain")
def test_cli_matches(cli_project: Path, args: list[str], oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Messages, exit codes and the files written, side by side."""
    root = cli_project
    outcomes = []
    for bin_dir in (oracle_bin, ferrocov_bin):
        for stale in [*root.glob("*.xml"), *root.glob("out/*.xml")]:
            stale.unlink()
        proc = coverage_cmd(bin_dir, root, *args)
        written = {
            str(path.relative_to(root)): normalized(path.read_bytes())
            for path in sorted([*root.glob("*.xml"), *root.glob("out/*.xml")])
        }
        outcomes.append((proc.returncode, normalized(proc.stdout.encode()), proc.stderr, written))
    theirs, ours = outcomes
    assert ours == theirs


def test_cli_exit_codes_are_coverage_pys(cli_project: Path, oracle_bin: Path) -> None:
    """What the matrix above compares includes each exit status."""
    codes = {
        tuple(args): coverage_cmd(oracle_bin, cli_project, *args).returncode
        for args in (["xml", "-q"], ["xml", "--include=nothing/*"], ["xml", "--fail-under=90", "-q"])
    }
    assert codes == {("xml", "-q"): 0, ("xml", "--include=nothing/*"): 1, ("xml", "--fail-under=90", "-q"): 2}


def test_no_data_file_at_all(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    results = [coverage_cmd(bin_dir, tmp_path, "xml") for bin_dir in (oracle_bin, ferrocov_bin)]
    theirs, ours = ((r.returncode, r.stdout, r.stderr) for r in results)
    assert theirs == (1, "No data to report.\n", "")
    assert ours == theirs
    assert not (tmp_path / "coverage.xml").exists()


# -- the Cobertura DTD ----------------------------------------------------------


def _coverage_sdist() -> Path:
    """The coverage.py sdist the compat runner caches (fetched once, locked)."""
    spec = importlib.util.spec_from_file_location("run_compat", RUN_COMPAT)
    assert spec is not None and spec.loader is not None
    run_compat = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("run_compat", run_compat)
    spec.loader.exec_module(run_compat)
    run_compat.ensure_cache_dir()
    with open(run_compat.CACHE_DIR / ".sdist.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return run_compat.fetch_sdist(None)


@pytest.fixture(scope="module")
def cobertura_dtd(tmp_path_factory) -> bytes:
    """coverage-04.dtd, as coverage.py's own XML tests validate with."""
    with tarfile.open(_coverage_sdist()) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/lab/coverage-04.dtd"))
        extracted = tar.extractfile(member)
        assert extracted is not None
        return extracted.read()


def dtd_errors(lxml_etree, dtd_text: bytes, path: Path) -> list[str]:
    """What the DTD finds wrong with the document at `path` (file names left out)."""
    dtd = lxml_etree.DTD(io.BytesIO(dtd_text))
    dtd.validate(lxml_etree.parse(str(path)))
    return sorted({f"{error.type_name}: {error.message}" for error in dtd.error_log})


@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
def test_our_documents_are_valid_cobertura(
    branch: bool, tmp_path: Path, cobertura_dtd: bytes, ferrocov_bin: Path, oracle_bin: Path
) -> None:
    """Line documents validate; branch documents carry coverage.py's own
    `missing-branches` attribute, which the DTD does not declare, and
    nothing else the DTD objects to (the oracle's say the same)."""
    lxml_etree = pytest.importorskip("lxml.etree", reason="lxml is not installed: the DTD check needs it")
    errors = {}
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side / "proj"
        write_files(root, PROJECT)
        run = ["run", "--source=.", *(["--branch"] if branch else []), "main.py"]
        assert coverage_cmd(bin_dir, root, *run).returncode == 0
        assert coverage_cmd(bin_dir, root, "xml").returncode == 0
        errors[side] = dtd_errors(lxml_etree, cobertura_dtd, root / "coverage.xml")
    document = lxml_etree.parse(str(tmp_path / "ours" / "proj" / "coverage.xml"))
    assert len(document.findall(".//class")) == sum(1 for name in PROJECT if name.endswith(".py"))
    if branch:
        unknown = "DTD_UNKNOWN_ATTRIBUTE: No declaration for attribute missing-branches of element line"
        assert errors["ours"] == [unknown]
    else:
        assert errors["ours"] == []
    assert errors["ours"] == errors["oracle"]
