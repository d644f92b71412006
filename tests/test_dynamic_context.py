"""`[run] dynamic_context = test_function`, differential against coverage.py.

Each program runs under `coverage run` with ferrocov (each of its cores) and
with coverage.py 7.17.3's CTracer (its sysmon core has no dynamic contexts),
each in its own copy of a scratch project; the data files must hold the same
contexts on the same lines (`measured_contexts`, `contexts_by_lineno`) and
give the same per-context report. Under pytest, pytest-cov's warnings about
the setting stay pytest-cov's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli_support import SideBySide, run_coverage
from test_pytest_plugin import SAMPLE as PYTEST_SAMPLE
from test_pytest_plugin import SOURCES, fresh_copy, read_data_file, run_pytest

CORES = ["ctrace", "sysmon"] if sys.version_info >= (3, 12) else ["ctrace"]

HELPERS = """\
    def helper(x):
        if x:
            return 1
        return 2
    """

PROGRAMS = {
    "module_functions": """\
        from helpers import helper

        def test_one():
            helper(1)

        def test_two():
            helper(0)
            helper(1)

        def testing_too():
            return helper(0)

        def not_a_test():
            helper(1)

        test_one()
        test_two()
        testing_too()
        not_a_test()
        helper(0)
        """,
    "methods": """\
        import unittest
        from helpers import helper

        class TestThing:
            def test_method(self):
                helper(1)

            @staticmethod
            def test_static():
                helper(0)

            @classmethod
            def test_class(cls):
                helper(1)

        class Derived(TestThing):
            pass

        class Case(unittest.TestCase):
            def runTest(self):
                helper(0)

        def outer():
            def test_local():
                helper(1)
            test_local()

        TestThing().test_method()
        Derived().test_method()
        TestThing.test_static()
        TestThing.test_class()
        Case().runTest()
        outer()
        """,
    "nested": """\
        from helpers import helper

        def test_inner():
            helper(0)

        def test_outer():
            helper(1)
            test_inner()
            test_outer_again(2)

        def test_outer_again(n):
            if n:
                test_outer_again(n - 1)
            helper(n)

        test_outer()
        test_inner()
        test_outer_again(1)
        """,
    "raising": """\
        from helpers import helper

        def test_raises():
            helper(1)
            raise ValueError("boom")

        def deep():
            helper(0)
            raise KeyError

        def test_raises_deep():
            deep()

        def test_catches():
            try:
                deep()
            except KeyError:
                helper(1)

        for test in (test_raises, test_raises_deep, test_catches):
            try:
                test()
            except Exception:
                pass
        helper(0)
        """,
    "generators": """\
        import asyncio
        from helpers import helper

        def test_gen():
            helper(1)
            yield 1
            helper(0)
            yield 2

        def test_gen_thrown():
            try:
                yield 1
            except RuntimeError:
                helper(0)
            yield 2

        async def test_async():
            helper(1)
            await asyncio.sleep(0)
            helper(0)

        def plain():
            helper(1)

        for _ in test_gen():
            plain()
        gen = test_gen_thrown()
        next(gen)
        gen.throw(RuntimeError)
        gen.close()
        asyncio.run(test_async())
        """,
    "threads": """\
        import threading
        from helpers import helper

        def test_in_thread():
            helper(1)

        def worker():
            helper(0)

        def test_starts_thread():
            t = threading.Thread(target=worker)
            t.start()
            t.join()

        test_starts_thread()
        """,
}

DUMP = """\
import io, json, sys
import coverage
from coverage import CoverageData

data = CoverageData(".coverage")
data.read()
files = sorted(data.measured_files())
dump = {
    "contexts": sorted(data.measured_contexts()),
    "lines": {
        name.rpartition("/")[2]: {str(k): sorted(v) for k, v in sorted(data.contexts_by_lineno(name).items())}
        for name in files
    },
}
cov = coverage.Coverage()
cov.load()
for context in dump["contexts"]:
    out = io.StringIO()
    cov.report(contexts=[f"^{context}$" if context else "^$"], show_missing=True, file=out)
    dump["report " + context] = out.getvalue()
