//! The ways analysis can fail, worded as coverage.py words them.

/// Why a file could not be analyzed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// The file does not exist (`reason` None) or could not be read.
    #[error("{}", no_source_message(filename, reason.as_deref()))]
    NoSource { filename: String, reason: Option<String> },
    /// The file is not valid Python for the target version.
    /// `line` is None where CPython's SyntaxError has no line number.
    #[error("Couldn't parse '{filename}' as Python source: {} at line {}", ferrocov_pytext::py_repr(message), shown_line(*line))]
    NotPython { filename: String, message: String, line: Option<u32> },
    /// The source's encoding declaration names no codec, or its bytes don't
    /// decode: coverage.py's reading of the source lets tokenize's
    /// SyntaxError through ("unknown encoding: uft-8"), unwrapped.
    #[error("{message}")]
    BadEncoding { filename: String, message: String },
    /// CPython's `ast.parse()` refuses the source with an exception other
    /// than SyntaxError (too deep a tree); coverage.py
    /// lets that exception through, so we name it.
    #[error("{message}")]
    CompilerRefused { filename: String, exception: CompilerException, message: String },
    /// A bug in the analyzer (it panicked) on this file.
    #[error("Couldn't analyze '{filename}': internal error in ferrocov ({detail}); please report it")]
    Internal { filename: String, detail: String },
}

impl AnalysisError {
    /// coverage.py's slug for the error, which its CLI turns into a link to
    /// the message's documentation. Only a missing file has one.
    pub fn slug(&self) -> Option<&'static str> {
        match self {
            AnalysisError::NoSource { reason: None, .. } => Some("no-source"),
            _ => None,
        }
    }
}

/// The non-SyntaxError exceptions CPython's `ast.parse()` raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompilerException {
    /// The parser's stack ran out.
    MemoryError,
    /// The compiler recursed too deep.
    RecursionError,
}

impl From<crate::nesting::TooDeep> for CompilerException {
    fn from(kind: crate::nesting::TooDeep) -> Self {
        match kind {
            crate::nesting::TooDeep::ParserStack => CompilerException::MemoryError,
            crate::nesting::TooDeep::Recursion { .. } => CompilerException::RecursionError,
        }
    }
}

/// Python's `str()` of an optional line number.
fn shown_line(line: Option<u32>) -> String {
    line.map_or_else(|| "None".to_string(), |line| line.to_string())
}

/// coverage says "No source for code: 'f'." when the file is missing, and
/// adds the OSError when it exists but cannot be read.
fn no_source_message(filename: &str, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("No source for code: '{filename}': {reason}"),
        None => format!("No source for code: '{filename}'."),
    }
}

#[cfg(test)]
mod tests {
    use super::AnalysisError;

    fn shown(message: &str) -> String {
        let err = AnalysisError::NotPython { filename: "f.py".into(), message: message.into(), line: Some(1) };
        err.to_string().trim_start_matches("Couldn't parse 'f.py' as Python source: ").to_string()
    }

    #[test]
    fn only_a_missing_file_has_a_slug() {
        let missing = AnalysisError::NoSource { filename: "f".into(), reason: None };
        let unreadable = AnalysisError::NoSource { filename: "f".into(), reason: Some("[Errno 13]".into()) };
        assert_eq!(missing.slug(), Some("no-source"));
        assert_eq!(unreadable.slug(), None);
    }

    #[test]
    fn messages_are_quoted_as_python_repr_does() {
        assert_eq!(shown("invalid syntax"), "'invalid syntax' at line 1");
        assert_eq!(shown("unmatched ')'"), "\"unmatched ')'\" at line 1");
        assert_eq!(shown("both ' and \""), "'both \\' and \"' at line 1");
        assert_eq!(shown("a\\b\n"), "'a\\\\b\\n' at line 1");
    }
}
