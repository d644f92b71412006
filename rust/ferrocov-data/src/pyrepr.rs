//! Python's `repr()` of strings and lists of strings.
//!
//! coverage.py quotes file names with `{name!r}` in its messages and stores
//! `str(sys.argv)` in the data file, so both have to read exactly as Python
//! would print them.

pub use ferrocov_pytext::py_repr;

/// `str(list_of_str)`, as coverage.py records `sys.argv`.
pub fn py_list_repr(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| py_repr(s)).collect();
    format!("[{}]", inner.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_python() {
        assert_eq!(py_repr("/tmp/a.py"), "'/tmp/a.py'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("both ' and \""), "'both \\' and \"'");
        assert_eq!(py_repr(r"c:\x"), r"'c:\\x'");
        assert_eq!(py_list_repr(&["a".into(), "b c".into()]), "['a', 'b c']");
    }
}
