"""ferrocov's static analysis equals coverage.py's on the whole standard library.

For every .py file under the running interpreter's stdlib directory (test
packages included; the third-party `site-packages` inside it is not stdlib),
coverage.py 7.17.3 (the oracle, run once in a subprocess that dumps JSON) and
ferrocov must agree on the statements and the excluded lines, or must both
refuse the file. Files that differ must be listed, with a reason, in
tests/stdlib_known_differences.txt.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from ferrocov import _engine

HERE = Path(__file__).resolve().parent
ORACLE_DUMP = HERE / "oracle" / "analysis_dump.py"
KNOWN_DIFFERENCES = HERE / "stdlib_known_differences.txt"

# coverage.py's DEFAULT_EXCLUDE, joined as coverage.misc.join_regex joins it.
DEFAULT_EXCLUDE = "|".join(
    f"(?:{r})"
    for r in [
        r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
        r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
        r"^\s*if (typing\.)?TYPE_CHECKING:",
    ]
)


def stdlib_files() -> tuple[Path, list[str]]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(str(p) for p in root.rglob("*.py") if "site-packages" not in p.relative_to(root).parts)
    return root, files


def known_differences(version: str) -> dict[str, str]:
    known = {}
    for line in KNOWN_DIFFERENCES.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ver, path, reason = line.split(None, 2)
        if ver == version:
            known[path] = reason
    return known


def run_oracle(oracle_python: Path, files: list[str], *options: str) -> dict:
    """The oracle's analysis dump of `files` (`options`: analysis_dump.py's)."""
    out = subprocess.run(
        [str(oracle_python), "-W", "ignore", str(ORACLE_DUMP), *options, "--exclude", DEFAULT_EXCLUDE],
        input="\n".join(files),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def ferrocov_results(files: list[str]) -> dict:
    results = {}
    for path, result in zip(files, _engine.analyze_files(files, DEFAULT_EXCLUDE)):
        if isinstance(result, Exception):
            results[path] = {"error": type(result).__name__, "message": str(result)}
        else:
            statements, excluded, _multiline = result
            results[path] = {"statements": statements, "excluded": excluded}
    return results


def describe(ours: dict, theirs: dict) -> str:
    if "error" in ours or "error" in theirs:
        return f"ferrocov {ours.get('error', 'ok')} / coverage {theirs.get('error', 'ok')}"
    parts = []
    for key in ("statements", "excluded"):
        extra = sorted(set(ours[key]) - set(theirs[key]))
        missing = sorted(set(theirs[key]) - set(ours[key]))
        if extra or missing:
            parts.append(f"{key}: extra {extra[:10]} missing {missing[:10]}")
    return "; ".join(parts)


def test_stdlib_analysis_matches_coverage(oracle_python: Path) -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    root, files = stdlib_files()
    assert len(files) > 1000

    start = time.perf_counter()
    theirs = run_oracle(oracle_python, files)
    oracle_seconds = time.perf_counter() - start
    start = time.perf_counter()
    ours = ferrocov_results(files)
    ferrocov_seconds = time.perf_counter() - start

    differing = {}
    for path in files:
        a, b = ours[path], theirs[path]
        same = ("error" in a and "error" in b) or (
            "error" not in a
            and "error" not in b
            and a["statements"] == b["statements"]
            and a["excluded"] == b["excluded"]
        )
        if not same:
            differing[str(Path(path).relative_to(root))] = describe(a, b)

    print(
        f"\nPython {version}: compared {len(files)} files, {len(differing)} differ; "
        f"ferrocov {ferrocov_seconds:.2f}s, coverage.py {oracle_seconds:.2f}s"
    )
    for path, what in sorted(differing.items()):
        print(f"  {path}: {what}")

    known = known_differences(version)
    unexpected = {p: w for p, w in differing.items() if p not in known}
    assert not unexpected, f"unexpected differences: {unexpected}"
