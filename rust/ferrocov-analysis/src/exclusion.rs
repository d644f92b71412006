//! Token-level line facts: the multi-line statement map, lines matching the
//! exclusion regex, and the suites those lines exclude (coverage.py's
//! `multiline_map_from_tokens`, `lines_matching` and `_raw_parse` loop).

use std::collections::{BTreeSet, HashMap};

use crate::tokens::{LineToken, TokenRole};

/// Combine regexes into one that matches any of them, as
/// `coverage.misc.join_regex`; None when there are none.
pub fn join_regex(patterns: &[String]) -> Option<String> {
    match patterns {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(many.iter().map(|r| format!("(?:{r})")).collect::<Vec<_>>().join("|")),
    }
}

/// Map each line of a multi-line logical line to its first line.
pub fn multiline_map(tokens: &[LineToken]) -> HashMap<u32, u32> {
    let mut map = HashMap::new();
    let mut first_line = 0;
    for tok in tokens {
        if tok.role == TokenRole::Newline {
            if first_line != 0 && tok.end_line != first_line {
                for line in first_line..=tok.end_line {
                    map.insert(line, first_line);
                }
            }
            first_line = 0;
        }
        if tok.is_significant() && first_line == 0 {
            first_line = tok.start_line;
        }
    }
    map
}

/// A compiled exclusion regex, in Python `re` syntax.
pub struct ExcludeRegex(fancy_regex::Regex);

impl ExcludeRegex {
    /// Compile `pattern` with `re.MULTILINE` semantics.
    pub fn new(pattern: &str) -> Result<Self, String> {
        let translated = translate_python_regex(pattern);
        fancy_regex::Regex::new(&format!("(?m){translated}")).map(Self).map_err(|e| e.to_string())
    }

    /// The (first) lines that contain a match, as `lines_matching`.
    pub fn lines_matching(&self, text: &str, multiline: &HashMap<u32, u32>) -> BTreeSet<u32> {
        let mut lines = BTreeSet::new();
        let count_newlines = |s: &str| s.bytes().filter(|&b| b == b'\n').count() as u32;
        for found in self.0.find_iter(text) {
            // A regex that fails at run time (backtrack limit) matches nothing more.
            let Ok(found) = found else { break };
            let start_line = count_newlines(&text[..found.start()]);
            let end_line = start_line + count_newlines(&text[found.start()..found.end()]);
            for line in start_line + 1..=end_line + 1 {
                lines.insert(multiline.get(&line).copied().unwrap_or(line));
            }
        }
        lines
    }
}

/// Python-only regex spellings, rewritten for fancy-regex.
fn translate_python_regex(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // Python's end-of-string is \Z; Rust spells it \z.
            Some('Z') => out.push_str("\\z"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Extend regex-excluded lines to the suites they introduce: a match on a
/// line ending with `:` excludes the whole indented block after it.
pub fn excluded_suites(tokens: &[LineToken], matched: &BTreeSet<u32>) -> BTreeSet<u32> {
    let mut excluded = matched.clone();
    let mut indent = 0i32;
    let mut exclude_indent = 0i32;
    let mut excluding = false;
    let mut first_line = 0u32;
    let mut nesting = 0i32;
    for tok in tokens {
        match tok.role {
            TokenRole::Indent => indent += 1,
            TokenRole::Dedent => indent -= 1,
            TokenRole::Colon if nesting == 0 => {
                let hit = excluded.range(first_line..=tok.end_line).next().is_some();
                if !excluding && hit {
                    excluded.insert(tok.end_line);
                    exclude_indent = indent;
                    excluding = true;
                }
            }
            TokenRole::Open => nesting += 1,
            TokenRole::Close => nesting -= 1,
            TokenRole::Newline => first_line = 0,
            _ => {}
        }
        if tok.is_significant() && first_line == 0 {
            first_line = tok.start_line;
            if excluding && indent <= exclude_indent {
                excluding = false;
            }
            if excluding {
                excluded.insert(tok.end_line);
            }
        }
    }
    excluded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_regex_like_coverage() {
        assert_eq!(join_regex(&[]), None);
        assert_eq!(join_regex(&["a".into()]), Some("a".into()));
        assert_eq!(join_regex(&["a".into(), "b|c".into()]), Some("(?:a)|(?:b|c)".into()));
    }

    #[test]
    fn lookaround_patterns_work() {
        let re = ExcludeRegex::new(r"foo(?!bar)").unwrap();
        let lines = re.lines_matching("foobar\nfoobaz\n", &HashMap::new());
        assert_eq!(lines, BTreeSet::from([2]));
    }

    #[test]
    fn multi_line_matches_cover_each_line() {
        let re = ExcludeRegex::new(r"a\nb").unwrap();
        let lines = re.lines_matching("x\na\nb\n", &HashMap::new());
        assert_eq!(lines, BTreeSet::from([2, 3]));
    }
}
