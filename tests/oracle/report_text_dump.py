"""Run inside the oracle venv: dump what coverage.py's summary report needs.

Usage: python report_text_dump.py DATA_FILE OUT_JSON

Writes the per-file inputs of the report (name, Numbers, Missing text, and
the raw line/arc sets behind that text), and coverage.py's own `report()`
output for every option combination the differential test checks.
"""

from __future__ import annotations

import io
import itertools
import json
import sys

import coverage
from coverage.exceptions import CoverageException
from coverage.report_core import get_analysis_to_report

SORTS = [
    None,
    "name",
    "-name",
    "+Name",
    "stmts",
    "-stmts",
    "miss",
    "-miss",
    "cover",
    "-cover",
    "branch",
    "-branch",
    "brpart",
    "-BrPart",
    "bogus",
    "-",
]
FORMATS = ["text", "markdown", "total"]
PRECISIONS = [0, 1, 2, 3, -1]
FLAGS = list(itertools.product([False, True], repeat=3))  # show_missing, skip_covered, skip_empty


def combinations() -> list[tuple]:
    """Option combinations to report with.

    Every report re-analyzes every file, so the full cross product (1,920
    reports a project) is slow; instead, every pair of options meets: all
    flags x sorts x formats at precision 0, and all flags x precisions x
    formats with the default, a descending and an invalid sort.
    """
    combos = itertools.chain(
        itertools.product(FLAGS, [0], SORTS, FORMATS),
        itertools.product(FLAGS, PRECISIONS, [None, "-cover", "bogus"], FORMATS),
    )
    return list(dict.fromkeys(combos))


def file_rows(cov: coverage.Coverage) -> list[dict]:
    rows = []
    for fr, analysis in get_analysis_to_report(cov, None):
        nums = analysis.numbers
        arcs = analysis.missing_branch_arcs() if analysis.has_arcs else {}
        rows.append(
            {
                "name": fr.relative_filename(),
                "numbers": [
                    nums.n_statements,
                    nums.n_excluded,
                    nums.n_missing,
                    nums.n_branches,
                    nums.n_partial_branches,
                    nums.n_missing_branches,
                ],
                "missing_text": analysis.missing_formatted(branches=True),
                "missing_text_nobranch": analysis.missing_formatted(branches=False),
                "statements": sorted(analysis.statements),
                "missing": sorted(analysis.missing),
                "missing_arcs": sorted((a, b) for a, bs in arcs.items() for b in bs),
            }
        )
    return rows


def one_report(cov: coverage.Coverage, **options) -> dict:
    out = io.StringIO()
    if options["sort"] is None:
        cov.config.sort = None  # report() ignores None; reset what a previous call set
    try:
        total = cov.report(file=out, **options)
    except CoverageException as exc:
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"text": out.getvalue(), "total": total}


def main() -> None:
    data_file, out_json = sys.argv[1], sys.argv[2]
    cov = coverage.Coverage(data_file=data_file)
    cov.load()
    reports = []
    for (show_missing, skip_covered, skip_empty), precision, sort, fmt in combinations():
        options = dict(
            show_missing=show_missing,
            skip_covered=skip_covered,
            skip_empty=skip_empty,
            precision=precision,
            sort=sort,
            output_format=fmt,
        )
        reports.append({"options": options, "result": one_report(cov, **options)})
    nodata = one_report(
        cov,
        include=["no/such/file*"],
        show_missing=False,
        skip_covered=False,
        skip_empty=False,
        precision=0,
        sort=None,
        output_format="text",
    )
    result = {
        "branches": cov.get_data().has_arcs(),
        "rows": file_rows(cov),
        "reports": reports,
        "nodata": nodata,
    }
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
