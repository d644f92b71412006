"""The annotate report (`coverage annotate`, `Coverage.annotate`) against coverage.py 7.17.3.

Programs are measured by the oracle; then a copy of the measured tree is
annotated by the oracle and another by ferrocov from the same data, and
every `,cover` file written (next to the sources, or flat under `-d`) must
be byte-identical, as must the messages and exit codes. The programs cover
blank and comment lines, continuation lines, docstrings, `else:` lines
(run and missing, with comments), excluded code, decorators, non-ASCII
text, Python's extra line ends, a coding cookie, CRLF sources, include and
omit, a syntax error with and without `-i`, and the branch programs under
tests/branch_programs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from test_cli_support import clean_env, write_files
from test_report_xml_differential import PROGRAM_NAMES, PROGRAMS, coverage_cmd

SOURCES = {
    "main.py": '''\
"""Module docstring
spread over lines."""
import pkg.mod, pkg.sub.deep, odd, crlf
from pkg.mod import h, k

# a comment


def f(a,
      b):
    if a:
        return (a +
                b)
    else:  # comment after else
        return 0


@staticmethod
def never():
    x = 1
    return x


h(2)
h(1)
k(0)
f(1, 2)
if __name__ == "__main__":
    print("main")
else:
    print("imported")
''',
    "pkg/__init__.py": "",
    "pkg/mod.py": """\
def h(x):
    if 0:  # pragma: no cover
        pass
    if x == 1:
        a = 1
    else:
        a = 2
    return a


def k(x):
    try:
        y = 1 / x
    except ZeroDivisionError:
        y = 0
    else :
        y += 1
    finally:
        pass
    while False:
        z = 1
    else:
        z = 2
    for _ in []:
        pass
    else:
        z += 1
    return y, z


def excluded():  # pragma: no cover
    return 1


class C:
    \"\"\"Doc.\"\"\"

    def m(self):
        return 1
""",
    "pkg/sub/__init__.py": "# only a comment\n",
    "pkg/sub/deep.py": "VALUE = {\n    'a': 1,\n}\nOTHER = [i for i in range(3)\n         if i]\n",
    "odd.py": "# -*- coding: utf-8 -*-\ns = 'héllo wörld'\nt = 1 \\\n    + 2\nu = 'x'; v = 'y'\nw = 3  # \u00e9\u2028 tail\n",
    "unrun.py": "def a():\n    return 1\n\n\nclass B:\n    pass\n",
}


def write_sources(root: Path) -> None:
    write_files(root, SOURCES)
    (root / "crlf.py").write_bytes(b"a = 1\r\nif a:\r\n    b = 2\r\nelse:\r\n    b = 3\r\n")


def covers(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*,cover"))}


def both_annotate(measured: Path, tmp: Path, oracle_bin: Path, ferrocov_bin: Path, *args: str):
    """Per side: (exit code, stdout, stderr, {relative path: bytes} of ,cover files)."""
    outcomes = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp / side
        shutil.copytree(measured, root)
        proc = coverage_cmd(bin_dir, root, "annotate", *args)
        outcomes.append(
            (
                proc.returncode,
                proc.stdout.replace(str(root), "ROOT"),
                proc.stderr.replace(str(root), "ROOT"),
                covers(root),
            )
        )
    return outcomes


@pytest.fixture(scope="module")
def measured(tmp_path_factory, oracle_bin: Path):
    done: dict[bool, Path] = {}

    def get(branch: bool) -> Path:
        if branch not in done:
            root = tmp_path_factory.mktemp("annotate") / "proj"
            write_sources(root)
            # Relative names in the data, so copies of the tree report themselves.
            (root / ".coveragerc").write_text("[run]\nrelative_files = True\n", encoding="utf-8")
            proc = coverage_cmd(oracle_bin, root, "run", "--source=.", *(["--branch"] if branch else []), "main.py")
            assert proc.returncode == 0, proc.stdout + proc.stderr
            done[branch] = root
        return done[branch]

    return get


CLI_CASES = {
    "plain": [],
    "dir": ["-d", "out/annotated"],
    "include": ["--include=pkg/*"],
    "omit": ["--omit=pkg/*,odd.py", "-d", "out"],
    "morfs": ["pkg/mod.py", "odd.py"],
    "nothing": ["--include=nothing/*"],
}


@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
@pytest.mark.parametrize("case", list(CLI_CASES))
def test_cli_matches(measured, case: str, branch: bool, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    theirs, ours = both_annotate(measured(branch), tmp_path, oracle_bin, ferrocov_bin, *CLI_CASES[case])
    if case == "nothing":
        assert theirs[:3] == (1, "No data to report.\n", "")
    else:
        assert theirs[0] == 0 and theirs[3], theirs
    if case == "plain":
        text = theirs[3]["pkg/mod.py,cover"].decode()
        assert "! " in text and "- " in text and "> " in text and "\n  \n" in text
    assert ours == theirs


def test_unrun_file_and_syntax_error(measured, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """A measured file that no longer parses: an error without -i (files
    before it still written), a warning with it."""
    base = tmp_path / "base"
    shutil.copytree(measured(False), base)
    (base / "odd.py").write_text("def f(:\n", encoding="utf-8")
    for args in ([], ["-i"], ["-i", "-d", "ann"]):
        theirs, ours = both_annotate(base, tmp_path / "-".join(args or ["none"]), oracle_bin, ferrocov_bin, *args)
        assert (theirs[0] == 0) == bool(args), theirs
        # Warnings: their text only (not the Python line that issued them);
        # the relative_files name vs our canonical one is the shared glue's.
        theirs, ours = ((*side[:2], warnings_in(side[2]), side[3]) for side in (theirs, ours))
        if not args:
            # The parse error's own wording is the analysis engine's (its
            # parser's message, the canonical file name), not this report's.
            assert theirs[1].startswith("Couldn't parse '") and ours[1].startswith("Couldn't parse '")
            assert "odd.py' as Python source: " in ours[1]
            theirs, ours = (theirs[0], theirs[2], theirs[3]), (ours[0], ours[2], ours[3])
        assert ours == theirs


def test_absolute_names_next_to_the_sources(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Data with absolute names (no relative_files): each side measures its own tree."""
    outcomes = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side
        write_sources(root)
        assert coverage_cmd(oracle_bin, root, "run", "--source=.", "main.py").returncode == 0
        proc = coverage_cmd(bin_dir, root, "annotate", "--omit=odd.py")
        outcomes.append((proc.returncode, proc.stdout, proc.stderr, covers(root)))
    theirs, ours = outcomes
    assert theirs[0] == 0 and "pkg/mod.py,cover" in theirs[3]
    assert ours == theirs


