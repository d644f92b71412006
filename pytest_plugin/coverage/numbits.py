"""Numbits: the packed sets of line numbers stored in coverage data files.

A numbits is a ``bytes`` blob in which bit ``n % 8`` of byte ``n // 8`` is
set when ``n`` is in the set. The work is done by ferrocov's engine; this
module gives it coverage.py's function names, plus SQLite functions for
people who query data files with Python's ``sqlite3``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from ferrocov import _engine

__all__ = [
    "num_in_numbits",
    "numbits_any_intersection",
    "numbits_intersection",
    "numbits_to_nums",
    "numbits_union",
    "nums_to_numbits",
    "register_sqlite_functions",
]


def nums_to_numbits(nums: Iterable[int]) -> bytes:
    """Pack the non-negative integers `nums` into a numbits."""
    return _engine.nums_to_numbits(nums)


def numbits_to_nums(numbits: bytes) -> list[int]:
    """The integers in `numbits`, ascending.

    Registered in SQLite by :func:`register_sqlite_functions`, it returns the
    list JSON-encoded instead.
    """
    return _engine.numbits_to_nums(bytes(numbits))


def numbits_union(numbits1: bytes, numbits2: bytes) -> bytes:
    """A numbits of the integers in either operand."""
    return _engine.numbits_union(bytes(numbits1), bytes(numbits2))


def numbits_intersection(numbits1: bytes, numbits2: bytes) -> bytes:
    """A numbits of the integers in both operands."""
    return _engine.numbits_intersection(bytes(numbits1), bytes(numbits2))


def numbits_any_intersection(numbits1: bytes, numbits2: bytes) -> bool:
    """Whether some integer is in both operands (cheaper than intersecting)."""
    return _engine.numbits_any_intersection(bytes(numbits1), bytes(numbits2))


def num_in_numbits(num: int, numbits: bytes) -> bool:
    """Whether `num` is in `numbits`."""
    return _engine.num_in_numbits(num, bytes(numbits))


class NumbitsUnionAgg:
    """The `numbits_union_agg` SQLite aggregate: the union of a column."""

    def __init__(self) -> None:
        self.result = b""

    def step(self, value: bytes) -> None:
        """Fold one row's numbits in."""
        self.result = _engine.numbits_union(self.result, bytes(value))

    def finalize(self) -> bytes:
        """The union of every row."""
        return self.result


def register_sqlite_functions(connection: sqlite3.Connection) -> None:
    """Make the numbits functions callable from SQL on `connection`.

    Defines ``numbits_union``, ``numbits_intersection``,
    ``numbits_any_intersection``, ``num_in_numbits``, ``numbits_to_nums``
    (returning JSON text) and the aggregate ``numbits_union_agg``, e.g.::

        select file_id, context_id from line_bits where num_in_numbits(?, numbits)
    """
    connection.create_function("numbits_union", 2, numbits_union)
    connection.create_function("numbits_intersection", 2, numbits_intersection)
    connection.create_function("numbits_any_intersection", 2, numbits_any_intersection)
    connection.create_function("num_in_numbits", 2, num_in_numbits)
    connection.create_function("numbits_to_nums", 1, lambda b: json.dumps(numbits_to_nums(b)))
    connection.create_aggregate("numbits_union_agg", 1, NumbitsUnionAgg)  # type: ignore[arg-type]
