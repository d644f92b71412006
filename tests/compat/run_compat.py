"""Run coverage.py 7.17.3's own test suite against the installed ferrocov.

    python tests/compat/run_compat.py                 # the checked-in expectations
    python tests/compat/run_compat.py --survey tests/test_misc.py ...
    python tests/compat/run_compat.py --check-lists   # only check the lists' bookkeeping

The coverage sdist is fetched from PyPI once (`pip download`) into `.compat/`
at the repository root. Its `tests/` directory is unpacked into a fresh work
directory that holds nothing else, so `import coverage` in the tests finds
the *installed* ferrocov, never the sdist's own package.

`expected.txt` lists the test node ids that must pass; `excluded.txt` gives a
reason for every other test of the files `expected.txt` draws from. The
default mode collects those files, checks that each test is in exactly one
list, runs the expected ones and exits non-zero if any failed or is missing.
`--survey FILE...` runs whole test files and prints what passes, to grow the
expected list.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

COVERAGE_VERSION = "7.17.3"
HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
CACHE_DIR = REPO_ROOT / ".compat"
EXPECTED_FILE = HERE / "expected.txt"
EXCLUDED_FILE = HERE / "excluded.txt"
RESULTS_ENV = "FERROCOV_COMPAT_RESULTS"

# pytest settings coverage.py keeps in its pyproject.toml, which the work
# directory doesn't have: its test classes are named *Test.
PYTEST_INI = """\
[pytest]
python_classes = *Test
addopts = -p no:legacypath -p no:cacheprovider -rfE --continue-on-collection-errors
filterwarnings =
    error::pytest.PytestCollectionWarning
"""

# A root conftest that records each test's outcome as JSON, so the runner
# doesn't have to parse pytest's terminal output. Only the controller writes
# (pytest-xdist workers forward their reports to it).
RECORDER_CONFTEST = f'''\
"""Written by ferrocov's run_compat.py: records test outcomes."""
import json
import os

_OUTCOMES = {{}}
_MESSAGES = {{}}


