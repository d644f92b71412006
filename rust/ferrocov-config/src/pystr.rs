//! Python's spelling of strings and numbers: `repr()` for messages, and the
//! `int()`/`float()` parsers configparser applies, so the same texts are
//! accepted and rejected as under coverage.py.

/// `repr(s)` as Python writes it, for error messages.
pub use ferrocov_pytext::py_repr as repr;

/// `repr(x)` of a float as Python writes it (`90.0`, `1e+16`, `inf`).
pub use ferrocov_pytext::py_float_str as float_repr;

/// Python's `str.strip()` whitespace set (ASCII and Unicode spaces).
pub fn strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c))
}

pub use ferrocov_pytext::splitlines;

/// Digits with single underscores between them, as Python number literals allow.
fn remove_digit_underscores(s: &str) -> Option<String> {
    let bytes: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in bytes.iter().enumerate() {
        if c == '_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(char::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// `int(text)`; the error is Python's message.
pub fn parse_int(text: &str) -> Result<i64, String> {
    let err = || format!("invalid literal for int() with base 10: {}", repr(text));
    let body = strip(text);
    let (negative, digits) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    if digits.is_empty() || digits.starts_with('_') || !digits.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return Err(err());
    }
    let clean = remove_digit_underscores(digits).ok_or_else(err)?;
    // Parsed with its sign: the magnitude of i64::MIN is no i64.
    let signed = if negative { format!("-{clean}") } else { clean };
    signed.parse().map_err(|_| err())
}

/// `float(text)`; the error is Python's message.
pub fn parse_float(text: &str) -> Result<f64, String> {
    let err = || format!("could not convert string to float: {}", repr(text));
    let body = strip(text);
    let lower = body.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if lower.len() - unsigned.len() > 1 {
        return Err(err());
    }
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return lower.parse().map_err(|_| err());
    }
    let numeric = unsigned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'));
    if unsigned.is_empty() || !numeric {
        return Err(err());
    }
    let clean = remove_digit_underscores(&lower).ok_or_else(err)?;
    clean.parse().map_err(|_| err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_picks_quotes_and_escapes() {
        assert_eq!(repr("abc"), "'abc'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("a'\"b"), "'a\\'\"b'");
        assert_eq!(repr("x\n"), "'x\\n'");
        assert_eq!(repr("\\"), "'\\\\'");
        assert_eq!(repr("\u{feff}[run]\u{a0}\u{7f}é"), "'\\ufeff[run]\\xa0\\x7fé'");
    }

    #[test]
    fn splitlines_like_python() {
        assert_eq!(splitlines("a\nb\r\nc\rd\u{2028}e\x0bf\n"), vec!["a", "b", "c", "d", "e", "f"]);
        assert_eq!(splitlines("\n\nx"), vec!["", "", "x"]);
        assert!(splitlines("").is_empty());
    }

    #[test]
    fn ints_like_python() {
        assert_eq!(parse_int(" 12 "), Ok(12));
        assert_eq!(parse_int("-1_000"), Ok(-1000));
        assert_eq!(parse_int("+7"), Ok(7));
        assert_eq!(parse_int("2.5"), Err("invalid literal for int() with base 10: '2.5'".into()));
        assert!(parse_int("1__0").is_err());
        assert!(parse_int("").is_err());
        assert!(parse_int("_1").is_err());
    }

    #[test]
    fn ints_at_the_i64_limits() {
        // Found by tests/fuzz_ini.rs: the negation came after parsing the
        // magnitude, which for i64::MIN overflows.
        assert_eq!(parse_int("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_int("-9_223_372_036_854_775_808"), Ok(i64::MIN));
        assert_eq!(parse_int("9223372036854775807"), Ok(i64::MAX));
        assert!(parse_int("9223372036854775808").is_err());
        assert!(parse_int("-9223372036854775809").is_err());
    }

    #[test]
    fn floats_like_python() {
        assert_eq!(parse_float("90"), Ok(90.0));
        assert_eq!(parse_float(" 1e2 "), Ok(100.0));
        assert_eq!(parse_float(".5"), Ok(0.5));
        assert_eq!(parse_float("1_0.5"), Ok(10.5));
        assert!(parse_float("-Infinity").unwrap().is_infinite());
        assert_eq!(parse_float("abc"), Err("could not convert string to float: 'abc'".into()));
        assert!(parse_float("--1").is_err());
        assert!(parse_float("1__0").is_err());
    }

    #[test]
    fn float_reprs() {
        assert_eq!(float_repr(90.0), "90.0");
        assert_eq!(float_repr(12.5), "12.5");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1e-5), "1e-05");
    }
}
