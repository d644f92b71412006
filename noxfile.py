"""Developer entry point: build, test on 3.11/3.12/3.13, compat, bench.

`nox -s lint rust tests compat` is what CI runs (see README). Interpreters are found
under `$(pyenv root)/versions` without any global pyenv setting.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.11", "3.12", "3.13"]
nox.options.sessions = ["lint", "rust", "tests", "compat"]
nox.options.reuse_existing_virtualenvs = True


def _pyenv_root() -> Path | None:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    if shutil.which("pyenv"):
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        if out.returncode == 0:
            return Path(out.stdout.strip())
    default = Path.home() / ".pyenv"
    return default if default.exists() else None


def _expose_pyenv_pythons() -> None:
    """Put each pyenv CPython 3.11-3.13 bin dir on PATH so nox finds python3.X."""
    root = _pyenv_root()
    if root is None:
        return
    dirs = []
    for version in PYTHONS:
        found = sorted(glob.glob(str(root / "versions" / f"{version}.*" / "bin")))
        dirs.extend(found[-1:])
    os.environ["PATH"] = os.pathsep.join([*dirs, os.environ.get("PATH", "")])


_expose_pyenv_pythons()

# One cargo target dir for every session and interpreter: the pure-Rust
# crates and dependencies compile once; only the PyO3 crate is rebuilt
# per Python version.
# An exported CARGO_TARGET_DIR wins. Don't point several work trees of this
# repository at one: cargo gives their crates the same artifact names, so a
# build can pick up another tree's newer object files.
BUILD_ENV = {"CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR") or str(ROOT / "target")}


def install_ferrocov(session: nox.Session, profile: str = "dev") -> None:
    """Build the wheel for this interpreter and install it, as a user would."""
    env = {**BUILD_ENV, "MATURIN_PEP517_ARGS": f"--profile {profile}"}
    session.install("--force-reinstall", "--no-deps", ".", env=env)


@nox.session(python=False)
def rust(session: nox.Session) -> None:
    """Unit tests of the pure-Rust core crates."""
    session.run("cargo", "test", "--workspace", "--exclude", "ferrocov-py", "-q", external=True, env=BUILD_ENV)


# The property ("fuzz") test targets and their cases per property for the
# long run (a few costly properties take a share); plain `cargo test` runs a
# few hundred at most. About 6 minutes in all on two cores.
FUZZ_TARGETS = [
    ("ferrocov-config", "fuzz_ini", 20_000),
    ("ferrocov-config", "fuzz_toml", 20_000),
    ("ferrocov-analysis", "fuzz_analysis", 20_000),
    ("ferrocov-analysis", "fuzz_deep_nesting", 200),
    ("ferrocov-data", "fuzz_data_reader", 3_000),
]


@nox.session(python=False)
def fuzz(session: nox.Session) -> None:
    """Property tests with a long budget; `nox -s fuzz -- 0.1` scales the case counts."""
    scale = float(session.posargs[0]) if session.posargs else 1.0
    for package, target, cases in FUZZ_TARGETS:
        env = {**BUILD_ENV, "FERROCOV_FUZZ_CASES": str(max(1, round(cases * scale)))}
        session.run("cargo", "test", "-q", "-p", package, "--test", target, external=True, env=env)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The pytest suite, through the installed wheel, with the oracle beside it
    (covdefaults is the plugin the plugin tests load; lxml validates the XML
    report against the Cobertura DTD and reads the HTML report; playwright
    drives the system chromium for its browser test, no browser download;
    gevent and greenlet: tests/test_light_threads.py measures programs that
    use them)."""
    session.install("pytest", "pytest-xdist", "lxml", "playwright", "gevent", "greenlet")
    # The plugin tests load covdefaults; without --no-deps pip would pull
    # coverage.py in over our `coverage` package.
    session.install("--no-deps", "covdefaults==2.3.0")
    install_ferrocov(session)
    session.run("pytest", *(session.posargs or ["tests", "-n", "2"]))


@nox.session(python=PYTHONS)
def bench(session: nox.Session) -> None:
    """Tracing overhead against a plain run, ferrocov vs coverage.py (release build)."""
    install_ferrocov(session, profile="release")
    oracle = session.run("python", "tests/oracle_env.py", silent=True).strip().splitlines()[-1]
    python = str(Path(session.virtualenv.location) / "bin" / "python")
    session.run(
        "python", "tests/bench/run_bench.py", "--ferrocov-python", python, "--oracle-python", oracle, *session.posargs
    )


@nox.session(python=PYTHONS)
def compat(session: nox.Session) -> None:
    """coverage.py 7.17.3's own test suite, the checked-in expected list, against ferrocov.
    gevent and greenlet are installed so test_concurrency.py measures programs
    that use them (without them those tests only check the ConfigError)."""
    session.install("pytest", "pytest-xdist", "hypothesis", "flaky", "gevent", "greenlet")
    install_ferrocov(session)
    session.run("python", "tests/compat/run_compat.py", *session.posargs)


@nox.session(python="3.12")
def lint(session: nox.Session) -> None:
    """The gate: the native module's stub checked against the built wheel (stubtest),
    ruff check and format, rustfmt, and clippy with warnings as errors."""
    session.install("mypy", "ruff")
    install_ferrocov(session)
    # Against the installed wheel: its .so and the _engine.pyi and py.typed it ships.
    session.run("python", "-m", "mypy.stubtest", "ferrocov._engine")
    session.run("ruff", "check", "pytest_plugin", "tests", "noxfile.py")
    session.run("ruff", "format", "--check", "pytest_plugin", "tests", "noxfile.py")
    session.run("cargo", "fmt", "--all", "--check", external=True, env=BUILD_ENV)
    session.run("cargo", "clippy", "--workspace", "--all-targets", "--", "-D", "warnings", external=True, env=BUILD_ENV)


@nox.session(python=PYTHONS)
def slow(session: nox.Session) -> None:
    """The long tail of the differential corpora (tests marked `slow`), which
    the default `tests` session leaves out."""
    session.install("pytest", "pytest-xdist", "lxml", "playwright")
    install_ferrocov(session)
    session.run("pytest", "tests", "-m", "slow", "-n", "2", *session.posargs)


@nox.session(python=PYTHONS)
def stress(session: nox.Session) -> None:
    """Full-size concurrency tests of the data file: 8 x 20 `coverage run --append`
    into a new and an existing file, writers killed while others save, and
    16 x 50 runs saving parallel files while another process combines and
    reports.

    Not in the default sessions: it takes a few minutes. Every run is bounded
    by a timeout, so a stuck run fails the session instead of hanging it.
    """
    session.install("pytest")
    install_ferrocov(session)
    session.run("pytest", "tests/test_concurrent_data.py", "-m", "stress", "-v", "-s", *session.posargs)
