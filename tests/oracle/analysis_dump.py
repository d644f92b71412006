"""Print coverage.py's static analysis of many files as one JSON object.

Run with the oracle interpreter (coverage 7.17.3):

    python analysis_dump.py [--exclude REGEX] [--raw] < list-of-paths

Each path maps to {"statements": [...], "excluded": [...]} or, when coverage
refuses the file, {"error": "<exception class>", "message": "..."}.
`--raw` adds the compiler's raw statement lines, to debug differences;
`--multiline` adds the multi-line map (keys as strings, JSON's way).
`--arcs` adds the possible arcs, the exit counts (keys as strings) and the
missing-arc description of each arc out of a branch line ("a b" keys).
"""

from __future__ import annotations

import argparse
import json
import sys

from coverage.config import DEFAULT_EXCLUDE
from coverage.exceptions import CoverageException
from coverage.misc import join_regex
from coverage.parser import PythonParser
from coverage.python import get_python_source


def arc_facts(parser: PythonParser) -> dict:
    exit_counts = parser.exit_counts()
    descriptions = {
        f"{a} {b}": parser.missing_arc_description(a, b) for a, b in parser.arcs() if exit_counts.get(a, 0) > 1
    }
    return {
        "arcs": sorted(parser.arcs()),
        "exit_counts": {str(k): v for k, v in sorted(exit_counts.items())},
        "descriptions": descriptions,
    }


def analyze(path: str, exclude: str | None, raw: bool, multiline: bool, arcs: bool = False) -> dict:
    try:
        # The same steps as PythonFileReporter: read the source, then parse it.
        text = get_python_source(path)
        parser = PythonParser(text=text, filename=path, exclude=exclude)
        parser.parse_source()
    except (CoverageException, SyntaxError, UnicodeError, LookupError, ValueError) as err:
        return {"error": type(err).__name__, "message": str(err)}
    result = {"statements": sorted(parser.statements), "excluded": sorted(parser.excluded)}
    if raw:
        result["raw"] = sorted(parser.raw_statements)
    if multiline:
        result["multiline"] = {str(k): v for k, v in sorted(parser.multiline_map.items())}
    if arcs:
        try:
            result.update(arc_facts(parser))
        except Exception as err:  # An analyzer failure is a result to compare.
            return {"error": type(err).__name__, "message": str(err)}
    return result


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--exclude", default=join_regex(DEFAULT_EXCLUDE))
    args.add_argument("--raw", action="store_true")
    args.add_argument("--multiline", action="store_true")
    args.add_argument("--arcs", action="store_true")
    opts = args.parse_args()
    paths = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    out = {path: analyze(path, opts.exclude or None, opts.raw, opts.multiline, opts.arcs) for path in paths}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
