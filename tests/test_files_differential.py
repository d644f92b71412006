"""coverage.files through the installed wheel, compared with coverage.py 7.17.3.

Each probe runs the same operations in a subprocess under both tools, in the
same scratch directory, and the answers must be equal: glob matching,
pattern preparation, path naming, `[paths]` aliasing (with its debug
messages) and Python file discovery.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PATTERNS = [
    "*.py",
    "*/sub2/*",
    "a/b/c.py",
    "a/*/c.py",
    "a/**/c.py",
    "**/c.py",
    "*/c.py",
    "c.py",
    "?.py",
    "[ab].py",
    "a/[!x]*.py",
    "a/[a-c]/d.py",
    "/tmp/proj/*",
    "/tmp/proj/**/*.py",
    "*",
    "**/*",
    "a\\b\\c.py",
    "*\\foo.py",
    "foo/**",
    "foo/**/bar",
    "x.y+z(1).py",
    "dir with space/*.py",
    "ü/*.py",
    "*.PY",
    "src/a*/*.py",
    "/*",
    "*test*",
    "*/tests/*",
    "./src/*",
    "../x/*.py",
    "a&&b/*",
    "a/[x-z]&&/*",
    "$weird{1}^/*.py",
    "a|b.py",
]
PATHS = [
    "a/b/c.py",
    "a\\b\\c.py",
    "a/x/y/c.py",
    "c.py",
    "x/c.py",
    "b.py",
    "ab.py",
    "a/y.py",
    "a/x.py",
    "/tmp/proj/m.py",
    "/tmp/proj/sub/m.py",
    "/tmp/projx/m.py",
    "foo/x/bar",
    "foo",
    "foo/",
    "x.y+z(1).py",
    "dir with space/q.py",
    "ü/q.py",
    "Q.PY",
    "src/abc/q.py",
    "src/q.py",
    "a/b/",
    "test_x.py",
    "z/tests/t.py",
    "./src/m.py",
    "../x/m.py",
    "a&&b/z",
    "/",
    "",
    "C:\\a\\b\\c.py",
    "$weird{1}^/m.py",
    "a|b.py",
    "a/b/c.pyc",
]
BAD_PATTERNS = ["***", "a**", "**a", "**/**", "a[", "x]y", "a/***/b", "foo**/*", "*/**x", "[[]x].py"]

PROBE = textwrap.dedent(
    r"""
    import json, os, sys
    from coverage import files
    from coverage.exceptions import ConfigError
    task = json.load(open(sys.argv[1]))
    files.set_relative_directory()

    def glob_table(t):
        out = []
        for pat, ci, partial in t["cases"]:
            try:
                rx = files.globs_to_regex(pat, case_insensitive=ci, partial=partial)
            except ConfigError as exc:
                out.append(str(exc))
                continue
            out.append([bool(rx.match(p)) for p in t["paths"]])
        return out

    def matchers(t):
        prepped = files.prep_patterns(t["patterns"])
        gm = files.GlobMatcher(prepped, "x")
        tm = files.TreeMatcher(t["trees"], "t")
        mm = files.ModuleMatcher(t["modules"], "m")
        return {
            "prepped": prepped,
            "glob": [gm.match(p) for p in t["paths"]],
            "glob_canonical": [gm.match(files.canonical_filename(p)) for p in t["paths"]],
            "tree": [tm.match(p) for p in t["paths"]],
            "tree_info": tm.info(), "str": [str(gm), str(tm), repr(mm)],
            "modules": [mm.match(m) for m in t["module_names"]],
        }

    def naming(t):
        return {
            p: [files.abs_file(p), files.canonical_filename(p), files.relative_filename(files.abs_file(p)),
                files.relative_filename(p), files.source_exists(p)]
            for p in t["paths"]
        } | {"relative_directory": files.relative_directory()}

    def aliases(t):
        out = []
        for relative, rules, paths, existing in t["cases"]:
            msgs = []
            al = files.PathAliases(debugfn=msgs.append, relative=relative)
            try:
                for pattern, result in rules:
                    al.add(pattern, result)
            except ConfigError as exc:
                out.append(str(exc))
                continue
            exists = (lambda p: True) if existing is None else (lambda p: p in existing)
            mapped = [al.map(p, exists=exists) for p in paths]
            out.append([mapped, msgs])
        return out

    def walk(t):
        # Unsorted: both walk the same directories, so the order must agree too.
        return [list(files.find_python_files(d, ns)) for d, ns in t["cases"]]

    def report_filter(t):
        try:
            from ferrocov._engine import ReportFilter
        except ImportError:
            # coverage's get_analysis_to_report filtering.
            inc = files.GlobMatcher(files.prep_patterns(t["include"])) if t["include"] else None
            omit = files.GlobMatcher(files.prep_patterns(t["omit"])) if t["omit"] else None
            keep = lambda p: (inc is None or inc.match(p)) and not (omit and omit.match(p))
        else:
            keep = ReportFilter(t["include"], t["omit"]).keep
        return [bool(keep(p)) for p in t["paths"]]

    print(json.dumps(globals()[task["kind"]](task)))
    """
)


def _probe(python: Path | str, workdir: Path, task: dict) -> object:
    (workdir / "task.json").write_text(json.dumps(task))
    (workdir / "probe.py").write_text(PROBE)
    out = subprocess.run(
        [str(python), str(workdir / "probe.py"), str(workdir / "task.json")],
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _both(oracle_python: Path, workdir: Path, task: dict) -> tuple[object, object]:
    return _probe(oracle_python, workdir, task), _probe(sys.executable, workdir, task)


def _make_tree(root: Path) -> None:
    for rel in [
        "sub/a.py",
        "sub/b.py",
        "sub/x.c",
        "sub/ssub/__init__.py",
        "sub/ssub/s.py",
        "sub/ssub/~s.py",
        "sub/lab/exp.py",
        "sub/windows.pyw",
        "sub/ssub/deeper/__init__.py",
        "sub/ssub/deeper/d.py",
        "sub/ssub/nopkg/n.py",
        "sub/odd name.py",
        "sub/a.b.py",
        "sub/.hidden.py",
        "sub/#x#.py",
        "src/zipfiles/code.zip",
        "real/pkg/m.py",
        "real/__init__.py",
    ]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")
    os.symlink(root / "real", root / "link")
    os.symlink(root / "real/pkg", root / "sub/linked_pkg")
    os.symlink("missing_target", root / "dangling")
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.symlink("sub/../real/./pkg", root / "dotted_link")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    _make_tree(tmp_path)
    return tmp_path


def test_globs_to_regex_equals_the_oracle(oracle_python: Path, workdir: Path) -> None:
    cases = [[[p], ci, partial] for p, ci, partial in itertools.product(PATTERNS, (False, True), (False, True))]
    cases += [[[p], False, False] for p in BAD_PATTERNS]
    cases += [[PATTERNS[:5], False, False], [[f"*x{i:03d}*.txt" for i in range(500)], False, False]]
    task = {"kind": "glob_table", "cases": cases, "paths": PATHS + ["q/x499.txt", "x500.txt"]}
    oracle, ours = _both(oracle_python, workdir, task)
    assert sum(isinstance(r, str) for r in oracle) == len(BAD_PATTERNS)
    assert sum(True in r for r in oracle if isinstance(r, list)) > 100
    for case, expected, got in zip(cases, oracle, ours):
        assert got == expected, case


def test_matchers_equal_the_oracle(oracle_python: Path, workdir: Path) -> None:
    task = {
        "kind": "matchers",
        "patterns": ["sub/*", "*.pyw", "real/pkg/*", "?ub/ssub/*", "/abs/*", "link/*"],
        "trees": ["sub/ssub", "link", "real/pkg/m.py", "sub3", "sub10", "sub2"],
        "modules": ["test", "py.test", "mymain"],
        "module_names": [
            "test",
            "trash",
            "testing",
            "test.x",
            "py",
            "py.t",
            "py.test",
            "py.testing",
            "py.test.buz",
            "__main__",
            "mymain",
            "",
            "mymain.x.y",
        ],
        "paths": [
            "sub/a.py",
            "sub/ssub/s.py",
            "sub/ssub",
            "sub/ssubx/a.py",
            "link/pkg/m.py",
            "real/pkg/m.py",
            "sub/windows.pyw",
            "elsewhere.py",
            "/abs/x.py",
            "sub/linked_pkg/m.py",
            "dangling",
            "./sub/a.py",
        ],
    }
    oracle, ours = _both(oracle_python, workdir, task)
    assert ours == oracle
    assert any(oracle["glob"]) and not all(oracle["glob"])


def test_path_naming_equals_the_oracle(oracle_python: Path, workdir: Path) -> None:
    task = {
        "kind": "naming",
        "paths": [
            "sub/a.py",
            "./sub/../sub/a.py",
            "link/pkg/m.py",
            "sub/linked_pkg/m.py",
            "dangling",
            "dangling/x.py",
            "missing/dir/../file.py",
            "src/zipfiles/code.zip/p1.py",
            "src/zipfiles/other.zip/p1.py",
            str(workdir / "link/pkg/../pkg/m.py"),
            "/",
            ".",
            "..",
            "//double/slash.py",
            "json/__init__.py",
            "sub//a.py",
            "loop_a/x.py",
            "loop_b",
            "dotted_link/m.py",
            "link/../sub/a.py",
        ],
    }
    oracle, ours = _both(oracle_python, workdir, task)
    assert ours == oracle


ALIAS_CASES = [
    # relative, rules, paths, existing paths (None: everything exists)
    [False, [], ["/ned/home/a.py"], None],
    [True, [], ["/ned/home/a.py", "proj/a.py", "x.py"], None],
    [False, [["/home/*/src", "./mysrc"]], ["/home/foo/a.py", "/home/foo/srcetc", "/home/foo/src/a.py"], None],
    [True, [["/ned/home/*/src/", "./mysrc"]], ["/ned/home/foo/src/a.py"], None],
    [False, [["/ci/src", "./mysrc"]], ["/ci/src/vendor/ci/src/a.py"], None],
    [True, [["/ci/src", "./mysrc"]], ["/ci/src/vendor/ci/src/a.py", "foo/src/a.py"], []],
    [False, [["*/project", "."]], ["/ned/home/project/src/a.py"], None],
    [True, [["*/project", "."]], ["/ned/home/project/src/a.py"], None],
    [True, [[".tox/*/site-packages", "src"]], [".tox/py314/site-packages/proj/a.py"], None],
    [False, [["/ned/home/*/", "x"]], [], None],
    [False, [["/ned/home/*", "x"]], [], None],
    [False, [["c:\\Zoo\\boo", "src/"], ["/home/ned$", "src/"]], ["c:\\Zoo\\boo\\foo.py", "/home/ned$/foo.py"], None],
    [False, [["/home/ned/*/src", "./mysrc"], ["c:\\ned\\src", "./mysrc"]], ["C:\\Ned\\src\\sub\\a.py"], None],
    [True, [["/home/ned/*/src", ".\\mysrc"], ["c:\\ned\\src", ".\\mysrc"]], ["/home/ned/foo/src/sub/a.py"], None],
    [
        False,
        [["*/project/module/", "project/module/"], ["*\\project\\module\\", "project/module/"]],
        ["C:\\a\\path\\somewhere\\coveragepy_test\\project\\module\\tests\\file.py"],
        None,
    ],
    [True, [], ["project\\module\\tests\\file.py", "project/module/tests/file.py"], None],
    [False, [["/home/jenkins/*/a/*/b/*/django", "./django"]], ["/home/jenkins/xx/a/yy/b/zz/django/foo/bar.py"], None],
    [True, [["X:\\", "/tmp/src"]], ["X:\\a\\file.py", "X:\\file.py"], None],
    [False, [["*/d1", "./mysrc1"], ["*/d2", "./mysrc2"]], ["/foo/bar/d1/x.py", "/foo/bar/d2/y.py"], None],
    [False, [[".", "/the/source"]], ["WORKDIR/a.py"], None],
    [False, [["..", "/the/source"]], ["WORKDIR/../a.py"], None],
    [False, [["/", "/the/source"]], ["/a.py"], None],
    [False, [["*/d1", "./src"], ["*/d2", "./src"]], ["tox/d1/zipfiles/code.zip/p1.py"], "real"],
    [False, [["/one/*/src", "./first"], ["/one/x", "./second"]], ["/one/x/src/a.py"], ["WORKDIR/second/src/a.py"]],
    [True, [["sub", "elsewhere"]], ["sub/a.py", "WORKDIR/sub/a.py"], ["elsewhere/a.py"]],
]


def test_path_aliases_equal_the_oracle(oracle_python: Path, workdir: Path) -> None:
    real = os.path.realpath(workdir)
    cases = []
    for relative, rules, paths, existing in ALIAS_CASES:
        paths = [p.replace("WORKDIR", real) for p in paths]
        if existing == "real":
            existing = [str(Path(real) / "src/zipfiles/code.zip/p1.py")]
        elif existing is not None:
            existing = [p.replace("WORKDIR", real) for p in existing]
        cases.append([relative, rules, paths, existing])
    oracle, ours = _both(oracle_python, workdir, {"kind": "aliases", "cases": cases})
    assert sum(isinstance(r, str) for r in oracle) == 2
    for case, expected, got in zip(cases, oracle, ours):
        assert got == expected, case


def test_find_python_files_equals_the_oracle(oracle_python: Path, workdir: Path) -> None:
    task = {
        "kind": "walk",
        "cases": [
            ["sub", False],
            ["sub", True],
            [str(workdir), False],
            ["link", False],
            ["nonexistent", False],
            ["sub/a.py", False],
        ],
    }
    oracle, ours = _both(oracle_python, workdir, task)
    assert ours == oracle
    assert len(oracle[0]) > 3


@pytest.mark.parametrize(
    "include, omit",
    [([], []), (["sub/*"], []), ([], ["*/ssub/*", "real/*"]), (["*.py", "src/*"], ["sub/a.py"]), (["?ub/*"], ["*"])],
)
def test_report_filter_equals_the_oracle(oracle_python: Path, workdir: Path, include: list, omit: list) -> None:
    real = os.path.realpath(workdir)
    paths = [
        "sub/a.py",
        f"{real}/sub/a.py",
        "sub/ssub/s.py",
        f"{real}/real/pkg/m.py",
        "real/pkg/m.py",
        "src/zipfiles/code.zip",
        "/elsewhere/x.py",
        "x.py",
        "sub/x.c",
    ]
    task = {"kind": "report_filter", "include": include, "omit": omit, "paths": paths}
    oracle, ours = _both(oracle_python, workdir, task)
    assert ours == oracle
