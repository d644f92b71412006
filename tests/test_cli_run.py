"""`coverage run` when the program fails or exits: output, status, saved data.

Each program runs under ferrocov and under the oracle; the exit status,
stdout and stderr (project directory normalized) must agree, and the data
each tool saved must report the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_cli_support import SideBySide

PROGRAMS = {
    "raises.py": """\
        def inner():
            raise RuntimeError("oh noes!")

        def outer():
            inner()

        print("before")
        outer()
        print("never")
        """,
    "chained.py": """\
        try:
            {}["missing"]
        except KeyError as exc:
            raise ValueError("while handling") from exc
        """,
    "exit3.py": """\
        import sys
        print("about to exit")
        sys.exit(3)
        print("never")
        """,
    "exit_none.py": """\
        import sys
        print("quietly")
        sys.exit()
        """,
    "exit_message.py": """\
        import sys
        sys.exit("goodbye, cruel world")
        """,
    "os_exit.py": """\
        import os
        print("exiting hard", flush=True)
        os._exit(0)
        print("never")
        """,
    "os_exit5.py": """\
        import os
        os._exit(5)
        """,
    "interrupted.py": """\
        print("working")
        raise KeyboardInterrupt
        """,
    "bad_hook.py": """\
        import sys

        def hook(kind, value, tb):
            raise ValueError("the hook broke")

        sys.excepthook = hook
        raise RuntimeError("original problem")
        """,
    "custom_hook.py": """\
        import sys

        def hook(kind, value, tb):
            print("hooked:", kind.__name__, value)

        sys.excepthook = hook
        raise RuntimeError("handled by the hook")
        """,
    "syntax_error.py": """\
        x = (
        """,
    "chdir_away.py": """\
        import os, tempfile
        gone = tempfile.mkdtemp()
        os.chdir(gone)
        os.rmdir(gone)
        print("left")
        """,
}


@pytest.fixture
def project(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> SideBySide:
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, PROGRAMS)


def assert_same(ours, oracle) -> None:
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)


def assert_same_saved_data(project: SideBySide) -> None:
    """Both tools saved data (or both did not), and it reports the same."""
    ours, oracle = project.run("report", "-m")
    assert_same(ours, oracle)


@pytest.mark.parametrize(
    ("program", "status"),
    [
        ("raises.py", 1),
        ("chained.py", 1),
        ("exit3.py", 3),
        ("exit_none.py", 0),
        ("exit_message.py", 1),
        ("bad_hook.py", 1),
        ("custom_hook.py", 1),
        ("chdir_away.py", 0),
    ],
)
def test_program_ending_matches_oracle(project: SideBySide, program: str, status: int) -> None:
    ours, oracle = project.run("run", program)
    assert ours.returncode == status
    assert_same(ours, oracle)
    assert_same_saved_data(project)


def test_exception_traceback_has_only_program_frames(project: SideBySide) -> None:
    ours, _ = project.run("run", "raises.py")
    lines = ours.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[-1] == "RuntimeError: oh noes!"
    frame_files = [line.split('"')[1] for line in lines if line.startswith('  File "')]
    assert frame_files == ["<DIR>/raises.py"] * 3


def test_syntax_error_matches_oracle(project: SideBySide) -> None:
    ours, oracle = project.run("run", "syntax_error.py")
    assert ours.returncode == oracle.returncode == 1
    assert ours.stdout == oracle.stdout
    assert ours.stdout.startswith("Couldn't run '<DIR>/syntax_error.py' as Python code: SyntaxError:")


@pytest.mark.parametrize("patched", [False, True], ids=["default-config", "patch-_exit"])
@pytest.mark.parametrize("program", ["os_exit.py", "os_exit5.py"])
def test_os_exit(project: SideBySide, program: str, patched: bool) -> None:
    if patched:
        project.write({".coveragerc": "[run]\npatch = _exit\n"})
    ours, oracle = project.run("run", program)
    assert_same(ours, oracle)
    # Saved only when [run] patch = _exit asks for it (off by default).
    for root in project.dirs.values():
        assert (root / ".coverage").exists() == patched
    assert_same_saved_data(project)


def test_keyboard_interrupt(project: SideBySide) -> None:
    ours, oracle = project.run("run", "interrupted.py")
    assert ours.returncode == oracle.returncode != 0
    assert ours.stdout == oracle.stdout == "working\n"
    for result in (ours, oracle):
        lines = result.stderr.splitlines()
        assert lines[0] == "Traceback (most recent call last):"
        assert lines[-1] == "KeyboardInterrupt"
        assert '  File "<DIR>/interrupted.py", line 2, in <module>' in lines
    assert_same_saved_data(project)


def test_missing_file_saves_nothing(project: SideBySide) -> None:
    assert_same(*project.run("run", "no_such_file.py"))
    for root in project.dirs.values():
        assert not (root / ".coverage").exists()
