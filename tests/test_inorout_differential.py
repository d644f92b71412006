"""Which files are measured: ferrocov's InOrOut against coverage.py 7.17.3's.

A sample project (packages, a script, a non-package directory), the stdlib,
the interpreter's own site-packages, and a "third-party" package in a
directory inside a fake virtualenv (a `pyvenv.cfg` above it) on sys.path.
Each tool decides about the same logical files under the same settings in a
subprocess; trace flags, reasons, canonical names, warnings and the files
found for 0% reporting must be equal.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROBE = textwrap.dedent(
    r"""
    import importlib.util, json, os, sys, types
    mode, root, cases_file = sys.argv[1], sys.argv[2], sys.argv[3]
    sys.path[:0] = [os.path.join(root, "proj"), os.path.join(root, "fakevenv", "lib", "site")]
    os.chdir(os.path.join(root, "proj"))
    cases = json.load(open(cases_file))

    def Config(s):
        from coverage.config import CoverageConfig
        config = CoverageConfig()
        config.from_args(
            source=s.get("source"), source_pkgs=s.get("source_pkgs"), source_dirs=s.get("source_dirs"),
            run_include=s.get("include"), run_omit=s.get("omit"), cover_pylib=s.get("cover_pylib", False),
        )
        return config

    def make_inorout(settings, warnings):
        warn = lambda msg, slug=None, once=False: warnings.append([msg, slug])
        if mode == "oracle":
            import coverage
            cov = coverage.Coverage(
                config_file=False, source=settings.get("source"),
                source_pkgs=settings.get("source_pkgs"), source_dirs=settings.get("source_dirs"),
                include=settings.get("include"), omit=settings.get("omit"),
                cover_pylib=settings.get("cover_pylib", False),
            )
            cov._warn = warn
            cov._init()
            cov._init_for_start()
            io = cov._inorout
            io.warn = warn
            return io
        from coverage.inorout import InOrOut
        return InOrOut(Config(settings), warn, None, False)

    def locate(spec):
        kind, what = spec["kind"], spec["what"]
        if kind == "proj":
            return os.path.join(root, "proj", what)
        if kind == "raw":
            return what
        return importlib.util.find_spec(what).origin

    def norm(path):
        # The two tools live in different environments: compare names relative to their roots.
        if path.startswith(root):
            return "ROOT" + path[len(root):]
        if path.startswith(sys.base_prefix):
            return "BASE" + path[len(sys.base_prefix):]
        if "site-packages" in path:
            return "SITE" + path.split("site-packages", 1)[1]
        return "elsewhere" if os.path.isabs(path) else path

    results = []
    for case in cases:
        warnings = []
        late = os.path.join(root, "fakevenv", "lib", "site")
        if case.get("late_sys_path"):
            sys.path.remove(late)
        try:
            io = make_inorout(case["settings"], warnings)
        except Exception as exc:
            results.append({"error": f"{type(exc).__name__}: {exc}"})
            continue
        finally:
            if late not in sys.path:
                sys.path.insert(1, late)
        io.warn_conflicting_settings()
        files = []
        for spec in case["files"]:
            filename = locate(spec)
            frame = None
            if spec.get("module") is not None or spec.get("dunder_file"):
                frame = types.SimpleNamespace(f_globals={
                    "__name__": spec.get("module"),
                    "__file__": spec.get("dunder_file") and os.path.join(root, "proj", spec["dunder_file"]),
                    "__spec__": None,
                })
            disp = io.should_trace(filename, frame)
            files.append([spec, disp.trace, disp.reason, norm(disp.canonical_filename)])
        for pkg in case.get("import", []):
            __import__(pkg)
        unexec = sorted(norm(p) + f"|{plugin}" for p, plugin in io.find_possibly_unexecuted_files())
        io.warn_unimported_source()
        results.append({
            "files": files, "warnings": warnings, "unexecuted": unexec,
            "unmatched": list(io.source_pkgs_unmatched),
        })
    print(json.dumps(results))
    """
)


def _make_project(root: Path) -> None:
    files = {
        "proj/pkg/__init__.py": "",
        "proj/pkg/mod.py": "x = 1\n",
        "proj/pkg/sub/__init__.py": "",
        "proj/pkg/sub/deep.py": "y = 2\n",
        "proj/pkg/notpkg/loose.py": "z = 3\n",
        "proj/pkg/data.txt": "not python\n",
        "proj/pkg/~backup.py": "junk\n",
        "proj/script.py": "print('hi')\n",
        "proj/other/o.py": "o = 1\n",
        "proj/other/inner/i.py": "i = 1\n",
        "proj/tests/test_a.py": "def test(): pass\n",
        "fakevenv/pyvenv.cfg": "home = /nowhere\n",
        "fakevenv/lib/site/thirdpkg/__init__.py": "",
        "fakevenv/lib/site/thirdpkg/core.py": "c = 1\n",
        "fakevenv/lib/site/vendored/__init__.py": "",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _spec(kind: str, what: str, **extra: object) -> dict:
    return {"kind": kind, "what": what, **extra}


FILES = [
    _spec("proj", "pkg/mod.py"),
    _spec("proj", "pkg/mod.py", module="pkg.mod"),
    _spec("proj", "pkg/__init__.py", module="pkg"),
    _spec("proj", "pkg/sub/deep.py", module="pkg.sub.deep"),
    _spec("proj", "pkg/notpkg/loose.py"),
    _spec("proj", "script.py", module="__main__"),
    _spec("proj", "script.py"),
    _spec("proj", "other/o.py"),
    _spec("proj", "other/inner/i.py", module="other.inner.i"),
    _spec("proj", "tests/test_a.py", module="tests.test_a"),
    _spec("proj", "elsewhere_moved/mod.py", dunder_file="pkg/mod.pyc", module="pkg.mod"),
    _spec("proj", "renamed.py", dunder_file="pkg/mod.pyc", module="pkg.mod"),
    _spec("module", "os"),
    _spec("module", "json.decoder", module="json.decoder"),
    _spec("module", "pytest"),
    _spec("module", "_pytest.python", module="_pytest.python"),
    _spec("module", "thirdpkg", module="thirdpkg"),
    _spec("module", "thirdpkg.core", module="thirdpkg.core"),
    _spec("raw", "<string>"),
    _spec("raw", "<frozen importlib._bootstrap>"),
    _spec("raw", "memory:0x1234"),
    _spec("raw", ""),
    _spec("raw", "relative/never.py"),
    _spec("raw", "pkg/mod.py"),
    _spec("proj", "pkg/odd_\udcff.py", module="pkg.odd"),
    _spec("proj", "other/odd_\udcff.py"),
]

SETTINGS = [
    {},
    {"cover_pylib": True},
    {"source": ["pkg"]},
    {"source": ["."]},
    {"source": ["other", "pkg.sub"]},
    {"source": ["pkg", "thirdpkg"]},
    {"source_pkgs": ["pkg", "never_there"], "source_dirs": ["other"]},
    {"source": ["pkg"], "include": ["*/other/*"]},
    {"include": ["*/pkg/*"]},
    {"include": ["pkg/*", "script.py"], "omit": ["*/sub/*"]},
    {"omit": ["*/sub/*", "other/*"]},
    {"omit": ["*.py"]},
    {"include": ["*"], "omit": ["*/site/*"]},
    {"source": ["pkg"], "omit": ["*/mod.py"]},
    {"source": [".", "thirdpkg"], "cover_pylib": True},
    {"source": ["json"]},
    {"source": [".."]},
    {"source": ["pytest", "_pytest"]},
    {"source_dirs": ["../fakevenv/lib/site/thirdpkg"], "source": ["vendored"]},
    {"source_dirs": ["script.py"]},
    {"source_dirs": ["/"]},
    {"source_dirs": ["no_such_dir"]},
    {"omit": ["a**"]},
]


# sys.path gains the virtualenv directory after measurement starts (as pytest
# does with rootdir insertion): the third-party areas must be recomputed.
LATE_SYS_PATH_SETTINGS = [{}, {"source": ["thirdpkg", "pkg"]}, {"source": [".."]}]

ALL_IDS = [json.dumps(s) for s in SETTINGS] + [f"late {json.dumps(s)}" for s in LATE_SYS_PATH_SETTINGS]


def _run(python: Path | str, mode: str, root: Path, cases: list) -> list:
    probe = root / "probe.py"
    probe.write_text(PROBE)
    cases_file = root / "cases.json"
    cases_file.write_text(json.dumps(cases))
    out = subprocess.run(
        [str(python), str(probe), mode, str(root), str(cases_file)],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def both_results(oracle_python: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, list]:
    cases = [{"settings": s, "files": FILES, "import": ["pkg", "pkg.sub"]} for s in SETTINGS] + [
        {"settings": s, "files": FILES, "late_sys_path": True} for s in LATE_SYS_PATH_SETTINGS
    ]
    root_o = tmp_path_factory.mktemp("oracle")
    root_f = tmp_path_factory.mktemp("ferrocov")
    # Same layout; names are made relative to each root before comparing.
    _make_project(root_o)
    _make_project(root_f)
    return _run(oracle_python, "oracle", root_o, cases), _run(sys.executable, "ferrocov", root_f, cases)


@pytest.mark.parametrize("index", range(len(ALL_IDS)), ids=ALL_IDS)
def test_decisions_equal_the_oracle(both_results: tuple[list, list], index: int) -> None:
    oracle, ours = both_results[0][index], both_results[1][index]
    if "error" in oracle:
        assert ours == oracle
        return
    assert "error" not in ours, ours["error"]
    for (spec, *expected), (_, *got) in zip(oracle["files"], ours["files"]):
        assert got == expected, f"{spec}: oracle says {expected}, ferrocov says {got}"
    assert ours["warnings"] == oracle["warnings"]
    assert ours["unexecuted"] == oracle["unexecuted"]
    assert ours["unmatched"] == oracle["unmatched"]


def test_cases_exercise_every_outcome(both_results: tuple[list, list]) -> None:
    """Guard against a vacuous comparison: the oracle's answers cover the ground."""
    reasons = {reason for result in both_results[0] if "files" in result for _, trace, reason, _ in result["files"]}
    assert {
        "",
        "is in the stdlib",
        "is a third-party module",
        "falls outside the --include trees",
        "inside --source, but is third-party",
        "is inside an --omit pattern",
        "original file name is not real",
        "memory isn't traceable",
        "empty string isn't a file name",
    } <= reasons
    assert any("falls outside the --source spec" in r for r in reasons)
    errors = [r["error"] for r in both_results[0] if "error" in r]
    assert len(errors) == 4
    assert any(r.get("unexecuted") for r in both_results[0])
    assert any(w for r in both_results[0] for w in r.get("warnings", []))


