"""`coverage.parser` and `coverage.python` as coverage.py 7.17.3 offers them.

The same dump script (tests/oracle/parser_api_dump.py) runs under the oracle
and under this interpreter's ferrocov, on the branch programs, on indented
fragments and on texts that do not parse; every answer must be equal:
statements, exclusions, docstrings, the multi-line map, arcs, exit counts,
both arc descriptions of every arc, `lines_matching`, `multiline_map_from_text`
and the NotPython messages. (`raw_statements` is left out: ferrocov keeps
statement lines only, not lines of expressions inside a statement.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import coverage
from coverage.exceptions import NoSource
from coverage.parser import PythonParser, is_constant_test_expr
from coverage.python import PythonFileReporter, get_python_source

HERE = Path(__file__).resolve().parent
DUMP = HERE / "oracle" / "parser_api_dump.py"
PROGRAMS = sorted((HERE / "branch_programs").glob("*.py"))

FRAGMENTS = [
    "    x = (\n        1 +\n        2\n    )\n    y = 5\n",
    "    total = 1 + \\\n        2\n",
    "    s = '''one\n    two'''\n",
]

# Texts that don't parse, where CPython's message is the tokenizer's or a
# fixed one: ferrocov's NotPython message must be coverage.py's, word for word.
BROKEN = [
    "]",
    "x = [1, 2)\n",
    "x = [1,\n2)\n",
    "x = 1 +\n)",
    "x = = 1\n]\n",
    "x = = 1\ny = [1, 2)\n",
    "x = (\n",
    "y = (\nx = = 1\n",
    "  a = 1\n  b = 2\n",
]

# Texts where CPython's message comes from its grammar's error rules
# ("invalid syntax", "expected ':'"): both refuse them with NotPython, in
# other words; the multi-line map of such text may differ too (ruff's parser
# re-lexes after an error inside brackets).
BROKEN_OTHERWISE = [
    "x = = 1\ny = (\n",
    "def f(:\n  pass\n)",
    "'''",
    "0 spaces\n  2\n 1",
    "$hello",
]

EXCLUDE = "#\\s*(pragma|PRAGMA)[:\\s]?\\s*(no|NO)\\s*(cover|COVER)|nocover"


def dump(python: str | Path, cases: list[dict]) -> list[dict]:
    out = subprocess.run(
        [str(python), "-W", "ignore", str(DUMP)], input=json.dumps(cases), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def cases(texts: list[str]) -> list[dict]:
    return [{"text": text, "exclude": EXCLUDE} for text in texts]


def compare(oracle_python: Path, names: list[str], texts: list[str]) -> dict[str, tuple[dict, dict]]:
    ours, theirs = dump(sys.executable, cases(texts)), dump(oracle_python, cases(texts))
    differing = {name: (a, b) for name, a, b in zip(names, ours, theirs, strict=True) if a != b}
    for name, (a, b) in list(differing.items())[:20]:
        for key in [k for k in a if a[k] != b[k]]:
            print(f"{name!r} {key}:\n  ferrocov {a[key]}\n  coverage {b[key]}")
    return differing


def test_parser_answers_as_coverage_does(oracle_python: Path) -> None:
    names = [p.name for p in PROGRAMS] + [f"fragment {i}" for i in range(len(FRAGMENTS))] + BROKEN
    texts = [p.read_text(encoding="utf-8") for p in PROGRAMS] + FRAGMENTS + BROKEN
    differing = compare(oracle_python, names, texts)
    assert not differing, f"{len(differing)} of {len(texts)} texts differ: {sorted(differing)[:10]}"


def test_other_broken_texts_are_not_python_for_both(oracle_python: Path) -> None:
    ours, theirs = dump(sys.executable, cases(BROKEN_OTHERWISE)), dump(oracle_python, cases(BROKEN_OTHERWISE))
    assert [o["parser"].get("error") for o in ours] == [t["parser"].get("error") for t in theirs]
    assert {o["parser"].get("error") for o in ours} == {"NotPython"}


BAD_ENCODINGS = {
    "unknown.py": b"# coding: uft-8\nx = 1\n",
    "bom_and_cookie.py": b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
    "undeclared.py": b"x = '\xe9'\n",
}

READ_AND_ANALYZE = """
import json, sys
import coverage
from coverage.python import get_python_source
out = {}
for path in sys.argv[1:]:
    row = []
    try:
        get_python_source(path)
        row.append("read")
    except Exception as err:
        row.append([type(err).__name__, str(err)])
    cov = coverage.Coverage(data_file=None)
    cov.start()
    cov.stop()
    try:
        cov.analysis2(path)
        row.append("analyzed")
    except Exception as err:
        row.append([type(err).__name__, str(err)])
    out[path.rsplit("/", 1)[-1]] = row
print(json.dumps(out))
"""


def test_bad_encodings_raise_syntax_error_as_coverage_does(tmp_path: Path, oracle_python: Path) -> None:
    paths = []
    for name, raw in BAD_ENCODINGS.items():
        (tmp_path / name).write_bytes(raw)
        paths.append(str(tmp_path / name))

    def run(python: str | Path) -> dict:
        out = subprocess.run(
            [str(python), "-c", READ_AND_ANALYZE, *paths], capture_output=True, text=True, check=True, cwd=tmp_path
        )
        return json.loads(out.stdout)

    ours, theirs = run(sys.executable), run(oracle_python)
    assert ours == theirs
    assert {row[0][0] for row in ours.values()} == {"SyntaxError"}


def test_broken_texts_name_the_file_and_line() -> None:
    parser = PythonParser(text="x = (\n", filename="broken.py")
    with pytest.raises(
        coverage.exceptions.NotPython, match=r"Couldn't parse 'broken.py' as Python source: .* at line 1"
    ):
        parser.parse_source()


def test_missing_file_is_no_source(tmp_path: Path) -> None:
    with pytest.raises(NoSource, match="No source for code"):
        PythonParser(filename=str(tmp_path / "nothere.py"))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [("True", (True, True)), ("0", (True, False)), ("not __debug__", (True, False)), ("x or 1", (False, False))],
)
def test_is_constant_test_expr(expr: str, expected: tuple[bool, bool]) -> None:
    import ast

    assert is_constant_test_expr(ast.parse(expr).body[0].value) == expected  # type: ignore[attr-defined]


def test_file_reporter_after_a_branch_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "prog.py").write_text(
        textwrap.dedent("""\
            def f(x):
                if x:
                    return 1
                return 2
            f(1)
            """),
        encoding="utf-8",
    )
    cov = coverage.Coverage(branch=True, data_file=None)
    cov.start()
    try:
        import prog  # noqa: F401
    finally:
        cov.stop()
        sys.modules.pop("prog", None)
    reporter = cov._get_file_reporter(str(tmp_path / "prog.py"))
    assert isinstance(reporter, PythonFileReporter)
    assert reporter.relative_filename() == "prog.py"
    assert reporter.lines() == {1, 2, 3, 4, 5}
    assert reporter.exit_counts()[2] == 2
    assert cov._analyze(str(tmp_path / "prog.py")).arcs_missing() == [(2, 4), (4, -1)]
    expected = "line 2 didn't jump to line 4 because the condition on line 2 was always true"
    assert reporter.missing_arc_description(2, 4) == expected
    assert reporter.source() == get_python_source(str(tmp_path / "prog.py"))
    assert [fr for fr, _ in cov._get_file_reporters()] == [reporter]
