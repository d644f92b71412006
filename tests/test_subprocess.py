"""Measuring other processes: the `.pth` start-up hook installed with the
wheel (COVERAGE_PROCESS_START, COVERAGE_PROCESS_CONFIG) and `[run] patch =
subprocess, execv, fork`.

Each scenario runs under ferrocov and under the oracle (coverage.py 7.17.3),
each in its own copy of a scratch project; the children's data must be
there and the combined report the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_cli_support import CliResult, SideBySide, clean_env, write_files

PROGRAMS = {
    "main.py": """\
        import subprocess
        import sys

        def run_child(word):
            if word:
                subprocess.run([sys.executable, "child.py", word], check=True)
            else:
                print("no child")

        run_child(sys.argv[1] if len(sys.argv) > 1 else "")
        print("main done")
        """,
    "child.py": """\
        import sys

        def describe(word):
            if len(word) > 3:
                return "long"
            return "short"

        print("child", describe(sys.argv[1]))
        """,
}


@pytest.fixture
def project(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> SideBySide:
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, PROGRAMS)


def assert_same(pair: tuple[CliResult, CliResult]) -> CliResult:
    ours, oracle = pair
    assert (ours.returncode, ours.stdout, ours.stderr) == (oracle.returncode, oracle.stdout, oracle.stderr)
    return ours


def combined_report(project: SideBySide) -> str:
    """Combine the parallel files in both copies and compare `report -m`."""
    assert_same(project.run("combine", "-q"))
    report = assert_same(project.run("report", "-m"))
    return report.stdout


def run_python(project: SideBySide, *args: str, **env: str) -> None:
    """`python *args` (no `coverage run`) in both copies, with each tool's interpreter."""
    results = []
    for name, bin_dir in project.bins.items():
        proc = subprocess.run(
            [str(bin_dir / "python"), *args],
            cwd=project.dirs[name],
            env=clean_env(**env),
            capture_output=True,
            text=True,
            timeout=120,
        )
        results.append((proc.returncode, proc.stdout, proc.stderr))
    assert results[0] == results[1]
    assert results[0][0] == 0, results[0]


