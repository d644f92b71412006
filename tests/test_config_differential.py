"""The resolved configuration, ours against coverage.py 7.17.3's.

Each case is a scratch directory of config files plus environment and
`read_coverage_config` arguments; both implementations load it in a fresh
interpreter and report every public attribute, the warnings and any error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DUMP = textwrap.dedent(
    """
    import json, sys
    from coverage.config import read_coverage_config
    from coverage.exceptions import CoverageException
    spec = json.loads(sys.argv[1])
    warnings = []
    try:
        config = read_coverage_config(spec["config_file"], warnings.append, **spec["kwargs"])
    except CoverageException as exc:
        result = {"error": type(exc).__name__, "message": str(exc)}
    else:
        attrs = dict(config.debug_info())
        attrs["get_option"] = {name: config.get_option(name) for name in spec["get"]}
        result = {"attrs": attrs}
    result["warnings"] = warnings
    print(json.dumps(result, default=repr))
    """
)


def run_dump(python: Path, workdir: Path, spec: dict, env: dict[str, str]) -> dict:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    full_env.update(env)
    full_env.setdefault("HOME", "/home/tester")
    proc = subprocess.run(
        [str(python), "-c", DUMP, json.dumps(spec)], cwd=workdir, env=full_env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# (id, files, env, config_file, kwargs, option names to get_option)
CASES = [
    ("no-files", {}, {}, True, {}, []),
    ("disabled", {".coveragerc": "[run]\nbranch = 1\n"}, {}, False, {}, []),
    (
        "rc-every-type",
        {
            ".coveragerc": """\
                [run]
                branch = on
                command_line = -m pytest
                concurrency = thread, multiprocessing
                context = ctx
                core = ctrace
                cover_pylib = yes
                data_file = ~/data/.cov
                debug = trace
                    config
                debug_file = ~/debug.txt
                disable_warnings = no-data-collected
                dynamic_context = test_function
                parallel = True
                patch = subprocess
                plugins =
                relative_files = 1
                include = src/*
                omit = */tests/*,
                    */venv/*
                sigterm = on
                source = pkg1
                    pkg2
                source_pkgs = a.b
                source_dirs = dirs/
                timid = off

                [report]
                exclude_lines =
                    pragma: no cover

                    raise NotImplementedError
                exclude_also = if DEBUG:
                fail_under = 87.25
                format = markdown
                ignore_errors = true
                include_namespace_packages = True
                partial_branches_always = while 1:
                partial_branches = # partial
                partial_also = # also
                precision = 3
                contexts = a, b
                include = r/*
                omit = o/*
                show_missing = TRUE
                skip_covered = yes
                skip_empty = 1
                sort = -Cover

                [html]
                extra_css = x.css
                directory = ~/html
                skip_covered = no
                skip_empty = 0
                title = My ${NAME-Default} Report
                show_contexts = 1

                [xml]
                output = ~/c.xml
                package_depth = 4

                [json]
                output = out.json
                pretty_print = yes
                show_contexts = yes

                [lcov]
                output = out.lcov
                line_checksums = yes

                [paths]
                source =
                    src/
                    /ci/*/src
                    ~/alt
                other = a, b
                """
        },
        {"NAME": "Big"},
        True,
        {},
        ["run:branch", "report:exclude_lines", "paths"],
    ),
    (
        "toml-every-type",
        {
            "pyproject.toml": """\
                [tool.coverage.run]
                branch = true
                source = ["pkg", "${EXTRA}"]
                data_file = "~/d.cov"
                plugins = ["myplugin"]
                concurrency = ["gevent"]
                context = "$CTX"
                [tool.coverage.report]
                fail_under = 90
                precision = "2"
                show_missing = "true"
                exclude_also = ["if x:", "  "]
                omit = ["*/t/*"]
                [tool.coverage.html]
                directory = "h"
                [tool.coverage.xml]
                package_depth = 2
                [tool.coverage.paths]
                zzz = ["a", "~/b"]
                aaa = ["c"]
                [tool.coverage.myplugin]
                n = 1
                nested = { a = [1, 2] }
                s = "$CTX"
                [tool.other]
                x = 1
                """
        },
        {"EXTRA": "more", "CTX": "c1"},
        True,
        {},
        ["myplugin:n", "myplugin:s", "myplugin:missing", "report:fail_under"],
    ),
    (
        "coveragerc-toml",
        {".coveragerc.toml": "[run]\nbranch = true\n[tool.coverage.report]\nprecision = 1\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "setup-cfg-prefix",
        {"setup.cfg": "[run]\nbranch = 1\n[coverage:run]\nparallel = 1\n[coverage:report]\nprecision = 2\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "setup-cfg-without-settings-falls-through",
        {"setup.cfg": "[metadata]\nname = x\n", "tox.ini": "[coverage:run]\ntimid = true\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "coveragerc-beats-everything",
        {
            ".coveragerc": "[run]\nbranch = false\n",
            "setup.cfg": "[coverage:run]\nbranch = true\n",
            "pyproject.toml": "[tool.coverage.run]\nbranch = true\n",
        },
        {},
        True,
        {},
        [],
    ),
    (
        "coveragerc-prefixed-section-wins",
        {".coveragerc": "[coverage:run]\nbranch = true\n[run]\nbranch = false\ntimid = true\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "pyproject-only-if-tool-coverage",
        {"pyproject.toml": "[run]\nbranch = true\n[tool.black]\nx = 1\n"},
        {},
        True,
        {},
        [],
    ),
    ("rcfile-env", {"my.rc": "[run]\ntimid = yes\n"}, {"COVERAGE_RCFILE": "my.rc"}, True, {}, []),
    ("named-file", {"cfg/custom.ini": "[report]\nprecision = 4\n"}, {}, "cfg/custom.ini", {}, []),
    ("named-toml", {"custom.toml": "[report]\nprecision = 4\n"}, {}, "custom.toml", {}, []),
    ("dot-coveragerc-means-default", {"setup.cfg": "[coverage:run]\nbranch = 1\n"}, {}, ".coveragerc", {}, []),
    (
        "env-vars",
        {".coveragerc": "[run]\ndata_file = ${DF-fallback}\nsource = $A,${B}x, $$literal\ncontext = ${UNSET}\n"},
        {
            "A": "alpha",
            "B": "beta",
            "COVERAGE_FILE": "from-env.dat",
            "COVERAGE_DEBUG": "sys, config ",
            "COVERAGE_CORE": "pytrace",
        },
        True,
        {},
        [],
    ),
    (
        "kwargs-override",
        {".coveragerc": "[run]\nbranch = 1\nomit = a\ndata_file = f\n[report]\nomit = r\n"},
        {},
        True,
        {
            "branch": False,
            "run_omit": "k/*",
            "report_omit": "k/*",
            "data_file": None,
            "source": ["s1", "s2"],
            "concurrency": "thread",
            "debug": ["callers"],
            "context": "kw",
        },
        [],
    ),
    (
        "ini-syntax",
        {
            ".coveragerc": """\
                # comment
                ; another
                [run]
                Branch: True
                source =
                  a # not a comment
                  b

                  ; a comment line inside
                  c
                [DEFAULT]
                shared = 1
                """
        },
        {},
        True,
        {},
        [],
    ),
    (
        "warnings",
        {
            ".coveragerc": "[run]\nbogus = 1\nbranch = 1\n[report]\nxyz = 2\n[html]\nnope = 3\n[foo]\na = 1\n",
        },
        {},
        True,
        {},
        [],
    ),
    (
        "warnings-toml",
        {"pyproject.toml": "[tool.coverage.run]\nwhat = 1\n[tool.coverage.lcov]\nx = 1\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "plugin-ini",
        {".coveragerc": "[run]\nplugins = p.one\n   p.two\n[p.one]\nk = v\nother = $HOME\n[p.two]\n"},
        {},
        True,
        {},
        ["p.one:k", "p.two:k"],
    ),
    (
        "concurrency-subprocess",
        {".coveragerc": "[run]\npatch = subprocess, _exit\nconcurrency = greenlet\n"},
        {},
        True,
        {},
        [],
    ),
]

CASES += [
    (
        "crlf-and-unicode",
        {
            ".coveragerc": "[html]\r\ntitle = tabblo & «ταБЬℓσ» # numbers\r\n[report]\r\nexclude_lines =\r\n  a\r\n  b\r\n"
        },
        {},
        True,
        {},
        [],
    ),
    (
        "regexlist-splits-on-every-line-boundary",
        {".coveragerc": "[report]\nexclude_lines = a\u2028b\x0cc\x1dd\npartial_branches = x\x85y\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "default-section-leaks-into-all",
        {".coveragerc": "[DEFAULT]\nprecision = 3\n[report]\nshow_missing = 1\n[run]\nbranch = 1\n"},
        {},
        True,
        {},
        [],
    ),
    (
        "regexlist-blank-lines-and-comments",
        {".coveragerc": "[report]\nexclude_lines =\n\n    one\n\n    # comment\n  two  \npartial_branches = \n"},
        {},
        True,
        {},
        [],
    ),
    (
        "force-config",
        {".coveragerc": "[run]\nbranch = 1\n", "force.ini": "[run]\nbranch = 0\ntimid = 1\n"},
        {"COVERAGE_FORCE_CONFIG": "force.ini"},
        True,
        {"branch": True},
        [],
    ),
    (
        "toml-strings-for-typed",
        {
            "pyproject.toml": """\
                [tool.coverage.run]
                parallel = "true"
                omit = ["${D}/x", "$$"]
                [tool.coverage.report]
                fail_under = "12.5"
                skip_covered = false
                precision = 7
                [tool.coverage.xml]
                package_depth = "3"
                """
        },
        {"D": "dd"},
        True,
        {},
        [],
    ),
    (
        "tilde-everywhere",
        {
            ".coveragerc": "[run]\ndata_file = ~/d\ndebug_file = ~root/dbg\n[html]\ndirectory = ~\n"
            "[json]\noutput = ~nosuchuserxyz/j\n[paths]\na = ~/x, ~root/y\n"
        },
        {"HOME": "/home/elsewhere"},
        True,
        {},
        [],
    ),
    (
        "strict-var-defined",
        {".coveragerc": "[run]\nsource = ${WHERE?}/src\n"},
        {"WHERE": "/w"},
        True,
        {},
        [],
    ),
    (
        "colon-and-odd-keys",
        {".coveragerc": "[run]\nSOURCE : a:b\ndata_file=x=y\n[report]\nsort = -Name\n"},
        {},
        True,
        {},
        ["run:source", "run:data_file", "report:sort"],
    ),
    (
        "plugin-in-setup-cfg",
        {"setup.cfg": "[coverage:run]\nplugins = plug\n[coverage:plug]\nopt = 1\n[plug]\nignored = 2\n"},
        {},
        True,
        {},
        ["plug:opt", "plug:ignored"],
    ),
]

ERROR_CASES = [
    # (id, file, text, substrings ours must contain)
    ("ini-float", ".coveragerc", "[report]\nfail_under = abc\n", [".coveragerc", "report", "fail_under", "'abc'"]),
    ("ini-bool", "setup.cfg", "[coverage:run]\nbranch = maybe\n", ["setup.cfg", "coverage:run", "branch", "maybe"]),
    (
        "ini-int",
        "tox.ini",
        "[coverage:report]\nprecision = 2.5\n",
        ["tox.ini", "coverage:report", "precision", "'2.5'"],
    ),
    ("ini-xml-int", ".coveragerc", "[xml]\npackage_depth = deep\n", [".coveragerc", "xml", "package_depth"]),
    ("ini-regex", ".coveragerc", "[report]\nexclude_lines = (\n", [".coveragerc", "report", "exclude_lines", "'('"]),
    ("ini-strict-var", ".coveragerc", "[run]\nsource = ${NOPE?}\n", [".coveragerc", "run", "source", "NOPE"]),
    ("ini-no-section", ".coveragerc", "branch = 1\n", [".coveragerc", "no section headers"]),
    ("ini-bom", ".coveragerc", "\ufeff[run]\nbranch = 1\n", [".coveragerc", "no section headers"]),
    ("ini-dup-option", ".coveragerc", "[run]\nbranch = 1\nbranch = 0\n", [".coveragerc", "run", "branch"]),
    ("ini-dup-section", ".coveragerc", "[run]\n[run]\n", [".coveragerc", "'run' already exists"]),
    ("ini-junk", ".coveragerc", "[run]\njunk line\n", [".coveragerc", "junk line"]),
    (
        "toml-float",
        "pyproject.toml",
        "[tool.coverage.report]\nfail_under = 'abc'\n",
        ["pyproject.toml", "tool.coverage.report", "fail_under"],
    ),
    (
        "toml-bool",
        "pyproject.toml",
        "[tool.coverage.run]\nbranch = 3\n",
        ["pyproject.toml", "tool.coverage.run", "branch"],
    ),
    (
        "toml-list",
        "pyproject.toml",
        "[tool.coverage.run]\nsource = 'x'\n",
        ["pyproject.toml", "tool.coverage.run", "source"],
    ),
    (
        "toml-list-items",
        "pyproject.toml",
        "[tool.coverage.run]\nomit = [1]\n",
        ["pyproject.toml", "tool.coverage.run", "omit"],
    ),
    (
        "toml-file",
        "pyproject.toml",
        "[tool.coverage.run]\ndata_file = 3\n",
        ["pyproject.toml", "tool.coverage.run", "data_file"],
    ),
    (
        "toml-regex",
        "pyproject.toml",
        "[tool.coverage.report]\npartial_branches = ['[']\n",
        ["pyproject.toml", "tool.coverage.report", "partial_branches"],
    ),
    (
        "toml-paths",
        "pyproject.toml",
        "[tool.coverage.paths]\nsrc = 'x'\n",
        ["pyproject.toml", "tool.coverage.paths", "src"],
    ),
    ("toml-syntax", "pyproject.toml", "[tool.coverage.run\n", ["pyproject.toml", "line 1"]),
    ("concurrency-unknown", ".coveragerc", "[run]\nconcurrency = nope\n", ["Unknown concurrency choices: nope"]),
    (
        "concurrency-conflict",
        ".coveragerc",
        "[run]\nconcurrency = gevent, eventlet\n",
        ["Conflicting concurrency settings: eventlet, gevent"],
    ),
]


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.mark.parametrize(
    ("files", "env", "config_file", "kwargs", "get"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_same_resolved_config(tmp_path, oracle_python, files, env, config_file, kwargs, get):
    write_files(tmp_path, files)
    spec = {"config_file": config_file, "kwargs": kwargs, "get": get}
    theirs = run_dump(oracle_python, tmp_path, spec, env)
    ours = run_dump(Path(sys.executable), tmp_path, spec, env)
    assert "error" not in theirs, theirs
    assert "error" not in ours, ours
    assert ours["warnings"] == theirs["warnings"]
    for name, value in theirs["attrs"].items():
        assert ours["attrs"].get(name, "<missing>") == value, name
    assert ours["attrs"].keys() == theirs["attrs"].keys()


@pytest.mark.parametrize(("fname", "text", "needles"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_errors_name_file_section_option(tmp_path, oracle_python, request, fname, text, needles):
    write_files(tmp_path, {fname: text})
    spec = {"config_file": True, "kwargs": {}, "get": []}
    theirs = run_dump(oracle_python, tmp_path, spec, {})
    ours = run_dump(Path(sys.executable), tmp_path, spec, {})
    assert "error" in theirs, theirs
    assert ours.get("error") == "ConfigError", ours
    for needle in needles:
        assert needle in ours["message"], (needle, ours["message"])
    if request.node.callspec.id == "toml-syntax":
        # tomllib and the toml crate word syntax errors differently; both give the position.
        return
    # coverage.py's own text stays; ours only adds where it was missing.
    prefix = f"Couldn't read config file {fname}: "
    detail = theirs["message"].removeprefix(prefix)
    assert detail in ours["message"]
    if all(needle in theirs["message"] for needle in needles):
        assert ours["message"] == theirs["message"]


def test_documented_deviation_non_string_toml_values(tmp_path, oracle_python):
    """A TOML number or boolean where coverage.py expects a string (or an int)
    is kept as-is by coverage.py; our typed config converts it (str(3), int(True)).
    Only values coverage.py would later trip over are affected."""
    write_files(
        tmp_path, {"pyproject.toml": "[tool.coverage.html]\ntitle = 3\n[tool.coverage.report]\nprecision = true\n"}
    )
    spec = {"config_file": True, "kwargs": {}, "get": []}
    theirs = run_dump(oracle_python, tmp_path, spec, {})["attrs"]
    ours = run_dump(Path(sys.executable), tmp_path, spec, {})["attrs"]
    assert (theirs["html_title"], theirs["precision"]) == (3, True)
    assert (ours["html_title"], ours["precision"]) == ("3", 1)
