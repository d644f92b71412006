"""Run inside the oracle venv: coverage.py's answers for the report helpers.

Reads {"display": [[pc, precision]...], "fail_under": [[total, fail_under,
precision]...], "lines": [[statements, missing, arcs or null]...]} as JSON
on stdin and writes the same shape of answers on stdout; a raised
CoverageException becomes {"error": class name, "message": text}.
"""

from __future__ import annotations

import collections
import json
import sys

from coverage.exceptions import CoverageException
from coverage.results import display_covered, format_fail_under_msg, format_lines, should_fail_under


def guarded(fn, *args):
    try:
        return fn(*args)
    except CoverageException as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def grouped(arcs):
    """Arcs in the (line, [exits]) shape format_lines takes."""
    if arcs is None:
        return None
    exits = collections.defaultdict(list)
    for start, end in arcs:
        exits[start].append(end)
    return exits.items()


def main() -> None:
    cases = json.load(sys.stdin)
    answers = {
        "display": [guarded(display_covered, pc, prec) for pc, prec in cases["display"]],
        "fail_under": [
            [guarded(should_fail_under, *case), guarded(format_fail_under_msg, *case)] for case in cases["fail_under"]
        ],
        "lines": [format_lines(set(stmts), set(missing), grouped(arcs)) for stmts, missing, arcs in cases["lines"]],
    }
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
