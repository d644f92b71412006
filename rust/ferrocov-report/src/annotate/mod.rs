//! The annotate report (`coverage annotate`): a copy of each source file
//! with a two-character margin, as coverage.py 7.17.3 writes its `,cover`
//! files. "> " marks a line that ran, "! " one that did not, "- " an
//! excluded line and "  " a blank or comment-only line.
//!
//! A line that is not a statement itself (a continuation line, a
//! docstring's inner lines, a decorator's target...) takes the mark of the
//! last statement at or before it; a line that is only `else:` is marked by
//! whether the next missing line is the next statement.

use std::collections::BTreeSet;

use crate::pytext::is_space;

/// The statement, missing and excluded lines of one file.
#[derive(Debug, Clone, Copy)]
pub struct AnnotateLines<'a> {
    pub statements: &'a BTreeSet<u32>,
    pub missing: &'a BTreeSet<u32>,
    pub excluded: &'a BTreeSet<u32>,
}

/// `source` (as `read_python_source` gives it) with each line prefixed by
/// its mark. Lines end where Python's `str.splitlines()` ends them, and
/// keep their line ends.
pub fn render_annotation(source: &str, lines: AnnotateLines<'_>) -> String {
    let statements: Vec<u32> = lines.statements.iter().copied().collect();
    let missing: Vec<u32> = lines.missing.iter().copied().collect();
    let mut out = String::with_capacity(source.len() + source.len() / 8 + 16);
    let (mut i, mut j) = (0usize, 0usize);
    let mut covered = true;
    for (index, line) in ferrocov_pytext::splitlines_keepends(source).into_iter().enumerate() {
        let lineno = u32::try_from(index + 1).unwrap_or(u32::MAX);
        while statements.get(i).is_some_and(|&s| s < lineno) {
            i += 1;
        }
        while missing.get(j).is_some_and(|&m| m < lineno) {
            j += 1;
        }
        if statements.get(i) == Some(&lineno) {
            covered = missing.get(j).is_none_or(|&m| m > lineno);
        }
        let mark = if is_blank(line) {
            "  "
        } else if is_bare_else(line) {
            match missing.get(j) {
                Some(&m) if statements.get(i) == Some(&m) => "! ",
                _ => "> ",
            }
        } else if lines.excluded.contains(&lineno) {
            "- "
        } else if covered {
            "> "
        } else {
            "! "
        };
        out.push_str(mark);
        out.push_str(line);
    }
    out
}

/// Nothing but white space, or a comment after it.
fn is_blank(line: &str) -> bool {
    let rest = line.trim_start_matches(is_space);
    rest.is_empty() || rest.starts_with('#')
}

/// `else:` alone on its line (a comment may follow).
fn is_bare_else(line: &str) -> bool {
    let Some(rest) = line.trim_start_matches(is_space).strip_prefix("else") else {
        return false;
    };
    let Some(rest) = rest.trim_start_matches(is_space).strip_prefix(':') else {
        return false;
    };
    is_blank(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotate(source: &str, statements: &[u32], missing: &[u32], excluded: &[u32]) -> String {
        let (s, m, e): (BTreeSet<u32>, BTreeSet<u32>, BTreeSet<u32>) = (
            statements.iter().copied().collect(),
            missing.iter().copied().collect(),
            excluded.iter().copied().collect(),
        );
        render_annotation(source, AnnotateLines { statements: &s, missing: &m, excluded: &e })
    }

    #[test]
    fn marks_run_missing_excluded_and_blank_lines() {
        let source = "def h(x):\n    if 0:  # pragma: no cover\n        pass\n    if x == 1:\n        a = 1\n    else:\n        a = 2\n\nh(2)\n";
        let text = annotate(source, &[1, 4, 5, 7, 9], &[5], &[2, 3]);
        assert_eq!(
            text,
            "> def h(x):\n-     if 0:  # pragma: no cover\n-         pass\n>     if x == 1:\n!         a = 1\n>     else:\n>         a = 2\n  \n> h(2)\n"
        );
    }

    #[test]
    fn else_is_missing_when_the_next_statement_is() {
        let source = "if x:\n    a = 1\nelse:  # why\n    a = 2\n";
        assert_eq!(annotate(source, &[1, 2, 4], &[4], &[]), "> if x:\n>     a = 1\n! else:  # why\n!     a = 2\n");
    }

    #[test]
    fn continuation_lines_follow_their_statement() {
        let source = "x = (\n    1,\n)\ny = 2\n";
        assert_eq!(annotate(source, &[1, 4], &[1], &[]), "! x = (\n!     1,\n! )\n> y = 2\n");
    }

    #[test]
    fn python_line_ends_and_white_space() {
        assert_eq!(ferrocov_pytext::splitlines_keepends("a\u{2028}b\x1cc\r\nd"), ["a\u{2028}", "b\x1c", "c\r\n", "d"]);
        assert!(is_blank("\u{1f} \u{a0}# c\n"));
        assert!(is_bare_else("  else\t:\u{3000}\n"));
        assert!(!is_bare_else("else: pass\n"));
    }
}
