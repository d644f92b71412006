//! Python's `str.splitlines()`: lines end at \n, \r, \r\n (one end), \v,
//! \f, \x1c-\x1e, \x85, U+2028 and U+2029, not only at \n.

/// `str.splitlines(keepends=True)`: each line with its line end.
pub fn splitlines_keepends(text: &str) -> Vec<&str> {
    line_spans(text).map(|(start, _, end)| &text[start..end]).collect()
}

/// `str.splitlines()`: each line without its line end.
pub fn splitlines(text: &str) -> Vec<&str> {
    line_spans(text).map(|(start, content_end, _)| &text[start..content_end]).collect()
}

/// How many lines `str.splitlines()` finds in `text`.
pub fn splitlines_count(text: &str) -> u32 {
    u32::try_from(line_spans(text).count()).unwrap_or(u32::MAX)
}

/// `(start, end of content, end with the line end)` of each line.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    let mut start = 0;
    std::iter::from_fn(move || {
        while let Some((at, c)) = chars.next() {
            let end = match c {
                '\r' => match chars.peek() {
                    Some(&(next, '\n')) => {
                        chars.next();
                        next + 1
                    }
                    _ => at + 1,
                },
                '\n' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                    at + c.len_utf8()
                }
                _ => continue,
            };
            let span = (start, at, end);
            start = end;
            return Some(span);
        }
        (start < text.len()).then(|| {
            let span = (start, text.len(), text.len());
            start = text.len();
            span
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_python() {
        assert_eq!(splitlines("a\nb\r\nc\rd\u{2028}e\x0bf\n"), vec!["a", "b", "c", "d", "e", "f"]);
        assert_eq!(splitlines("\n\nx"), vec!["", "", "x"]);
        assert!(splitlines("").is_empty());
        assert_eq!(splitlines_keepends("a\r\nb\x0cc"), vec!["a\r\n", "b\x0c", "c"]);
        assert_eq!(splitlines_count("a\r\nb\rc"), 3);
        assert_eq!(splitlines_count("a\n"), 1);
        assert_eq!(splitlines_count("\n\n"), 2);
    }
}