DEBUG_PROBE = textwrap.dedent(
    r"""
    import json, os, sys
    mode, root, settings = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    sys.path[:0] = [os.path.join(root, "proj"), os.path.join(root, "fakevenv", "lib", "site")]
    os.chdir(os.path.join(root, "proj"))

    class Recorder:
        def __init__(self):
            self.lines = []
        def write(self, msg):
            self.lines.append(msg)
        def should(self, what):
            return what == "trace"

    def Config():
        from coverage.config import CoverageConfig
        config = CoverageConfig()
        config.from_args(
            source=settings.get("source"), source_pkgs=settings.get("source_pkgs"),
            source_dirs=settings.get("source_dirs"), run_include=settings.get("include"),
            run_omit=settings.get("omit"), cover_pylib=settings.get("cover_pylib", False),
        )
        return config

    from coverage.inorout import InOrOut
    rec = Recorder()
    io = InOrOut(Config(), lambda *a, **k: None, rec, False)
    import types
    io.plugins = types.SimpleNamespace(file_tracers=[])
    sys.path.append(os.path.join(root, "proj", "other"))
    io.should_trace(os.path.join(root, "proj", "pkg", "mod.py"))
    print(json.dumps(rec.lines))
    """
)

# Sections that describe each tool's own environment, not the settings.
ENVIRONMENT_CAPTIONS = (
    "sysconfig paths:",
    "Coverage code matching",
    "Third-party lib matching",
    "Python stdlib matching",
    "sys.path:",
)


