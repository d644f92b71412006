//! CPython's string semantics that ferrocov's exact output depends on.
//!
//! coverage.py builds its messages and reports with `str` methods
//! (`isprintable`, `rstrip`, `repr`, `re`'s `\d`) and Python's float
//! formatting; Rust's nearest equivalents differ at the edges, so every
//! crate that must read exactly like Python uses these.

mod human_sort;
mod lines;
mod unicode_tables;

pub use human_sort::{human_cmp, HumanKey, KeyPart};
pub use lines::{splitlines, splitlines_count, splitlines_keepends};

use crate::unicode_tables::{DIGIT_ZEROS, UNPRINTABLE};

/// `str.isprintable()` for one character.
pub fn is_printable(ch: char) -> bool {
    let cp = u32::from(ch);
    let idx = UNPRINTABLE.partition_point(|&(_, last)| last < cp);
    UNPRINTABLE.get(idx).is_none_or(|&(first, _)| first > cp)
}

/// The value of `ch` if `re`'s `\d` matches it (any Unicode decimal digit).
pub fn decimal_digit(ch: char) -> Option<u32> {
    let cp = u32::from(ch);
    let idx = DIGIT_ZEROS.partition_point(|&zero| zero <= cp);
    let zero = *DIGIT_ZEROS.get(idx.checked_sub(1)?)?;
    (cp - zero < 10).then_some(cp - zero)
}

/// `str.isspace()` for one character: Rust's `White_Space` plus the four
/// ASCII separators (FS, GS, RS, US) that Python also counts as space.
pub fn is_space(ch: char) -> bool {
    ch.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&ch)
}

/// `str.rstrip()` with no argument.
pub fn rstrip(text: &str) -> &str {
    text.trim_end_matches(is_space)
}

/// Replace every non-printable character with `?`, so a file name cannot
/// smuggle terminal escape sequences into the report.
pub fn neutralize_control(text: &str) -> String {
    text.chars().map(|ch| if is_printable(ch) { ch } else { '?' }).collect()
}

/// Python's `repr()` of a `str`, used in error messages that quote a value.
pub fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => out.push_str(&escape_unprintable(c)),
        }
    }
    out.push(quote);
    out
}

fn escape_unprintable(ch: char) -> String {
    let cp = u32::from(ch);
    if cp < 0x100 {
        format!("\\x{cp:02x}")
    } else if cp < 0x10000 {
        format!("\\u{cp:04x}")
    } else {
        format!("\\U{cp:08x}")
    }
}

/// Python's `str(float)`: shortest round-trip digits, scientific notation
/// outside [1e-4, 1e16), "inf"/"nan" spelled Python's way.
pub fn py_float_str(value: f64) -> String {
    if value.is_nan() {
        return "nan".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-4..1e16).contains(&magnitude) {
        // Debug prints integral values with ".0", as Python does.
        return format!("{value:?}");
    }
    let sci = format!("{value:e}");
    match sci.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => sci,
    }
}

/// Width of `text` as Python's `len()` counts it: code points, not bytes.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// `text` padded on the right with spaces to `width` code points (`{:width}`).
pub fn pad_left_aligned(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(char_len(text));
    let mut out = String::with_capacity(text.len() + fill);
    out.push_str(text);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// `text` padded on the left to `width` code points (`{:>width}`).
pub fn pad_right_aligned(text: &str, width: usize) -> String {
    right_aligned_with(text, width, ' ')
}

/// `text.rjust(width, fill)`.
pub fn right_aligned_with(text: &str, width: usize, fill: char) -> String {
    let count = width.saturating_sub(char_len(text));
    let mut out = String::with_capacity(text.len() + count);
    out.extend(std::iter::repeat_n(fill, count));
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_matches_python() {
        assert!(is_printable('a'));
        assert!(is_printable(' '));
        assert!(is_printable('é'));
        assert!(!is_printable('\u{1b}'));
        assert!(!is_printable('\u{7f}'));
        assert!(!is_printable('\u{a0}'));
        assert!(!is_printable('\u{200b}'));
        assert!(!is_printable('\u{10ffff}'));
        assert_eq!(neutralize_control("a\u{1b}[31mb\tc"), "a?[31mb?c");
    }

    #[test]
    fn digits_are_unicode_decimal_digits() {
        assert_eq!(decimal_digit('7'), Some(7));
        assert_eq!(decimal_digit('٣'), Some(3));
        assert_eq!(decimal_digit('a'), None);
        assert_eq!(decimal_digit('²'), None);
        assert_eq!(decimal_digit('/'), None);
    }

    #[test]
    fn rstrip_uses_python_whitespace() {
        assert_eq!(rstrip("ab  \t\n"), "ab");
        assert_eq!(rstrip("ab\u{1f}\u{3000}"), "ab");
        assert_eq!(rstrip("ab\u{200b}"), "ab\u{200b}");
    }

    #[test]
    fn repr_quotes_like_python() {
        assert_eq!(py_repr("-"), "'-'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("'\""), "'\\'\"'");
        assert_eq!(py_repr("a\\b\n\u{1b}\u{200b}"), "'a\\\\b\\n\\x1b\\u200b'");
    }

    #[test]
    fn float_str_like_python() {
        assert_eq!(py_float_str(101.0), "101.0");
        assert_eq!(py_float_str(-0.5), "-0.5");
        assert_eq!(py_float_str(1e16), "1e+16");
        assert_eq!(py_float_str(1.5e-7), "1.5e-07");
        assert_eq!(py_float_str(0.0001), "0.0001");
        assert_eq!(py_float_str(f64::NAN), "nan");
        assert_eq!(py_float_str(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn padding_counts_code_points() {
        assert_eq!(pad_left_aligned("é", 3), "é  ");
        assert_eq!(pad_right_aligned("é", 3), "  é");
        assert_eq!(pad_right_aligned("long", 2), "long");
        assert_eq!(right_aligned_with("- |", 6, '-'), "---- |");
    }
}
