"""One suite measured serially, by pytest-xdist workers and as CI shards:
the same report every way, and the same as coverage.py + pytest-cov's.

Each project (the two sample projects, and more-itertools 10.5.0's own test
suite from its PyPI sdist, 663 tests) runs, line and branch (the real
suite's branch case is marked `slow`):

- serially: `pytest --cov=PKG`;
- `pytest -n 2 --cov=PKG` and `pytest -n 4 --cov=PKG --dist loadscope`;
- as 4 CI shards: the collected tests split four ways, each shard run with
  `pytest --cov=PKG` in a checkout of its own (a different absolute path),
  the shards' data files brought home and combined under `[paths]`.

What is compared is `coverage report -m` of each way's data file: every
way must give the serial run's table, and ferrocov's tables must be
coverage.py's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from oracle_env import REPO
from test_pytest_plugin import SAMPLE as PLUGIN_SAMPLE
from test_pytest_plugin import _clean_env

DEMO = Path(__file__).parent / "samples" / "demo"
REAL_SUITE = ("more-itertools", "10.5.0")
CACHE = REPO / ".realsuites"
SHARDS = 4


def real_suite_checkout() -> Path:
    """more-itertools' sdist, downloaded from PyPI once and unpacked."""
    name, version = REAL_SUITE
    unpacked = CACHE / f"{name}-{version}"
    if not unpacked.exists():
        CACHE.mkdir(exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", str(CACHE)]
            + [f"{name}=={version}"],
            check=True,
        )
        with tarfile.open(CACHE / f"{name}-{version}.tar.gz") as sdist:
            sdist.extractall(CACHE, filter="data")
    return unpacked


# name -> (how to get the project, the packages to measure)
PROJECTS = {
    "demo": (lambda: DEMO, ["shapes", "textkit"]),
    "pytest_plugin": (lambda: PLUGIN_SAMPLE, ["calc", "textutil"]),
    "more-itertools": (real_suite_checkout, ["more_itertools"]),
}


def coveragerc(packages: list[str], branch: bool) -> str:
    """Branch setting, and `[paths]` that bring shards' file names home."""
    lines = ["[run]", f"branch = {branch}", "", "[paths]"]
    for package in packages:
        lines += [f"{package} =", f"    {package}/", f"    */{package}/"]
    return "\n".join(lines) + "\n"


def copy_project(source: Path, dest: Path, packages: list[str], branch: bool) -> Path:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".coverage*", "__pycache__", ".pytest_cache"))
    (dest / ".coveragerc").write_text(coveragerc(packages, branch))
    return dest


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=cwd,
        env=_clean_env(None),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return proc


def pytest_cov(bin_dir: Path, cwd: Path, packages: list[str], *args: str) -> None:
    covs = [f"--cov={package}" for package in packages]
    proc = run(bin_dir, cwd, "pytest", "-q", "-p", "no:cacheprovider", "--cov-report=", *covs, *args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def report(bin_dir: Path, cwd: Path) -> str:
    proc = run(bin_dir, cwd, "coverage", "report", "-m")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def collected_ids(bin_dir: Path, cwd: Path) -> list[str]:
    proc = run(bin_dir, cwd, "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [line for line in proc.stdout.splitlines() if "::" in line]


def sharded_report(bin_dir: Path, source: Path, root: Path, packages: list[str], branch: bool) -> str:
    """Four shards in four checkouts, combined at home."""
    home = copy_project(source, root / "home" / source.name, packages, branch)
    ids = collected_ids(bin_dir, home)
    for shard in range(SHARDS):
        checkout = copy_project(source, root / f"runner-{shard}" / "build" / source.name, packages, branch)
        pytest_cov(bin_dir, checkout, packages, *ids[shard::SHARDS])
        shutil.copyfile(checkout / ".coverage", home / f".coverage.shard{shard}")
    combined = run(bin_dir, home, "coverage", "combine")
    assert combined.returncode == 0, combined.stdout + combined.stderr
    return report(bin_dir, home)


WAYS = {
    "serial": (),
    "xdist-2": ("-n", "2"),
    "xdist-4-loadscope": ("-n", "4", "--dist", "loadscope"),
}


def reports_of_every_way(bin_dir: Path, source: Path, root: Path, packages: list[str], branch: bool) -> dict[str, str]:
    tables = {}
    for way, args in WAYS.items():
        project = copy_project(source, root / way / source.name, packages, branch)
        pytest_cov(bin_dir, project, packages, *args)
        tables[way] = report(bin_dir, project)
    tables["4-shards"] = sharded_report(bin_dir, source, root / "shards", packages, branch)
    return tables


# The real suite's branch run is the long tail (minutes): `nox -s slow`.
CASES = [
    pytest.param(name, branch, id=f"{name}-{'branch' if branch else 'line'}", marks=slow)
    for name in PROJECTS
    for branch, slow in ((False, ()), (True, (pytest.mark.slow,) if name == "more-itertools" else ()))
]


@pytest.mark.parametrize(("name", "branch"), CASES)
def test_every_way_of_running_gives_the_serial_report(
    tmp_path: Path, ferrocov_bin: Path, oracle_bin: Path, name: str, branch: bool
) -> None:
    get_source, packages = PROJECTS[name]
    source = get_source()
    ours = reports_of_every_way(ferrocov_bin, source, tmp_path / "ours", packages, branch)
    theirs = reports_of_every_way(oracle_bin, source, tmp_path / "oracle", packages, branch)
    assert ours == theirs
    serial = ours["serial"]
    assert all(table == serial for table in ours.values()), {way: table for way, table in ours.items()}
    assert "TOTAL" in serial and any(package in serial for package in packages)


def test_shards_really_ran_in_different_places(tmp_path: Path, ferrocov_bin: Path) -> None:
    """The shard data holds the runners' own absolute paths, which only
    `[paths]` maps home (without it the combined report lists them apart)."""
    source, packages = DEMO, ["shapes", "textkit"]
    checkout = copy_project(source, tmp_path / "runner" / "build" / source.name, packages, False)
    pytest_cov(ferrocov_bin, checkout, packages)
    listed = run(
        ferrocov_bin,
        checkout,
        "python",
        "-c",
        "import coverage; d = coverage.CoverageData(); d.read(); print(sorted(d.measured_files())[0])",
    )
    assert listed.stdout.startswith(os.path.realpath(checkout)), listed.stdout + listed.stderr