def warnings_in(stderr: str) -> list[str]:
    marker = "CoverageWarning: "
    return [line.split(marker, 1)[1].replace("ROOT/", "") for line in stderr.splitlines() if marker in line]


def test_branch_programs(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """Every branch program measured (with branches) into one data file."""
    base = tmp_path / "base"
    base.mkdir()
    for program in PROGRAM_NAMES:
        shutil.copy(PROGRAMS / program, base / program)
    procs = [
        subprocess.Popen(
            [str(oracle_bin / "coverage"), "run", "-p", "--branch", program],
            cwd=base,
            env=clean_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for program in PROGRAM_NAMES
    ]
    for proc in procs:
        proc.wait(timeout=120)
    assert coverage_cmd(oracle_bin, base, "combine", "-q").returncode == 0
    theirs, ours = both_annotate(base, tmp_path, oracle_bin, ferrocov_bin, "-i", "-d", "ann")
    assert len(theirs[3]) >= len(PROGRAM_NAMES) - 2
    assert ours == theirs


API_SCRIPT = """
import warnings, coverage
warnings.simplefilter("ignore")
cov = coverage.Coverage()
cov.load()
cov.annotate(directory="api1")
cov.annotate(morfs=["pkg/mod.py"], directory="api2")
cov.annotate(include=["pkg/*"], omit="*/deep*", directory="api3")
try:
    cov.annotate(include="nothing/*")
except Exception as exc:
    print(type(exc).__name__, exc)
print(cov.annotate(omit="pkg/*"))
"""


def test_api_matches(measured, tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    results = []
    for side, bin_dir in (("oracle", oracle_bin), ("ours", ferrocov_bin)):
        root = tmp_path / side
        shutil.copytree(measured(True), root)
        proc = subprocess.run(
            [str(bin_dir / "python"), "-c", API_SCRIPT], cwd=root, env=clean_env(), capture_output=True, text=True
        )
        results.append((proc.returncode, proc.stdout, proc.stderr, covers(root)))
    theirs, ours = results
    assert theirs[1] == "NoDataError No data to report.\nNone\n"
    assert ours == theirs


def test_pytest_cov_report_annotate(tmp_path: Path, oracle_bin: Path, ferrocov_bin: Path) -> None:
    """`pytest --cov-report=annotate:DIR` writes what the oracle's `coverage
    annotate -d DIR` writes from the same data file."""
    write_files(tmp_path, {"m.py": SOURCES["pkg/mod.py"], "test_m.py": "import m\n\ndef test_h():\n    m.h(1)\n"})
    proc = subprocess.run(
        [str(ferrocov_bin / "python"), "-m", "pytest", "-q", "-p", "no:xdist", "--cov=.", "--cov-report=annotate:ann"],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Coverage annotated source written to dir ann\n" in proc.stdout
    ours = covers(tmp_path / "ann")
    assert coverage_cmd(oracle_bin, tmp_path, "annotate", "-d", "theirs").returncode == 0
    theirs = covers(tmp_path / "theirs")
    assert set(theirs) == {"m.py,cover", "test_m.py,cover"}
    assert ours == theirs
