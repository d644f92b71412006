"""Print what `coverage.parser` answers for many source texts, as JSON.

Run by both interpreters: the oracle's (coverage.py 7.17.3) and ours
(ferrocov's `coverage` face), so one script defines what is compared.

    python parser_api_dump.py < cases.json

Input: a JSON list of {"text": ..., "exclude": regex or null}. Output: one
object per case with the parser's sets and maps, every arc's descriptions,
`lines_matching` for a few regexes, `multiline_map_from_text`, or the
exception each step raised (class name and message).
"""

from __future__ import annotations

import json
import sys
import textwrap

from coverage.parser import PythonParser, multiline_map_from_text

REGEXES = [r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(branch|BRANCH)", r"while (True|1|False|0):", r"\bif\b", r"a\nb"]


def sorted_map(mapping: dict) -> dict:
    return {str(k): v for k, v in sorted(mapping.items())}


def failure(err: BaseException) -> dict:
    return {"error": type(err).__name__, "message": str(err)}


def parser_facts(text: str, exclude: str | None) -> dict:
    parser = PythonParser(text=text, exclude=exclude)
    try:
        parser.parse_source()
    except Exception as err:
        return failure(err)
    arcs = sorted(parser.arcs())
    return {
        "statements": sorted(parser.statements),
        "excluded": sorted(parser.excluded),
        "raw_excluded": sorted(parser.raw_excluded),
        "raw_docstrings": sorted(parser.raw_docstrings),
        "multiline": sorted_map(parser.multiline_map),
        "arcs": arcs,
        "exit_counts": sorted_map(parser.exit_counts()),
        "missing": {f"{a} {b}": parser.missing_arc_description(a, b) for a, b in arcs},
        "action": {f"{a} {b}": parser.arc_description(a, b) for a, b in arcs},
        "first_lines": sorted(parser.first_lines(range(-3, len(text.splitlines()) + 2))),
        "matching": {regex: sorted(parser.lines_matching(regex)) for regex in REGEXES},
    }


def multiline_facts(text: str) -> dict:
    try:
        return {"map": sorted_map(multiline_map_from_text(text))}
    except Exception as err:
        return {"error": type(err).__name__}


def main() -> None:
    cases = json.load(sys.stdin)
    out = []
    for case in cases:
        text = case["text"]
        out.append(
            {
                "parser": parser_facts(text, case["exclude"]),
                "multiline_from_text": multiline_facts(text),
                "multiline_dedented": multiline_facts(textwrap.dedent(text)),
            }
        )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
