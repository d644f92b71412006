"""coverage.py's `coverage.results`: per-file results and their counts.

The engine computes them (`_engine.file_results` gives a `FileResult` per
file: statements, executed lines and arcs, exit counts, Numbers); this
module is coverage.py's face over them, for the reports and for code that
imports `Analysis`, `Numbers`, `display_covered` or `should_fail_under`.
"""

from __future__ import annotations

import collections
import functools

from ferrocov import _engine
from ferrocov._engine import Numbers, display_covered, format_fail_under_msg, should_fail_under

__all__ = [
    "Analysis",
    "Numbers",
    "display_covered",
    "format_fail_under_msg",
    "format_lines",
    "should_fail_under",
]

TArc = tuple[int, int]


class Analysis:
    """The results of one file, as coverage.py's `Analysis` offers them."""

    def __init__(self, filename: str, display_name: str, result: _engine.FileResult, precision: int) -> None:
        self._result = result
        self.precision = precision
        self.filename = filename
        self.display_name = display_name
        self.has_arcs = result.has_arcs
        self.numbers = result.numbers(precision)

    # The line and arc collections become Python objects only when asked
    # for: the reports render from the engine's result directly.

    @functools.cached_property
    def statements(self) -> set[int]:
        return self._result.statements

    @functools.cached_property
    def excluded(self) -> set[int]:
        return self._result.excluded

    @functools.cached_property
    def executed(self) -> set[int]:
        return self._result.executed

    @functools.cached_property
    def missing(self) -> set[int]:
        return self._result.missing

    @functools.cached_property
    def arc_possibilities(self) -> list[TArc]:
        return self._result.arc_possibilities

    @functools.cached_property
    def arc_possibilities_set(self) -> set[TArc]:
        return set(self.arc_possibilities)

    @functools.cached_property
    def arcs_executed(self) -> list[TArc]:
        return self._result.arcs_executed

    @functools.cached_property
    def arcs_executed_set(self) -> set[TArc]:
        return set(self.arcs_executed)

    @functools.cached_property
    def exit_counts(self) -> dict[int, int]:
        return self._result.exit_counts

    @functools.cached_property
    def no_branch(self) -> set[int]:
        return self._result.no_branch

    def missing_formatted(self, branches: bool = False) -> str:
        """The Missing column: "1-2, 5-11", with "5->7" branches if asked."""
        return self._result.missing_formatted(branches)

    def arcs_missing(self) -> list[TArc]:
        """Possible arcs not executed (not from no-branch lines, not into excluded ones)."""
        return self._result.arcs_missing()

    def _branch_lines(self) -> list[int]:
        return self._result.branch_lines()

    def _total_branches(self) -> int:
        return self._result.total_branches()

    def missing_branch_arcs(self) -> dict[int, list[int]]:
        """`{line: [destination, ...]}` of branches not taken."""
        return collections.defaultdict(list, self._result.missing_branch_arcs())

    def executed_branch_arcs(self) -> dict[int, list[int]]:
        """`{line: [destination, ...]}` of possible branches taken."""
        return collections.defaultdict(list, self._result.executed_branch_arcs())

    def branch_stats(self) -> dict[int, tuple[int, int]]:
        """`{line: (exits, exits taken)}` of each branch line."""
        return self._result.branch_stats()

    def report_row(self, branches: bool) -> tuple[str, int, int, int, int, int, int, str]:
        """The text report's row for this file."""
        n = self.numbers
        return (
            self.display_name,
            n.n_statements,
            n.n_excluded,
            n.n_missing,
            n.n_branches,
            n.n_partial_branches,
            n.n_missing_branches,
            self.missing_formatted(branches),
        )


def format_lines(statements, lines, arcs=None) -> str:  # type: ignore[no-untyped-def]
    """Line ranges of `lines` within `statements` ("1-2, 5-11, 13-14"), with
    missing branches from `arcs` (`(line, [destination, ...])` pairs)."""
    return _engine.format_lines(sorted(statements), sorted(lines), list(arcs) if arcs is not None else None)
