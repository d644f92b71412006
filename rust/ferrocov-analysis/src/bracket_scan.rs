//! How deeply brackets nest, found by a byte scan before parsing.
//!
//! CPython's tokenizer refuses more than 200 open brackets. Checking that
//! only after parsing is too late: some of ruff's checks on a parsed
//! expression (delete and assignment targets) recurse once per bracket on
//! the caller's stack, so a source of 60,000 nested brackets overflows a
//! rayon worker before any token is looked at.
//!
//! The scan skips comments and the text of plain string literals. Inside
//! f-strings (and t-strings) brackets are counted as code, so their depth
//! can only be overestimated; a source whose f-strings alone cross the
//! limit is parsed on a stack big enough for its depth instead, and the
//! exact check on the tokens decides.

/// What the scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BracketDepth {
    /// Deepest nesting outside string literals.
    pub code: usize,
    /// Deepest nesting with f-string contents counted as code.
    pub with_fstrings: usize,
    /// The 1-based line where code nesting first exceeded `limit`.
    pub exceeded_at: Option<u32>,
}

/// Scan `text` for bracket nesting, noting where it first exceeds `limit`.
pub fn scan(text: &str, limit: usize) -> BracketDepth {
    scan_bytes(text.as_bytes(), limit)
}

/// The scan itself, on bytes: every bracket, quote and newline is ASCII, so
/// no UTF-8 boundary matters (an escape may step into a multi-byte char).
fn scan_bytes(bytes: &[u8], limit: usize) -> BracketDepth {
    let mut result = BracketDepth { code: 0, with_fstrings: 0, exceeded_at: None };
    let (mut code, mut all) = (0usize, 0usize);
    let mut line = 1u32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                code += 1;
                all += 1;
                result.code = result.code.max(code);
                result.with_fstrings = result.with_fstrings.max(all);
                if code > limit && result.exceeded_at.is_none() {
                    result.exceeded_at = Some(line);
                }
            }
            b')' | b']' | b'}' => {
                code = code.saturating_sub(1);
                all = all.saturating_sub(1);
            }
            b'\'' | b'"' => {
                let interpolated = is_interpolated(bytes, i);
                let end = string_end(bytes, i);
                if interpolated {
                    // Count what the f-string holds, then continue after it.
                    let inner = scan_bytes(&bytes[i + 1..end.saturating_sub(1).max(i + 1)], usize::MAX);
                    result.with_fstrings = result.with_fstrings.max(all + inner.with_fstrings);
                }
                line += bytes[i..end].iter().filter(|&&b| b == b'\n').count() as u32;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    result
}

/// Is the literal starting at `quote` an f-string or t-string (its prefix
/// letters, just before the quote, include `f` or `t`)?
fn is_interpolated(bytes: &[u8], quote: usize) -> bool {
    let prefix = bytes[..quote].iter().rev().take_while(|b| b.is_ascii_alphabetic()).take(3);
    prefix.into_iter().any(|b| matches!(b.to_ascii_lowercase(), b'f' | b't'))
}

/// The index just past the string literal opening at `start` (the end of
/// the text if it never closes). Backslashes escape the next byte in every
/// kind of literal, raw ones included, as far as finding the end goes.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let triple = bytes.len() >= start + 3 && bytes[start + 1] == quote && bytes[start + 2] == quote;
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' if !triple => return i,
            b if b == quote => {
                if !triple {
                    return i + 1;
                }
                if bytes.len() >= i + 3 && bytes[i + 1] == quote && bytes[i + 2] == quote {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_brackets_only() {
        let found = scan("x = [(1, {2: 3})]  # ((((\ns = '(((('\n", 200);
        assert_eq!((found.code, found.exceeded_at), (3, None));
    }

    #[test]
    fn notes_the_line_where_the_limit_is_crossed() {
        let text = format!("x = [\n{}1{}]\n", "(".repeat(3), ")".repeat(3));
        assert_eq!(scan(&text, 3).exceeded_at, Some(2));
    }

    #[test]
    fn fstrings_count_as_code_in_the_upper_bound() {
        let found = scan("x = f'{((1))}' + '((('\n", 200);
        assert_eq!((found.code, found.with_fstrings), (0, 3));
    }

    #[test]
    fn escapes_before_multibyte_chars_and_unclosed_strings_are_fine() {
        for text in ["f'\\é", "'\\é(", "f'''{\\", "x = '\\", "f\"\\ü\"((", "'\\"] {
            let found = scan(text, 200);
            assert!(found.with_fstrings >= found.code, "{text:?}");
        }
    }

    #[test]
    fn triple_quoted_and_escaped_strings_are_skipped() {
        let found = scan("s = '''(\n(\n''' + \"\\\"(\"\nt = (1)\n", 200);
        assert_eq!(found.code, 1);
    }
}
