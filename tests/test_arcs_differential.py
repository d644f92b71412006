"""ferrocov's possible arcs equal coverage.py's: on the branch programs and
on the standard library.

For each file, coverage.py 7.17.3 (the oracle, in a subprocess that dumps
JSON) and ferrocov must agree on the possible arcs, the exit counts (which
make the branch lines and the Branch column) and the sentence describing
each arc out of a branch line, or must both refuse the file.

The whole standard library takes the oracle about 30 seconds per version.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ferrocov import _engine
from test_stdlib_differential import DEFAULT_EXCLUDE, known_differences, run_oracle, stdlib_files

HERE = Path(__file__).resolve().parent
PROGRAMS = sorted(str(p) for p in (HERE / "branch_programs").glob("*.py"))


def ferrocov_arcs(files: list[str]) -> dict:
    results = {}
    for path, result in zip(files, _engine.analyze_arcs(files, DEFAULT_EXCLUDE)):
        if isinstance(result, BaseException):
            results[path] = {"error": type(result).__name__}
            continue
        arcs, exit_counts, descriptions = result
        results[path] = {
            "arcs": [list(arc) for arc in arcs],
            "exit_counts": {str(k): v for k, v in exit_counts.items()},
            "descriptions": {f"{a} {b}": text for (a, b), text in descriptions.items()},
        }
    return results


def differences(ours: dict, theirs: dict) -> str:
    if "error" in ours or "error" in theirs:
        both_refuse = "error" in ours and "error" in theirs
        return "" if both_refuse else f"ferrocov {ours.get('error', 'ok')} / coverage {theirs.get('error', 'ok')}"
    parts = []
    ours_arcs, their_arcs = {tuple(a) for a in ours["arcs"]}, {tuple(a) for a in theirs["arcs"]}
    if ours_arcs != their_arcs:
        extra = sorted(ours_arcs - their_arcs)
        missing = sorted(their_arcs - ours_arcs)
        parts.append(f"arcs: extra {extra[:8]} missing {missing[:8]}")
    if ours["exit_counts"] != theirs["exit_counts"]:
        parts.append("exit counts differ")
    wrong = {k: (v, theirs["descriptions"].get(k)) for k, v in ours["descriptions"].items()}
    wrong = {k: pair for k, pair in wrong.items() if pair[0] != pair[1]}
    if wrong or set(theirs["descriptions"]) - set(ours["descriptions"]):
        parts.append(f"descriptions: {list(wrong.items())[:3]}")
    return "; ".join(parts)


def compare(oracle_python: Path, files: list[str]) -> dict[str, str]:
    theirs = run_oracle(oracle_python, files, "--arcs")
    ours = ferrocov_arcs(files)
    found = {path: differences(ours[path], theirs[path]) for path in files}
    return {path: what for path, what in found.items() if what}


def test_branch_programs_arcs_match_coverage(oracle_python: Path) -> None:
    differing = compare(oracle_python, PROGRAMS)
    assert len(PROGRAMS) >= 20
    assert not differing, differing


def test_stdlib_arcs_match_coverage(oracle_python: Path) -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    root, files = stdlib_files()
    differing = {str(Path(p).relative_to(root)): what for p, what in compare(oracle_python, files).items()}
    print(f"\nPython {version}: compared arcs of {len(files)} files, {len(differing)} differ")
    for path, what in sorted(differing.items()):
        print(f"  {path}: {what}")
    known = known_differences(version)
    unexpected = {p: w for p, w in differing.items() if p not in known}
    if not files:
        pytest.fail("no stdlib files found")
    assert not unexpected, f"{len(unexpected)} unexpected differences: {dict(list(unexpected.items())[:20])}"