def test_the_wheel_installs_the_start_up_hook(ferrocov_bin: Path) -> None:
    """The `.pth` lands at the top of site-packages, where `site` runs it."""
    site_packages = subprocess.run(
        [str(ferrocov_bin / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    hook = Path(site_packages) / "a1_ferrocov.pth"
    assert hook.is_file()
    assert "process_startup" in hook.read_text()


@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
def test_patch_subprocess_measures_the_child(project: SideBySide, branch: bool) -> None:
    project.write({".coveragerc": f"[run]\npatch = subprocess\nbranch = {branch}\n"})
    run = assert_same(project.run("run", "main.py", "hello"))
    assert run.stdout == "child long\nmain done\n"
    report = combined_report(project)
    assert "child.py" in report, "the child's lines were measured"


def test_patch_subprocess_children_of_children(project: SideBySide) -> None:
    """The configuration travels in the environment, so grandchildren are measured too."""
    project.write(
        {
            ".coveragerc": "[run]\npatch = subprocess\n",
            "grand.py": """\
                import subprocess, sys
                subprocess.run([sys.executable, "main.py", "abc"], check=True)
                """,
        }
    )
    assert_same(project.run("run", "grand.py"))
    report = combined_report(project)
    for name in ("grand.py", "main.py", "child.py"):
        assert name in report


def test_without_the_patch_the_child_is_not_measured(project: SideBySide) -> None:
    assert_same(project.run("run", "main.py", "hello"))
    report = assert_same(project.run("report", "-m")).stdout
    assert "child.py" not in report


@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
def test_coverage_process_start_measures_a_plain_python(project: SideBySide, branch: bool) -> None:
    """COVERAGE_PROCESS_START alone, with no `coverage run`: every Python
    started with it (the program and its child) measures itself."""
    project.write({"cov.ini": f"[run]\nparallel = true\nbranch = {branch}\n"})
    run_python(project, "main.py", "hi", COVERAGE_PROCESS_START="cov.ini")
    for root in project.dirs.values():
        assert len(list(root.glob(".coverage.*"))) == 2
    report = combined_report(project)
    assert "main.py" in report and "child.py" in report


def test_a_program_with_its_own_coverage_is_not_measured_twice(project: SideBySide) -> None:
    """A program that makes its own Coverage: the auto-started one doesn't save."""
    project.write(
        {
            "cov.ini": "[run]\nparallel = true\n",
            "own.py": """\
                import coverage
                cov = coverage.Coverage(data_file="own.dat")
                cov.start()
                import main
                cov.stop()
                cov.save()
                """,
        }
    )
    run_python(project, "own.py", COVERAGE_PROCESS_START="cov.ini")
    for root in project.dirs.values():
        assert sorted(p.name for p in root.glob("*.dat")) == ["own.dat"]
        assert not list(root.glob(".coverage*"))


def test_a_broken_process_start_file_does_not_stop_the_program(tmp_path: Path, ferrocov_bin: Path) -> None:
    """The hook says on stderr what went wrong and the program still runs
    (coverage.py's hook prints a traceback instead)."""
    write_files(tmp_path, {"child.py": PROGRAMS["child.py"]})
    proc = subprocess.run(
        [str(ferrocov_bin / "python"), "child.py", "word"],
        cwd=tmp_path,
        env=clean_env(COVERAGE_PROCESS_START="missing.ini"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (proc.returncode, proc.stdout) == (0, "child long\n")
    assert "could not start" in proc.stderr and "missing.ini" in proc.stderr


EXEC_MAIN = """\
    import os, sys
    print("main", flush=True)
    # argv[0] names the interpreter itself: Python finds its environment
    # (and so the start-up hook) from it.
    args = [sys.executable, [sys.executable, "child.py", "exec"]]
    if {with_env}:
        args.append({{"CHILD_SEES": "this"}})
    os.{function}(*args)
    """


@pytest.mark.parametrize("function", ["execv", "execve", "execvp", "execvpe"])
def test_patch_execv_saves_and_measures_the_new_program(project: SideBySide, function: str) -> None:
    project.write(
        {
            ".coveragerc": "[run]\npatch = subprocess, execv\n",
            "exec_main.py": EXEC_MAIN.format(function=function, with_env=function.endswith("e")),
        }
    )
    run = assert_same(project.run("run", "exec_main.py"))
    assert run.stdout == "main\nchild long\n"
    report = combined_report(project)
    assert "exec_main.py" in report and "child.py" in report


def test_patch_execv_alone_saves_the_parent(project: SideBySide) -> None:
    project.write(
        {
            ".coveragerc": "[run]\npatch = execv\n",
            "exec_main.py": EXEC_MAIN.format(function="execv", with_env=False),
        }
    )
    assert_same(project.run("run", "exec_main.py"))
    report = assert_same(project.run("report", "-m")).stdout
    assert "exec_main.py" in report and "child.py" not in report


FORK_MAIN = """\
    import os

    def in_child():
        return "child"

    def in_parent():
        return "parent"

    pid = os.fork()
    if pid == 0:
        print(in_child(), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
    print(in_parent())
    """


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("branch", [False, True], ids=["line", "branch"])
def test_patch_fork_measures_the_child(project: SideBySide, branch: bool) -> None:
    project.write(
        {".coveragerc": f"[run]\npatch = fork, _exit\nparallel = true\nbranch = {branch}\n", "fork_main.py": FORK_MAIN}
    )
    run = assert_same(project.run("run", "fork_main.py"))
    assert run.stdout == "child\nparent\n"
    ours, oracle = (len(list(root.glob(".coverage.*"))) for root in project.dirs.values())
    assert ours == oracle
    report = combined_report(project)
    assert "fork_main.py" in report


def test_process_startup_does_nothing_without_a_request() -> None:
    code = "import coverage; print(coverage.process_startup())"
    out = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True, check=True)
    assert out.stdout == "None\n"
