"""The summary report (`coverage report`) against coverage.py 7.17.3.

Small projects are measured by the oracle; the oracle's per-file numbers
and Missing text go through `_engine.render_text_report`, and the result
must equal the oracle's own report to the character, for every combination
of -m, --skip-covered, --skip-empty, --precision, --sort and --format, with
branch coverage on and off.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from coverage import exceptions
from ferrocov import _engine

DUMP = Path(__file__).parent / "oracle" / "report_text_dump.py"

# Nested packages, empty __init__ files, names that sort differently by
# human and plain order (util2/util10), markdown-special names, a
# non-ASCII name, a control character in a name, a non-ASCII digit,
# fully covered, partly covered, never imported (0%) and
# statement-free files.
PROJECT_PACKAGES = {
    "main.py": """\
import runpy
import app.core.engine as engine
import app.util2, app.util10, lib.helpers, lib.empty_mod, módulo
engine.classify(5)
engine.classify(-1)
engine.loop(3)
engine.partial(1)
engine.early([1])
app.util2.first()
app.util10.first()
lib.helpers.everything(1)
lib.helpers.everything(0)
módulo.f()
runpy.run_path("lib/odd_[name]#1.py")
runpy.run_path("lib/tab\\tname.py")
runpy.run_path("app/v\u0663.py")
""",
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/engine.py": """\
def classify(n):
    if n > 0:
        kind = "positive"
    elif n < 0:
        kind = "negative"
    else:
        kind = "zero"
    return kind


def loop(n):
    total = 0
    for i in range(n):
        if i % 2:
            total += i
    while total > 100:
        total -= 1
    return total


def partial(x):
    if x:
        x += 1
    return x


def early(items):
    for item in items:
        return item


def unused(x):
    try:
        return 1 / x
    except ZeroDivisionError:
        return None
""",
    "app/util2.py": "def first():\n    return 1\n\ndef second():\n    return 2\n",
    "app/util10.py": "def first():\n    return 1\n\ndef second():\n    return 2\n",
    "app/never.py": "import os\n\ndef f():\n    return os.sep\n",
    "lib/__init__.py": "",
    "lib/helpers.py": "def everything(x):\n    if x:\n        return 1\n    return 0\n",
    "lib/empty_mod.py": "# only a comment\n",
    "lib/odd_[name]#1.py": "x = 1\nif x == 2:\n    y = 3\n",
    "lib/tab\tname.py": "a = 1\nb = 2\n",
    "app/v\u0663.py": "def f():\n    return 3\n",
    "módulo.py": "def f():\n    return [i for i in range(3) if i]\n",
}


# Percentages close to 0 and 100 (never shown as "0" or "100"), exact ties
# on rounding (87.5, 62.5), and equal coverage in differently named files.
def _many_statements(n_statements: int, n_run: int) -> str:
    """A module of `n_statements` of which `n_run` run (the `def` is one)."""
    lines = [f"v{i} = {i}" for i in range(n_run - 1)]
    lines.append("def never():")
    lines += [f"    w{i} = {i}" for i in range(n_statements - n_run)]
    return "\n".join(lines) + "\n"


PROJECT_ROUNDING = {
    "main.py": "import a9, a10, near100, near0, tie875, tie625, b\n",
    "a9.py": "x = 1\n",
    "a10.py": "x = 1\n",
    "near100.py": _many_statements(400, 399),
    "near0.py": _many_statements(400, 1),
    "tie875.py": _many_statements(8, 7),
    "tie625.py": _many_statements(8, 5),
    "b.py": "def f(a):\n    if a:\n        return 1\n    return 2\nf(1)\nf(0)\n",
}

# Everything covered: --skip-covered leaves an empty table.
PROJECT_COVERED = {
    "main.py": "import one\none.f()\n",
    "one.py": "def f():\n    return 1\n",
}

PROJECTS = {"packages": PROJECT_PACKAGES, "rounding": PROJECT_ROUNDING, "covered": PROJECT_COVERED}


def _write_project(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(
    scope="module",
    params=[(p, b) for p in PROJECTS for b in (False, True)],
    ids=lambda pb: f"{pb[0]}-{'branch' if pb[1] else 'line'}",
)
def measured(request, tmp_path_factory, oracle_python):
    """A project run under the oracle, and the oracle's dump of it."""
    name, branch = request.param
    root = tmp_path_factory.mktemp(name)
    _write_project(root, PROJECTS[name])
    run = [str(oracle_python), "-m", "coverage", "run", "--source=."]
    if branch:
        run.append("--branch")
    subprocess.run([*run, "main.py"], cwd=root, check=True, capture_output=True)
    subprocess.run([str(oracle_python), str(DUMP), ".coverage", "dump.json"], cwd=root, check=True)
    dump = json.loads((root / "dump.json").read_text(encoding="utf-8"))
    assert dump["branches"] == branch
    return root, dump


