"""Running the `coverage` command of ferrocov and of the oracle side by side.

Shared by the CLI and execfile test modules. Each tool runs in its own copy
of a scratch project, so relative paths in the output are the same and the
directory itself is normalized away.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

# Settings that would leak the test runner's own coverage into the programs.
_LEAKY_ENV_PREFIXES = ("COVERAGE_", "COV_CORE_", "PYTEST_", "PYTHONPATH", "PYTHONSAFEPATH")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a measured program: ours, minus coverage settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LEAKY_ENV_PREFIXES)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


@dataclass
class CliResult:
    """What one `coverage ...` command did, with the project directory written as <DIR>."""

    returncode: int
    stdout: str
    stderr: str


def write_files(root: Path, files: dict[str, str]) -> None:
    """Create `files` (relative path -> dedented text) under `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def run_coverage(bin_dir: Path, args: list[str], cwd: Path, **env: str) -> CliResult:
    """Run `bin_dir/coverage args` in `cwd`."""
    proc = subprocess.run(
        [str(bin_dir / "coverage"), *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    real = os.path.realpath(cwd)

    def normalize(text: str) -> str:
        return text.replace(real, "<DIR>").replace(str(cwd), "<DIR>")

    return CliResult(proc.returncode, normalize(proc.stdout), normalize(proc.stderr))


class SideBySide:
    """The same scratch project twice: one copy for ferrocov, one for the oracle."""

    def __init__(self, tmp_path: Path, ours: Path, oracle: Path, files: dict[str, str]) -> None:
        self.bins = {"ours": ours, "oracle": oracle}
        self.dirs = {name: tmp_path / name for name in self.bins}
        for root in self.dirs.values():
            root.mkdir()
            write_files(root, files)

    def run(self, *args: str, **env: str) -> tuple[CliResult, CliResult]:
        """(ours, oracle) results of `coverage *args` in each copy."""
        ours = run_coverage(self.bins["ours"], list(args), self.dirs["ours"], **env)
        oracle = run_coverage(self.bins["oracle"], list(args), self.dirs["oracle"], **env)
        return ours, oracle

    def write(self, files: dict[str, str]) -> None:
        """Add files to both copies."""
        for root in self.dirs.values():
            write_files(root, files)