def _crash_message(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    lines = str(report.longrepr).strip().splitlines()
    return lines[-1] if lines else ""


def pytest_runtest_logreport(report):
    previous = _OUTCOMES.get(report.nodeid)
    if report.failed:
        _OUTCOMES[report.nodeid] = "failed"
        _MESSAGES.setdefault(report.nodeid, f"{{report.when}}: {{_crash_message(report)}}")
    elif report.skipped and previous != "failed":
        _OUTCOMES[report.nodeid] = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "call" and previous is None:
        _OUTCOMES[report.nodeid] = "xpassed" if hasattr(report, "wasxfail") else "passed"


def pytest_collection_finish(session):
    path = os.environ.get("{RESULTS_ENV}")
    if path and not hasattr(session.config, "workerinput"):
        with open(path + ".collected", "w", encoding="utf-8") as f:
            json.dump([item.nodeid for item in session.items], f)


def pytest_sessionfinish(session):
    path = os.environ.get("{RESULTS_ENV}")
    if path and not hasattr(session.config, "workerinput"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump({{"outcomes": _OUTCOMES, "messages": _MESSAGES}}, f, indent=0, sort_keys=True)
'''


# -- The lists ---------------------------------------------------------------------


@dataclass
class ListEntry:
    """One line of expected.txt or excluded.txt: a node id (or prefix) and a note."""

    node: str
    note: str
    lineno: int

    def covers(self, nodeid: str) -> bool:
        """Does this entry name `nodeid`, itself or a file/class/function holding it?

        An entry ending in `*` names every node id starting with the rest,
        for parameter ids that differ between Python versions.
        """
        if nodeid == self.node:
            return True
        if self.node.endswith("*"):
            return nodeid.startswith(self.node[:-1])
        return nodeid.startswith(self.node) and nodeid[len(self.node)] in ":["

    @property
    def file(self) -> str:
        return self.node.split("::", 1)[0]


def read_list(path: Path) -> list[ListEntry]:
    """Entries of a list file: `node id  # note`; blank lines and `#` lines skipped."""
    entries = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        node, _, note = line.partition("  #")
        entries.append(ListEntry(node.strip(), note.strip(), lineno))
    return entries


# -- Getting the suite -----------------------------------------------------------------


def ensure_cache_dir() -> None:
    """Make .compat/, ignored by git from the inside whatever the root .gitignore says."""
    CACHE_DIR.mkdir(exist_ok=True)
    ignore = CACHE_DIR / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")


def fetch_sdist(sdist: Path | None) -> Path:
    """The coverage sdist: the one given, the cached one, or a fresh download."""
    if sdist is not None:
        return sdist
    dist_dir = CACHE_DIR / "dist"
    cached = dist_dir / f"coverage-{COVERAGE_VERSION}.tar.gz"
    if not cached.exists():
        print(f"compat: downloading the coverage {COVERAGE_VERSION} sdist into {dist_dir}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             f"coverage=={COVERAGE_VERSION}", "-d", str(dist_dir)],
            check=True,
        )  # fmt: skip
    return cached


def unpack_tests(sdist: Path, workdir: Path) -> None:
    """Unpack only the sdist's tests/ into `workdir`, plus the files igor would make."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    prefix = f"coverage-{COVERAGE_VERSION}/"
    with tarfile.open(sdist) as tar:
        members = []
        for member in tar.getmembers():
            if member.name.startswith(prefix + "tests/") and (member.isfile() or member.isdir()):
                member.name = member.name[len(prefix) :]
                members.append(member)
        tar.extractall(workdir, members=members, filter="data")
    make_zip_modules(workdir / "tests")
    (workdir / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    (workdir / "conftest.py").write_text(RECORDER_CONFTEST, encoding="utf-8")


# Encoded modules zipped for the tests of reading source from zip files:
# (encoding, text). Each module checks its text decoded to the same code points.
ENCODED_SAMPLES = [
    ("utf-8", "\u24d7\u24d4\u24db\u24db\u24de, \u24e6\u24de\u24e1\u24db\u24d3"),
    ("gb2312", "\u4f60\u597d\uff0c\u4e16\u754c"),
    ("hebrew", "\u05e9\u05dc\u05d5\u05dd, \u05e2\u05d5\u05dc\u05dd"),
    ("shift_jis", "\u3053\u3093\u306b\u3061\u306f\u4e16\u754c"),
    ("cp1252", "\u201chi\u201d"),
]


def make_zip_modules(tests_dir: Path) -> None:
    """Build tests/zipmods.zip and tests/zip1.zip, which coverage.py's tests import from."""
    with zipfile.ZipFile(tests_dir / "zipmods.zip", "w") as zf:
        zf.write(tests_dir / "covmodzip1.py", "covmodzip1.py")
        for encoding, text in ENCODED_SAMPLES:
            source = textwrap.dedent(f"""\
                # coding: {encoding}
                text = u"{text}"
                ords = {[ord(ch) for ch in text]}
                assert [ord(c) for c in text] == ords
                print(u"All OK with {encoding}")
                encoding = "{encoding}"
                """)
            zf.writestr(f"encoded_{encoding}.py", source.encode(encoding))
    with zipfile.ZipFile(tests_dir / "zip1.zip", "w") as zf:
        for name in ("__init__.py", "zip1.py"):
            zf.write(tests_dir / "zipsrc" / "zip1" / name, f"zip1/{name}")


# -- Running pytest ------------------------------------------------------------------------


@dataclass
class RunResult:
    outcomes: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    collected: list[str] = field(default_factory=list)
    returncode: int = 0


def child_env() -> dict[str, str]:
    """The environment for pytest: this interpreter's scripts (`coverage`) first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "PYTEST_ADDOPTS"))}
    env.pop("PYTHONPATH", None)  # the tests assert it is unset
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHON_COLORS"] = "0"
    # coverage.py's own runner (igor.py) sets this for its suite: the code
    # under test then hands its test environment on to exec'd children.
    env["COVERAGE_TESTING"] = "True"
    return env


def run_pytest(workdir: Path, targets: list[str], extra: list[str], collect_only: bool = False) -> RunResult:
    """Run pytest in `workdir` on `targets`; return each node id's outcome."""
    results = workdir / "results.json"
    for stale in (results, Path(f"{results}.collected")):
        stale.unlink(missing_ok=True)
    args_file = workdir / "targets.txt"
    args_file.write_text("\n".join(targets) + "\n", encoding="utf-8")
    # Started from "<string>" (not runpy's `-m`) so that coverage.debug's
    # short_stack sees the boring prelude it knows how to skip; -P keeps the
    # current directory off sys.path, as the `pytest` script does.
    launcher = "import sys, pytest; sys.exit(pytest.main())"
    cmd = [sys.executable, "-P", "-c", launcher, f"@{args_file}", *extra]
    if collect_only:
        # In-process collection: an xdist controller collects nothing itself.
        cmd += ["--collect-only", "-q", "-n", "0"]
    env = {**child_env(), RESULTS_ENV: str(results)}
    proc = subprocess.run(
        cmd, cwd=workdir, env=env, check=False, stdout=None if not collect_only else subprocess.DEVNULL
    )
    result = RunResult(returncode=proc.returncode)
    if results.exists():
        recorded = json.loads(results.read_text(encoding="utf-8"))
        result.outcomes, result.messages = recorded["outcomes"], recorded["messages"]
    collected = Path(f"{results}.collected")
    if collected.exists():
        result.collected = json.loads(collected.read_text(encoding="utf-8"))
    return result


def check_isolation(workdir: Path, need_ferrocov: bool = True) -> str | None:
    """Why the tests would not run against the installed ferrocov, or None."""
    imports = "coverage, ferrocov, os" if need_ferrocov else "coverage, os"
    probe = f"import {imports}; print(os.path.realpath(coverage.__file__))"
    proc = subprocess.run(
        [sys.executable, "-c", probe], cwd=workdir, env=child_env(), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return f"the installed ferrocov can't be imported by {sys.executable}:\n{proc.stderr}"
    location = Path(proc.stdout.strip())
    if workdir.resolve() in location.parents:
        return f"`coverage` was imported from the sdist ({location}), not from ferrocov"
    return None


def check_requirements() -> str | None:
    """Which packages coverage.py's test infrastructure needs are missing, if any."""
    missing = []
    for module, package in [
        ("pytest", "pytest"),
        ("xdist", "pytest-xdist"),
        ("flaky", "flaky"),
        ("hypothesis", "hypothesis"),
    ]:
        probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, check=False)
        if probe.returncode != 0:
            missing.append(package)
    return f"install {' '.join(missing)} into this environment" if missing else None


# -- Names the suite imports ---------------------------------------------------------------

# Runs in the work directory with the tested interpreter: finds every
# `coverage.*` name the given test files import or use as an attribute, and
# prints those the installed package lacks, one per line.
NAMES_PROBE = r"""
import ast, importlib, sys

def used_names(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    aliases, used = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "coverage":
            for alias in node.names:
                used.add(f"{node.module}.{alias.name}")
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "coverage":
                    used.add(alias.name)
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0] if not alias.asname else alias.name
    for node in ast.walk(tree):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if parts and isinstance(node, ast.Name) and node.id in aliases:
            used.add(".".join([aliases[node.id], *reversed(parts)]))
    return used

def resolves(dotted):
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False

names = set()
for path in sys.argv[1:]:
    names |= used_names(path)
for name in sorted(names):
    if not resolves(name):
        print(name)
"""


def missing_names(workdir: Path, files: list[str]) -> int:
    """Print the `coverage.*` names `files` (and the test infrastructure) use that don't resolve."""
    infra = ["tests/conftest.py", "tests/coveragetest.py", "tests/helpers.py", "tests/mixins.py", "tests/testenv.py"]
    proc = subprocess.run(
        [sys.executable, "-P", "-c", NAMES_PROBE, *infra, *files],
        cwd=workdir, env=child_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    print(proc.stdout, end="")
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return 2
    print(f"compat: {len(proc.stdout.splitlines())} names missing")
    return 0


# -- Modes ----------------------------------------------------------------------------------


def listed_files(expected: list[ListEntry], excluded: list[ListEntry]) -> list[str]:
    """The test files the lists draw from."""
    return sorted({entry.file for entry in [*expected, *excluded]})


def check_lists(collected: list[str], expected: list[ListEntry], excluded: list[ListEntry]) -> list[str]:
    """Problems with the bookkeeping: unlisted tests, tests in both lists, stale entries."""
    problems = []
    for nodeid in collected:
        in_expected = any(entry.node == nodeid for entry in expected)
        in_excluded = any(entry.covers(nodeid) for entry in excluded)
        if in_expected and in_excluded:
            problems.append(f"both expected and excluded: {nodeid}")
        elif not in_expected and not in_excluded:
            problems.append(f"in neither list: {nodeid}")
    collected_set = set(collected)
    for entry in excluded:
        # A whole file may be excluded because it can't even be collected yet.
        whole_file = entry.node == entry.file
        if not whole_file and not any(entry.covers(nodeid) for nodeid in collected_set):
            problems.append(f"excluded.txt:{entry.lineno}: names no collected test: {entry.node}")
        if not entry.note:
            problems.append(f"excluded.txt:{entry.lineno}: no reason given for {entry.node}")
    return problems


def summarize(expected: list[ListEntry], outcomes: dict[str, str]) -> tuple[Counter[str], dict[str, Counter[str]]]:
    """Outcome counts overall and per test file."""
    total: Counter[str] = Counter()
    per_file: dict[str, Counter[str]] = {}
    for entry in expected:
        outcome = outcomes.get(entry.node, "missing")
        total[outcome] += 1
        per_file.setdefault(entry.file, Counter())[outcome] += 1
    return total, per_file


def run_expected(workdir: Path, extra: list[str], strict_lists: bool) -> int:
    expected = read_list(EXPECTED_FILE)
    excluded = read_list(EXCLUDED_FILE)
    files = listed_files(expected, excluded)
    collection = run_pytest(workdir, files, extra, collect_only=True)
    problems = check_lists(collection.collected, expected, excluded)
    for problem in problems:
        print(f"compat lists: {problem}")

    collected = set(collection.collected)
    runnable = [entry.node for entry in expected if entry.node in collected]
    result = run_pytest(workdir, runnable, extra) if runnable else RunResult()
    total, per_file = summarize(expected, result.outcomes)

    print("\ncompat: per file (passed / in expected.txt / excluded)")
    for file in files:
        counts = per_file.get(file, Counter())
        n_excluded = sum(
            1 for nodeid in collection.collected
            if nodeid.split("::", 1)[0] == file and any(entry.covers(nodeid) for entry in excluded)
        )  # fmt: skip
        if any(entry.node == file for entry in excluded):
            continue
        print(f"  {file}: {counts['passed']} / {sum(counts.values())} / {n_excluded}")
    whole_files = [entry.node for entry in excluded if entry.node == entry.file]
    print(f"  ... and {len(whole_files)} whole files excluded (see excluded.txt)")
    failing = [
        entry.node for entry in expected if result.outcomes.get(entry.node, "missing") not in ("passed", "skipped")
    ]
    for nodeid in failing:
        why = result.messages.get(nodeid, result.outcomes.get(nodeid, "not collected"))
        print(f"compat: FAILED {nodeid}: {why[:200]}")
    n_failed = len(failing)
    print(f"\nexpected-pass: {total['passed']} passed, {n_failed} failed, {total['skipped']} skipped")
    if n_failed:
        return 1
    if strict_lists and problems:
        return 2
    return 0


def run_survey(workdir: Path, files: list[str], extra: list[str]) -> int:
    result = run_pytest(workdir, files, extra)
    by_outcome: dict[str, list[str]] = {}
    for nodeid, outcome in sorted(result.outcomes.items()):
        by_outcome.setdefault(outcome, []).append(nodeid)
    for outcome in ("failed", "skipped", "xfailed", "xpassed"):
        for nodeid in by_outcome.get(outcome, []):
            message = result.messages.get(nodeid, "").replace("\n", " ")[:200]
            print(f"{outcome.upper()}: {nodeid}" + (f"  -- {message}" if message else ""))
    print("\n# passing tests, ready for expected.txt:")
    for nodeid in by_outcome.get("passed", []):
        print(nodeid)
    counts = ", ".join(f"{len(ids)} {outcome}" for outcome, ids in sorted(by_outcome.items()))
    print(f"\nsurvey: {counts}")
    return 0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--survey", nargs="+", metavar="FILE", help="run these test files (tests/test_x.py) and print what passes"
    )
    parser.add_argument(
        "--missing-names",
        nargs="*",
        metavar="FILE",
        help="list the coverage.* names these test files use that are missing",
    )
    parser.add_argument("--check-lists", action="store_true", help="only check that every test is in exactly one list")
    parser.add_argument("--strict-lists", action="store_true", help="exit non-zero when the lists' bookkeeping is off")
    parser.add_argument(
        "--reference",
        action="store_true",
        help="allow any installed `coverage` (run against coverage.py itself to vet the lists)",
    )
    parser.add_argument("--sdist", type=Path, help="use this coverage sdist instead of downloading it")
    parser.add_argument(
        "--workdir", type=Path, default=CACHE_DIR / "work", help="where to unpack the tests (wiped first)"
    )
    parser.add_argument("-n", "--jobs", default="0", help="pytest-xdist workers (default: 0, no xdist)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    missing = check_requirements()
    if missing:
        print(f"compat: {missing}", file=sys.stderr)
        return 2
    ensure_cache_dir()
    unpack_tests(fetch_sdist(args.sdist), args.workdir)
    problem = check_isolation(args.workdir, need_ferrocov=not args.reference)
    if problem:
        print(f"compat: {problem}", file=sys.stderr)
        return 2
    extra = list(args.pytest_args)
    if args.jobs != "0":
        extra += ["-n", args.jobs, "--dist", "loadgroup"]
    if args.missing_names is not None:
        return missing_names(args.workdir, args.missing_names)
    if args.survey:
        return run_survey(args.workdir, args.survey, extra)
    if args.check_lists:
        expected, excluded = read_list(EXPECTED_FILE), read_list(EXCLUDED_FILE)
        files = listed_files(expected, excluded)
        collection = run_pytest(args.workdir, files, extra, collect_only=True)
        problems = check_lists(collection.collected, expected, excluded)
        for line in problems:
            print(f"compat lists: {line}")
        print(f"compat lists: {len(collection.collected)} tests collected, {len(problems)} problems")
        return 1 if problems else 0
    return run_expected(args.workdir, extra, args.strict_lists)


if __name__ == "__main__":
    sys.exit(main())