print(json.dumps(dump, sort_keys=True, indent=1))
"""


def measure(project: SideBySide, which: str, core: str, *args: str) -> dict:
    """Run prog.py under `coverage run *args` with `core`; what its data holds."""
    root = project.dirs[which]
    result = run_coverage(project.bins[which], ["run", *args, "prog.py"], root, COVERAGE_CORE=core)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CoverageWarning" not in result.stderr, result.stderr
    dump = subprocess.run(
        [str(project.bins[which] / "python"), "-c", DUMP],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(dump.stdout)


def side_by_side(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path, program: str, config: str) -> SideBySide:
    files = {"helpers.py": HELPERS, "prog.py": PROGRAMS[program], ".coveragerc": config}
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, files)


CONFIG = "[run]\ndynamic_context = test_function\n"


@pytest.fixture
def pytest_project(tmp_path: Path) -> Path:
    """A fresh copy of the pytest plugin's sample project, configured for
    test-function contexts."""
    dest = tmp_path / "project"
    shutil.copytree(PYTEST_SAMPLE, dest)
    (dest / ".coveragerc").write_text(CONFIG)
    return dest


@pytest.mark.parametrize("branch", [[], ["--branch"]], ids=["line", "branch"])
@pytest.mark.parametrize("program", sorted(PROGRAMS))
@pytest.mark.parametrize("core", CORES)
def test_contexts_are_coveragepys(tmp_path, ferrocov_bin, oracle_bin, core, program, branch):
    project = side_by_side(tmp_path, ferrocov_bin, oracle_bin, program, CONFIG)
    ours = measure(project, "ours", core, *branch)
    theirs = measure(project, "oracle", "ctrace", *branch)
    assert any(name.startswith("__main__.") for name in theirs["contexts"]), theirs["contexts"]
    assert ours == theirs


@pytest.mark.parametrize("core", CORES)
def test_static_context_is_joined(tmp_path, ferrocov_bin, oracle_bin, core):
    """A static context labels the lines outside tests; inside one the
    label is "static|qualname"."""
    config = CONFIG + "context = ci\n"
    project = side_by_side(tmp_path, ferrocov_bin, oracle_bin, "nested", config)
    ours = measure(project, "ours", core, "--branch")
    theirs = measure(project, "oracle", "ctrace", "--branch")
    assert "ci|__main__.test_outer" in theirs["contexts"] and "ci" in theirs["contexts"]
    assert ours == theirs


@pytest.mark.parametrize("core", CORES)
def test_the_context_label_comes_from_coverage_context(tmp_path, ferrocov_bin, core):
    """Both cores name contexts through `coverage.context`'s one rule: a
    patched `qualname_from_frame` is what they record."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "prog.py").write_text("def test_x():\n    return 1\n\ntest_x()\n")
    script = (
        "import coverage, coverage.context as c\n"
        "c.qualname_from_frame = lambda frame: 'named:' + frame.f_code.co_name\n"
        "cov = coverage.Coverage(data_file=None)\n"
        "cov.set_option('run:dynamic_context', 'test_function')\n"
        "cov.start()\n"
        "import prog\n"
        "cov.stop()\n"
        "print(sorted(cov.get_data().measured_contexts()))\n"
    )
    env = {"COVERAGE_CORE": core, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [str(ferrocov_bin / "python"), "-c", script], cwd=root, capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "['', 'named:test_x']"


@pytest.mark.parametrize("core", CORES)
def test_tests_in_unmeasured_files_start_contexts(tmp_path, ferrocov_bin, oracle_bin, core):
    """Test files are often omitted: their functions still start contexts
    for the measured code they call."""
    config = CONFIG + "omit = prog.py\n"
    project = side_by_side(tmp_path, ferrocov_bin, oracle_bin, "methods", config)
    ours = measure(project, "ours", core, "--branch")
    theirs = measure(project, "oracle", "ctrace", "--branch")
    assert list(theirs["lines"]) == ["helpers.py"]
    assert "__main__.TestThing.test_method" in theirs["contexts"]
    assert ours == theirs


def test_an_unknown_setting_is_refused(tmp_path, ferrocov_bin, oracle_bin):
    files = {"prog.py": "print(1)\n", ".coveragerc": "[run]\ndynamic_context = test_method\n"}
    project = SideBySide(tmp_path, ferrocov_bin, oracle_bin, files)
    ours, theirs = project.run("run", "prog.py")
    assert ours.returncode == theirs.returncode == 1
    assert ours.stdout == theirs.stdout
    assert "Don't understand dynamic_context setting: 'test_method'" in theirs.stdout


@pytest.mark.parametrize("branch", [[], ["--cov-branch"]], ids=["line", "branch"])
@pytest.mark.parametrize("core", CORES)
def test_pytest_run_records_pytest_covs_contexts(ferrocov_bin, oracle_bin, oracle_python, pytest_project, core, branch):
    """pytest --cov with dynamic_context = test_function in the config: the
    contexts are the test functions', as pytest-cov over coverage.py records
    them."""
    project = pytest_project
    args = [*SOURCES, "--cov-report=term-missing", *branch]
    oracle_dir = fresh_copy(project, "oracle")
    ours = run_pytest(ferrocov_bin, project, *args, env={"COVERAGE_CORE": core})
    theirs = run_pytest(oracle_bin, oracle_dir, *args, env={"COVERAGE_CORE": "ctrace"})
    assert ours.returncode == theirs.returncode == 0, ours.stdout + ours.stderr
    assert ours.coverage_section() == theirs.coverage_section()
    dumped = read_data_file(oracle_python, project / ".coverage")
    assert dumped == read_data_file(oracle_python, oracle_dir / ".coverage")
    assert any(".test_" in name for name in dumped["contexts"]), dumped["contexts"]


def test_pytest_cov_refuses_it_with_xdist(ferrocov_bin, oracle_bin, pytest_project):
    """With xdist pytest-cov stops at start (pytest-cov #604): so do we."""
    args = [*SOURCES, "-n", "2"]
    oracle_dir = fresh_copy(pytest_project, "oracle")
    ours = run_pytest(ferrocov_bin, pytest_project, *args)
    theirs = run_pytest(oracle_bin, oracle_dir, *args)
    assert ours.returncode == theirs.returncode != 0
    message = "DistCovError: Detected dynamic_context=test_function in coverage configuration."
    assert message in theirs.stderr
    assert message in ours.stderr


@pytest.mark.parametrize("core", CORES)
def test_pytest_cov_warns_with_cov_context(ferrocov_bin, oracle_bin, pytest_project, core):
    """--cov-context=test with dynamic_context = test_function configured:
    pytest-cov's warning, and its contexts win."""
    project = pytest_project
    args = [*SOURCES, "--cov-context=test", "--cov-report=", "-W", "default"]
    oracle_dir = fresh_copy(project, "oracle")
    ours = run_pytest(ferrocov_bin, project, *args, env={"COVERAGE_CORE": core})
    theirs = run_pytest(oracle_bin, oracle_dir, *args, env={"COVERAGE_CORE": "ctrace"})
    assert ours.returncode == theirs.returncode
    warning = "Detected dynamic_context=test_function in coverage configuration"
    assert warning in theirs.stdout + theirs.stderr
    assert warning in ours.stdout + ours.stderr