def _engine_rows(dump: dict) -> list[tuple]:
    return [(row["name"], *row["numbers"], row["missing_text"]) for row in dump["rows"]]


def _render(rows: list[tuple], options: dict, branches: bool) -> dict:
    config = _engine.Config()
    config.from_args(
        show_missing=options["show_missing"],
        skip_covered=options["skip_covered"],
        skip_empty=options["skip_empty"],
        precision=options["precision"],
        sort=options["sort"],
        format=options["output_format"],
    )
    try:
        text, total = _engine.render_text_report(rows, config, branches)
    except exceptions.CoverageException as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"text": text, "total": total}


def test_every_option_combination_matches(measured):
    _, dump = measured
    rows = _engine_rows(dump)
    assert len(dump["reports"]) == 8 * 16 * 3 + 8 * 4 * 3 * 3
    mismatches = []
    for case in dump["reports"]:
        ours = _render(rows, case["options"], dump["branches"])
        if ours != case["result"]:
            mismatches.append((case["options"], case["result"], ours))
    assert not mismatches, f"{len(mismatches)} differ; first: {mismatches[0]}"


def test_the_matrix_covers_errors_and_skips(measured):
    """Guard against a vacuous comparison: the oracle's results must include
    tables, skip lines, both error kinds, and a total-only output."""
    _, dump = measured
    results = [case["result"] for case in dump["reports"]]
    texts = [r["text"] for r in results if "text" in r]
    assert any("TOTAL" in t and "Missing" in t for t in texts)
    assert any("skipped due to complete coverage." in t for t in texts)
    assert any(r.get("message") == "Invalid sorting option: 'bogus'" for r in results)
    assert any(r.get("message") == "precision=-1 is invalid. Must not be negative." for r in results)
    assert any(t.count("\n") == 1 for t in texts)
    if dump["branches"]:
        assert any("BrPart" in t for t in texts)


def test_no_data_to_report(measured):
    _, dump = measured
    assert dump["nodata"] == {"error": "NoDataError", "message": "No data to report."}
    with pytest.raises(exceptions.NoDataError, match=r"^No data to report\.$"):
        _engine.render_text_report([], _engine.Config(), dump["branches"])


def test_missing_text_matches_format_lines(measured):
    _, dump = measured
    for row in dump["rows"]:
        arcs = [tuple(arc) for arc in row["missing_arcs"]]
        with_branches = _engine.format_lines(row["statements"], row["missing"], arcs if dump["branches"] else None)
        assert with_branches == row["missing_text"], row["name"]
        assert _engine.format_lines(row["statements"], row["missing"], None) == row["missing_text_nobranch"]


CLI_CASES = [
    [],
    ["-m"],
    ["-m", "--skip-covered", "--skip-empty"],
    ["--precision=2", "--sort=-cover"],
    ["--format=markdown", "-m", "--sort=miss"],
    ["--format=total", "--precision=3"],
]


@pytest.mark.parametrize("args", CLI_CASES, ids=lambda a: " ".join(a) or "plain")
def test_cli_report_matches(measured, oracle_bin, args):
    """The oracle's `coverage report` command prints exactly the API's report."""
    root, dump = measured
    proc = subprocess.run(
        [str(oracle_bin / "coverage"), "report", *args], cwd=root, capture_output=True, text=True, check=True
    )
    options = dict(
        show_missing="-m" in args,
        skip_covered="--skip-covered" in args,
        skip_empty="--skip-empty" in args,
        precision=0,
        sort=None,
        output_format="text",
    )
    for arg in args:
        if arg.startswith("--precision="):
            options["precision"] = int(arg.split("=")[1])
        elif arg.startswith("--sort="):
            options["sort"] = arg.split("=")[1]
        elif arg.startswith("--format="):
            options["output_format"] = arg.split("=")[1]
    ours = _render(_engine_rows(dump), options, dump["branches"])
    assert ours["text"] == proc.stdout