def _settings_debug(lines: list[str], root: str) -> list[str]:
    kept, skipping = [], False
    for line in lines:
        if not line.startswith("    "):
            skipping = line.startswith(ENVIRONMENT_CAPTIONS)
        if not skipping:
            kept.append(line.replace(root, "ROOT"))
    return kept


@pytest.mark.parametrize(
    "settings",
    [
        {"source": ["pkg", "other", "thirdpkg"], "omit": ["*/sub/*"], "include": ["x/*"]},
        {"include": ["pkg/*", "*/other/*"], "omit": ["*/sub/*"]},
        {"source_dirs": ["../fakevenv/lib/site/thirdpkg"], "source_pkgs": ["vendored", "nope"]},
        {},
    ],
    ids=json.dumps,
)
def test_trace_debug_output_equals_the_oracle(oracle_python: Path, tmp_path: Path, settings: dict) -> None:
    results = []
    for python in (oracle_python, sys.executable):
        root = tmp_path / ("o" if python == oracle_python else "f")
        _make_project(root)
        (root / "probe.py").write_text(DEBUG_PROBE)
        out = subprocess.run(
            [str(python), str(root / "probe.py"), "x", str(root), json.dumps(settings)],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        lines = json.loads(out.stdout)
        assert any(line.startswith("sys.path:") for line in lines)
        results.append(_settings_debug(lines, str(root)))
    assert results[1] == results[0]
