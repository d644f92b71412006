"""Plugins: `[run] plugins` loading, configurers (covdefaults 2.3.0 and one of
our own), the registry API and what is not served yet.

Each scenario runs under ferrocov and under the oracle (coverage.py 7.17.3
with covdefaults installed), each in its own copy of a scratch project, and
what the user sees must be the same.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from test_cli_support import CliResult, SideBySide, clean_env

PROJECT = {
    "pkg/__init__.py": "",
    "pkg/mod.py": """\
        import sys


        def pick(flag):
            if flag:
                return "yes"
            return "no"


        def unused():  # pragma: no cover
            return 1


        if sys.platform == "win32":  # pragma: win32 cover
            WINDOWS = True
        """,
    "test_mod.py": """\
        from pkg.mod import pick


        def test_pick():
            assert pick(True) == "yes"
        """,
    "setup.py": "print('not measured under covdefaults')\n",
}


@pytest.fixture
def project(tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path) -> SideBySide:
    return SideBySide(tmp_path, ferrocov_bin, oracle_bin, PROJECT)


def assert_same(pair: tuple[CliResult, CliResult]) -> CliResult:
    ours, oracle = pair
    assert (ours.returncode, ours.stdout, warnings_of(ours.stderr)) == (
        oracle.returncode,
        oracle.stdout,
        warnings_of(oracle.stderr),
    )
    return ours


def warnings_of(text: str) -> list[str]:
    """Warnings and errors by their messages (each tool warns from its own file)."""
    return re.findall(r"(?:Warning|Error): (.*)", text) or [text]


RESOLVED = """\
    import coverage
    cov = coverage.Coverage()
    cov.start()
    cov.stop()
    for option in ("run:branch", "run:source", "run:omit", "report:show_missing", "report:skip_covered",
                   "report:fail_under", "report:exclude_lines", "report:partial_branches"):
        print(option, repr(cov.get_option(option)))
    """


def python_outputs(project: SideBySide, script: str) -> list[str]:
    """stdout of `python script` under each tool (which must succeed)."""
    outputs = []
    for name, bin_dir in project.bins.items():
        proc = subprocess.run(
            [str(bin_dir / "python"), script], cwd=project.dirs[name], env=clean_env(), capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    return outputs


def test_covdefaults_resolves_the_same_options(project: SideBySide) -> None:
    project.write({".coveragerc": "[run]\nplugins = covdefaults\n", "resolved.py": RESOLVED})
    ours, oracle = python_outputs(project, "resolved.py")
    assert ours == oracle
    # covdefaults' settings took effect, not just loaded.
    assert "run:branch True" in ours and "report:fail_under 100\n" in ours


def ran(pair: tuple[CliResult, CliResult]) -> None:
    """A measured run went as well under both tools (its output has timings)."""
    ours, oracle = pair
    assert ours.returncode == oracle.returncode == 0, ours.stdout + ours.stderr


def test_covdefaults_report_and_exit_status(project: SideBySide) -> None:
    project.write({".coveragerc": "[run]\nplugins = covdefaults\n"})
    ran(project.run("run", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mod.py"))
    report = assert_same(project.run("report"))
    assert report.returncode == 2, "covdefaults' fail_under = 100 fails the report"
    assert "fail-under=100" in report.stdout
    assert "setup.py" not in report.stdout
    assert_same(project.run("lcov", "-o", "-"))


def test_covdefaults_honours_a_configured_fail_under(project: SideBySide) -> None:
    project.write({".coveragerc": "[run]\nplugins = covdefaults\n[report]\nfail_under = 50\n"})
    ran(project.run("run", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mod.py"))
    assert assert_same(project.run("report")).returncode == 0


def test_covdefaults_under_pytest_cov(project: SideBySide) -> None:
    """`pytest --cov` with covdefaults: its fail_under turns the run red."""
    project.write({".coveragerc": "[run]\nplugins = covdefaults\n"})
    runs = []
    for name, bin_dir in project.bins.items():
        proc = subprocess.run(
            [str(bin_dir / "pytest"), "-q", "-p", "no:cacheprovider", "--cov", "test_mod.py"],
            cwd=project.dirs[name],
            env=clean_env(COLUMNS="80"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        table = [line for line in proc.stdout.splitlines() if line.startswith(("pkg", "TOTAL", "FAIL Required"))]
        runs.append((proc.returncode, table))
    assert runs[0] == runs[1]
    assert runs[0][0] == 1 and runs[0][1], runs[0]


OWN_PLUGIN = """\
    import coverage


    class ShowMissing(coverage.CoveragePlugin):
        def __init__(self, precision):
            self.precision = precision

        def configure(self, config):
            config.set_option("report:show_missing", True)
            config.set_option("report:precision", self.precision)
            exclude = config.get_option("report:exclude_lines")
            config.set_option("report:exclude_lines", exclude + ["return .no."])

        def sys_info(self):
            return [("precision", self.precision)]


    def coverage_init(reg, options):
        reg.add_configurer(ShowMissing(int(options.get("precision", "0"))))
        reg.add_noop(coverage.CoveragePlugin())
    """


def test_own_configurer_with_options_from_its_section(project: SideBySide) -> None:
    project.write(
        {
            "showmissing.py": OWN_PLUGIN,
            ".coveragerc": "[run]\nplugins = showmissing\nsource = pkg\n\n[showmissing]\nprecision = 2\n",
        }
    )
    # The plugin module is the project's own: importable from the project
    # directory (`coverage run` puts it first on sys.path; reports need this).
    ran(project.run("run", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mod.py"))
    report = assert_same(project.run("report", PYTHONPATH="."))
    assert "Missing" in report.stdout and ".00%" in report.stdout


def test_debug_sys_lists_the_plugins(project: SideBySide) -> None:
    project.write({"showmissing.py": OWN_PLUGIN, ".coveragerc": "[run]\nplugins = showmissing\n"})
    outputs = []
    for result in project.run("debug", "sys", PYTHONPATH="."):
        assert result.returncode == 0, result.stderr
        outputs.append([line.strip() for line in result.stdout.splitlines() if line.strip().startswith("plugins.")])
    assert outputs[0] == outputs[1]
    assert "plugins.configurers: showmissing.ShowMissing" in outputs[0]


def test_plugin_module_without_coverage_init(project: SideBySide) -> None:
    project.write({"notaplugin.py": "x = 1\n", ".coveragerc": "[run]\nplugins = notaplugin\n"})
    result = assert_same(project.run("run", "test_mod.py"))
    assert result.returncode == 1
    assert "didn't define a coverage_init function" in result.stdout + result.stderr


def test_missing_plugin_module(project: SideBySide) -> None:
    project.write({".coveragerc": "[run]\nplugins = no_such_plugin_module\n"})
    ours, oracle = project.run("report")
    assert ours.returncode == oracle.returncode != 0
    assert "No module named 'no_such_plugin_module'" in ours.stderr


def test_plugins_given_to_the_constructor(project: SideBySide) -> None:
    """`Coverage(plugins=[...])`: callables get the registry; names are
    "None.Class" as coverage.py makes them."""
    project.write(
        {
            "api.py": """\
                import coverage

                class Quiet(coverage.CoveragePlugin):
                    def configure(self, config):
                        config.set_option("report:skip_covered", True)

                def init(reg):
                    reg.add_configurer(Quiet())

                cov = coverage.Coverage(plugins=[init])
                print(cov.get_option("report:skip_covered"))
                print([name for name, value in cov.sys_info() if name.startswith("plugins.")])
                print(dict(cov.sys_info())["plugins.configurers"])
                print(cov.get_option("report:skip_covered"))
                """
        }
    )
    outputs = python_outputs(project, "api.py")
    assert outputs[0] == outputs[1]
    # Configurers run when the Coverage initializes, not at construction.
    assert outputs[0].splitlines()[0] == "False"
    assert outputs[0].splitlines()[2] == "['None.Quiet']"
    assert outputs[0].splitlines()[3] == "True"


FILE_TRACER_PLUGIN = """\
    import coverage


    class Claims(coverage.CoveragePlugin):
        def file_tracer(self, filename):
            return None


    def coverage_init(reg, options):
        reg.add_file_tracer(Claims())
    """


def test_file_tracer_plugins_are_refused_with_a_warning(project: SideBySide) -> None:
    """Not served by ferrocov's cores yet: switched off with coverage.py's
    warning for a core that can't serve them, never silently ignored."""
    project.write({"claims.py": FILE_TRACER_PLUGIN, ".coveragerc": "[run]\nplugins = claims\n"})
    ours, _ = project.run("run", "test_mod.py")
    assert ours.returncode == 0
    assert re.search(r"Plugin file tracers \(claims\.Claims\) aren't supported with \w+", ours.stderr)
    listed = project.run("debug", "sys", PYTHONPATH=".")[0].stdout
    assert re.search(r"plugins\.file_tracers: claims\.Claims", listed)
