"""The report helpers against coverage.py's own functions, on many inputs:
percent display (`display_covered`), `should_fail_under` and its message,
and `format_lines` (the Missing column)."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from coverage import exceptions
from ferrocov import _engine

FUNCS = Path(__file__).parent / "oracle" / "report_text_funcs.py"


def _percentages() -> list[float]:
    """Every k/n for small n, computed as coverage.py computes pc_covered,
    plus values at the 0 and 100 edges."""
    values = {(100.0 * k) / n for n in range(1, 121) for k in range(n + 1)}
    values |= {0.0001, 0.004, 0.005, 0.0051, 0.05, 0.5, 99.5, 99.95, 99.995, 99.9999, 87.5, 2.675}
    return sorted(values)


def _line_cases(rng: random.Random) -> list[list]:
    cases = []
    for _ in range(3000):
        statements = sorted(rng.sample(range(1, 60), rng.randint(0, 40)))
        missing = [s for s in statements if rng.random() < 0.4]
        if rng.random() < 0.1 and statements:
            missing.append(rng.randint(1, 70))  # not a statement: coverage stalls
        arcs = None
        if rng.random() < 0.7:
            arcs = [
                (rng.choice(statements or [1]), rng.choice([-1, -5, *range(1, 70)])) for _ in range(rng.randint(0, 6))
            ]
            arcs = sorted(set(arcs))
        cases.append([statements, sorted(set(missing)), arcs])
    return cases


@pytest.fixture(scope="module")
def answers(oracle_python):
    rng = random.Random(20261125)
    thresholds = [0.0, 0.1, 1e-05, 33.333, 50.0, 75.0, 80.25, 80.5, 99.99, 100.0, -1.0, 100.5]
    cases = {
        "display": [[pc, prec] for pc in _percentages() for prec in range(5)] + [[50.0, -1]],
        "fail_under": [
            [pc, fu, prec]
            for pc in rng.sample(_percentages(), 400) + [0.0, 100.0, 80.25, 80.245, 99.995]
            for fu in thresholds
            for prec in range(4)
        ],
        "lines": _line_cases(rng),
    }
    proc = subprocess.run(
        [str(oracle_python), str(FUNCS)], input=json.dumps(cases), capture_output=True, text=True, check=True
    )
    return cases, json.loads(proc.stdout)


def _guarded(fn, *args):
    try:
        return fn(*args)
    except exceptions.CoverageException as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def test_display_covered(answers):
    cases, expected = answers
    ours = [_guarded(_engine.display_covered, pc, prec) for pc, prec in cases["display"]]
    diffs = [(c, e, o) for c, e, o in zip(cases["display"], expected["display"], ours) if e != o]
    assert not diffs, f"{len(diffs)} differ, e.g. {diffs[:5]}"
    assert expected["display"][-1]["error"] == "ConfigError"


def test_should_fail_under_and_message(answers):
    cases, expected = answers
    diffs = []
    for case, (fails, message) in zip(cases["fail_under"], expected["fail_under"]):
        ours = [_guarded(_engine.should_fail_under, *case), _guarded(_engine.format_fail_under_msg, *case)]
        if ours != [fails, message]:
            diffs.append((case, [fails, message], ours))
    assert not diffs, f"{len(diffs)} differ, e.g. {diffs[:5]}"
    assert any(isinstance(f, dict) and f["error"] == "ConfigError" for f, _ in expected["fail_under"])
    assert any(f is True for f, _ in expected["fail_under"])
    assert any(f is False for f, _ in expected["fail_under"])


def test_format_lines(answers):
    cases, expected = answers
    diffs = []
    for (stmts, missing, arcs), want in zip(cases["lines"], expected["lines"]):
        got = _engine.format_lines(stmts, missing, [tuple(a) for a in arcs] if arcs is not None else None)
        if got != want:
            diffs.append(((stmts, missing, arcs), want, got))
    assert not diffs, f"{len(diffs)} differ, e.g. {diffs[:3]}"
    assert any("->exit" in want for want in expected["lines"])


def test_format_lines_takes_grouped_arcs_and_sets():
    assert _engine.format_lines({1, 2, 3, 4}, {3}, {1: [2, -1]}.items()) == "1->2, 1->exit, 3"
    assert _engine.format_lines([1, 2, 3], [], None) == ""


def _config(**options):
    config = _engine.Config()
    config.from_args(**options)
    return config


def test_bad_options():
    row = ("a.py", 1, 0, 0, 0, 0, 0, "")
    with pytest.raises(exceptions.ConfigError, match=r"^Unknown report format choice: 'html'$"):
        _engine.render_text_report([row], _config(format="html"), False)
    with pytest.raises(exceptions.ConfigError, match=r"^Invalid sorting option: 'Branch'$"):
        _engine.render_text_report([row], _config(sort="Branch"), False)
    # An invalid sort is never looked at by the total-only format.
    assert _engine.render_text_report([row], _config(sort="bogus", format="total"), False) == ("100\n", 100.0)
