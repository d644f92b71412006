"""How `coverage run` presents a program to itself: `__main__` as Python would.

A probe program prints what a program can see of how it was started; under
ferrocov's `coverage run` it must see exactly what it sees under the
oracle's. The last tests drive `coverage.execfile` in-process.
"""

from __future__ import annotations

import os
import py_compile
import sys
import textwrap
from pathlib import Path

import pytest

from test_cli_support import SideBySide

PROBE = """\
    import os, sys
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", "absent")
    print("name:", __name__)
    print("file:", __file__)
    print("argv:", sys.argv)
    print("path0:", sys.path[0])
    print("spec:", spec if spec in (None, "absent") else (spec.name, spec.origin, spec.parent, type(spec.loader).__name__))
    print("loader:", type(__loader__).__module__, type(__loader__).__name__, getattr(__loader__, "fullname", None))
    print("package:", repr(getattr(main, "__package__", "absent")))
    print("main is this module:", main.__dict__ is globals())
    print("builtins:", type(__builtins__).__name__)
    print("doc:", repr(__doc__))
    print("COVERAGE_RUN:", os.environ.get("COVERAGE_RUN"))
    import sibling
    print("sibling:", sibling.__file__)
    """

FILES = {
    "probe.py": PROBE,
    "sibling.py": "",
    "pkg/__init__.py": "",
    "pkg/__main__.py": PROBE,
    "pkg/sibling.py": "",
    "pkg/sub/__init__.py": "",
    "pkg/sub/mod.py": PROBE,
    "app/__main__.py": PROBE,
    "app/sibling.py": "",
    "scripts/tool.py": PROBE,
    "scripts/sibling.py": "",
    "coding.py": "# -*- coding: latin-1 -*-\nprint('caf\xe9'.encode('latin-1'))\n",
}


@pytest.fixture
def project(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> SideBySide:
    side = SideBySide(tmp_path, ferrocov_bin, oracle_bin, {})
    for root in side.dirs.values():
        for name, text in FILES.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            # latin-1 keeps the one non-ASCII byte of coding.py as it is.
            path.write_bytes(textwrap.dedent(text).encode("latin-1"))
    return side


def assert_same(ours, oracle) -> None:
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["probe.py"], id="file"),
        pytest.param(["probe.py", "a", "-b", "--c=d", "-m"], id="file-with-args"),
        pytest.param(["scripts/tool.py", "x"], id="file-in-subdirectory"),
        pytest.param(["-m", "pkg", "x", "--flag"], id="package-main"),
        pytest.param(["-m", "pkg.sub.mod", "y"], id="submodule"),
        pytest.param(["app", "z"], id="directory"),
        pytest.param(["coding.py"], id="coding-cookie"),
    ],
)
def test_program_sees_what_it_sees_under_oracle(project: SideBySide, args: list[str]) -> None:
    ours, oracle = project.run("run", *args)
    assert ours.returncode == 0, ours.stderr
    assert_same(ours, oracle)


def test_probe_values_are_pythons(project: SideBySide) -> None:
    ours, _ = project.run("run", "-m", "pkg", "arg")
    lines = dict(line.split(": ", 1) for line in ours.stdout.splitlines())
    assert lines["name"] == "__main__"
    assert lines["file"] == "<DIR>/pkg/__main__.py"
    assert lines["argv"] == "['<DIR>/pkg/__main__.py', 'arg']"
    assert lines["path0"] == "<DIR>"
    assert lines["package"] == "'pkg'"
    assert lines["COVERAGE_RUN"] == "true"


def test_compiled_file(project: SideBySide) -> None:
    for root in project.dirs.values():
        py_compile.compile(str(root / "probe.py"), cfile=str(root / "compiled.pyc"), doraise=True)
    assert_same(*project.run("run", "compiled.pyc"))


def test_bad_magic_number(project: SideBySide) -> None:
    for root in project.dirs.values():
        (root / "bad.pyc").write_bytes(b"\0\0\0\0" + b"\0" * 12)
    assert_same(*project.run("run", "bad.pyc"))


# -- in-process -------------------------------------------------------------------


@pytest.fixture
def isolated_main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Run programs in this process without disturbing it afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    return tmp_path


def test_run_python_file_in_process(isolated_main: Path) -> None:
    from coverage.execfile import run_python_file

    (isolated_main / "prog.py").write_text("import sys\nRESULT = (__name__, __file__, sys.argv[:])\n", encoding="utf-8")
    run_python_file(["prog.py", "arg"])
    assert sys.modules["__main__"].RESULT == ("__main__", str(isolated_main / "prog.py"), ["prog.py", "arg"])


def test_run_python_module_in_process(isolated_main: Path) -> None:
    from coverage.execfile import run_python_module

    pkg = isolated_main / "inproc_pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "__main__.py").write_text("import sys\nRESULT = (__package__, sys.argv[:])\n", encoding="utf-8")
    sys.path.insert(0, str(isolated_main))
    run_python_module(["inproc_pkg", "x"])
    assert sys.modules["__main__"].RESULT == ("inproc_pkg", [str(pkg / "__main__.py"), "x"])


def test_program_exception_becomes_exit_1(isolated_main: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coverage.execfile import run_python_file

    (isolated_main / "boom.py").write_text("raise LookupError('boom')\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc_info:
        run_python_file(["boom.py"])
    assert exc_info.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "Traceback (most recent call last):",
        f'  File "{isolated_main / "boom.py"}", line 1, in <module>',
        "    raise LookupError('boom')",
        "LookupError: boom",
    ]


def test_missing_file_is_nosource(isolated_main: Path) -> None:
    from coverage.exceptions import NoSource
    from coverage.execfile import run_python_file

    with pytest.raises(NoSource, match=r"^No file to run: '.*nowhere\.py'$"):
        run_python_file(["nowhere.py"])


def test_missing_module_is_nosource(isolated_main: Path) -> None:
    from coverage.exceptions import NoSource
    from coverage.execfile import run_python_module

    with pytest.raises(NoSource, match="^No module named 'not_a_module_anywhere'$"):
        run_python_module(["not_a_module_anywhere"])


def test_cwd_restored_after_program(isolated_main: Path) -> None:
    from coverage.execfile import run_python_file

    (isolated_main / "sub").mkdir()
    (isolated_main / "wander.py").write_text("import os\nos.chdir('sub')\n", encoding="utf-8")
    run_python_file(["wander.py"])
    assert os.getcwd() == str(isolated_main)
