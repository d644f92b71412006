"""coverage.py's `coverage.parser`: the static analysis of Python source.

The engine analyses source in Rust (ferrocov-analysis): `PythonParser` asks
it once per text, in `parse_source()`, and answers from that analysis
(statements, exclusions, arcs, exit counts, missing-arc sentences).
"""

from __future__ import annotations

import ast
import tokenize
from collections.abc import Iterable

from coverage.exceptions import NoSource, NotPython
from ferrocov import _engine

__all__ = ["PythonParser", "is_constant_test_expr", "multiline_map_from_text"]

TLineNo = int
TArc = tuple[int, int]


class PythonParser:
    """The analysis of one Python source, given as `text` or read from `filename`.

    `exclude` is the (joined) exclusion regex. Nothing is analysed until
    `parse_source()`; the arc methods parse on first use if it wasn't called.
    """

    def __init__(self, text: str | None = None, filename: str | None = None, exclude: str | None = None) -> None:
        assert text or filename, "PythonParser needs either text or filename"
        self.filename = filename or "<code>"
        if text is not None:
            self.text = text
        else:
            from coverage.python import get_python_source

            try:
                self.text = get_python_source(self.filename)
            except OSError as err:
                raise NoSource(f"No source for code: '{self.filename}': {err}") from err
        self.exclude = exclude
        self.statements: set[TLineNo] = set()
        self.excluded: set[TLineNo] = set()
        self.raw_statements: set[TLineNo] = set()
        self.raw_excluded: set[TLineNo] = set()
        self.raw_docstrings: set[TLineNo] = set()
        self.multiline_map: dict[TLineNo, TLineNo] = {}
        self.show_tokens = False
        self._parsed: _engine.ParsedSource | None = None

    def parse_source(self) -> None:
        """Analyse the text; NotPython if it isn't Python."""
        parsed = _engine.ParsedSource.parse(self.text, self.filename, self.exclude or None)
        self._parsed = parsed
        self.statements = parsed.statements
        self.excluded = parsed.excluded
        self.raw_statements = parsed.raw_statements
        self.raw_excluded = parsed.raw_excluded
        self.raw_docstrings = parsed.raw_docstrings
        self.multiline_map = parsed.multiline_map

    def _analysis(self) -> _engine.ParsedSource:
        if self._parsed is None:
            self.parse_source()
        assert self._parsed is not None
        return self._parsed

    def lines_matching(self, regex: str) -> set[TLineNo]:
        """Lines (as first lines of their statements) where `regex` matches."""
        return _engine.lines_matching(self.text, regex, self.multiline_map)

    def first_line(self, lineno: TLineNo) -> TLineNo:
        """The first line of the statement holding `lineno` (negated for a negative line)."""
        first = self.multiline_map.get(abs(lineno), abs(lineno))
        return -first if lineno < 0 else first

    def first_lines(self, linenos: Iterable[TLineNo]) -> set[TLineNo]:
        return {self.first_line(lineno) for lineno in linenos}

    def translate_lines(self, lines: Iterable[TLineNo]) -> set[TLineNo]:
        return self.first_lines(lines)

    def translate_arcs(self, arcs: Iterable[TArc]) -> set[TArc]:
        return self._analysis().translate_arcs(list(arcs))

    def arcs(self) -> set[TArc]:
        """The possible arcs, between first lines of statements."""
        return self._analysis().arcs()

    def exit_counts(self) -> dict[TLineNo, int]:
        """`{line: number of ways out}`, excluded lines left out."""
        return self._analysis().exit_counts()

    def missing_arc_description(self, start: TLineNo, end: TLineNo) -> str:
        """Why `start -> end` may not have run, as coverage.py says it."""
        return self._analysis().missing_arc_description(start, end)

    def arc_description(self, start: TLineNo, end: TLineNo) -> str:
        """What `start -> end` does ("jump to line 7")."""
        return self._analysis().arc_description(start, end)


def multiline_map_from_text(text: str) -> dict[TLineNo, TLineNo]:
    """`{line: first line}` for the lines of multi-line statements in `text`.

    Text that doesn't tokenize raises tokenize.TokenError, as coverage.py's does.
    """
    try:
        return _engine.multiline_map_from_text(text)
    except NotPython as err:
        raise tokenize.TokenError(str(err)) from err


def is_constant_test_expr(node: ast.AST) -> tuple[bool, bool]:
    """(is `node` a constant test?, its truth): the forms coverage.py folds.

    Only literals, `True`/`False`/`None`/`__debug__`, `not` of those, and
    `and`/`or` of constants count. It works on Python's own `ast` nodes, so
    it is plain Python; the engine's analysis has its own rules in Rust.
    """
    if isinstance(node, ast.Constant):
        return True, bool(node.value)
    if isinstance(node, ast.Name):
        constants = {"True": True, "False": False, "None": False, "__debug__": __debug__}
        if node.id in constants:
            return True, constants[node.id]
        return False, False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        constant, value = is_constant_test_expr(node.operand)
        return constant, not value
    if isinstance(node, ast.BoolOp):
        parts = [is_constant_test_expr(value) for value in node.values]
        if all(constant for constant, _ in parts):
            combine = any if isinstance(node.op, ast.Or) else all
            return True, combine(value for _, value in parts)
    return False, False
