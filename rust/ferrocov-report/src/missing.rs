//! The "Missing" column: missing lines as ranges, plus untaken branches.

use std::collections::BTreeSet;

/// A line number as coverage.py stores it; arc destinations below zero
/// mean "exit from the code object".
pub type LineNo = i64;

/// Format `lines` (the missing statements) for a report: runs of
/// consecutive *statements* collapse to "a-b" even across non-statement
/// lines, e.g. "1-2, 5-11, 13-14". With `arcs` (untaken branches as
/// (from, to) pairs), each one whose ends are both outside `lines` is
/// appended as "from->to" (or "from->exit"), sorted in among the ranges.
pub fn format_lines(statements: &[LineNo], lines: &[LineNo], arcs: Option<&[(LineNo, LineNo)]>) -> String {
    let statements: BTreeSet<LineNo> = statements.iter().copied().collect();
    let missing: BTreeSet<LineNo> = lines.iter().copied().collect();
    let mut items: Vec<(LineNo, String)> =
        line_ranges(&statements, &missing).into_iter().map(|(start, end)| (start, nice_pair(start, end))).collect();
    for &(from, to) in arcs.unwrap_or_default() {
        if !missing.contains(&from) && !missing.contains(&to) {
            items.push((from, format!("{from}->{}", arc_destination(to))));
        }
    }
    // coverage.py sorts (line, text) tuples, so items of one line order by
    // their text: "5->10" before "5->9", "5->exit" last.
    items.sort();
    let texts: Vec<String> = items.into_iter().map(|(_, text)| text).collect();
    texts.join(", ")
}

fn arc_destination(to: LineNo) -> String {
    if to > 0 {
        to.to_string()
    } else {
        "exit".to_owned()
    }
}

fn nice_pair(start: LineNo, end: LineNo) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}-{end}")
    }
}

/// Runs of consecutive statements that are all missing, as (first, last).
///
/// Walks statements and missing lines in step, as coverage.py does, so a
/// missing line that is not a statement stalls the walk the same way.
fn line_ranges(statements: &BTreeSet<LineNo>, missing: &BTreeSet<LineNo>) -> Vec<(LineNo, LineNo)> {
    let missing: Vec<LineNo> = missing.iter().copied().collect();
    let mut pairs = Vec::new();
    let mut run: Option<(LineNo, LineNo)> = None;
    let mut next = 0;
    for &stmt in statements {
        let Some(&wanted) = missing.get(next) else {
            break;
        };
        if stmt == wanted {
            next += 1;
            run = match run {
                // coverage.py tests the start for truthiness: a run that
                // "starts" at line 0 is restarted by the next line.
                Some((start, _)) if start != 0 => Some((start, stmt)),
                _ => Some((stmt, stmt)),
            };
        } else if let Some(done) = run.take() {
            if done.0 != 0 {
                pairs.push(done);
            } else {
                run = Some(done);
            }
        }
    }
    pairs.extend(run.filter(|&(start, _)| start != 0));
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_span_non_statement_gaps() {
        let stmts = [1, 2, 3, 4, 5, 10, 11, 12, 13, 14];
        assert_eq!(format_lines(&stmts, &[1, 2, 5, 10, 11, 13, 14], None), "1-2, 5-11, 13-14");
        assert_eq!(format_lines(&stmts, &[], None), "");
        assert_eq!(format_lines(&stmts, &[3], None), "3");
        assert_eq!(format_lines(&stmts, &[14, 1, 1], None), "1, 14");
    }

    #[test]
    fn branches_fold_into_missing_lines() {
        let stmts = [1, 2, 3, 4, 5, 6, 7];
        // 2->4 is hidden because 4 is missing; 6->exit and 6->7 are shown.
        let arcs = [(2, 4), (6, -1), (6, 7), (1, 3)];
        assert_eq!(format_lines(&stmts, &[4, 5], Some(&arcs)), "1->3, 4-5, 6->7, 6->exit");
        assert_eq!(format_lines(&stmts, &[], Some(&[(5, 10), (5, 9)])), "5->10, 5->9");
        assert_eq!(format_lines(&stmts, &[4], Some(&[])), "4");
    }

    #[test]
    fn a_missing_line_that_is_not_a_statement_stalls_the_walk() {
        // coverage.py gives "1" here: 3 never matches, so 4 is never reached.
        assert_eq!(format_lines(&[1, 2, 4], &[1, 3, 4], None), "1");
    }

    #[test]
    fn line_zero_is_falsy_in_the_reference() {
        assert_eq!(format_lines(&[0, 1, 2], &[0, 1], None), "1");
        assert_eq!(format_lines(&[0, 2], &[0], None), "");
    }
}
