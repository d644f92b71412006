//! The ways analysis can fail, worded as coverage.py words them.

/// Why a file could not be analyzed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// The file does not exist (`reason` None) or could not be read.
    #[error("{}", no_source_message(filename, reason.as_deref()))]
    NoSource { filename: String, reason: Option<String> },
    /// The file is not valid Python for the target version.
    /// `line` is None where CPython's SyntaxError has no line number.
    #[error("Couldn't parse '{filename}' as Python source: {} at line {}", python_repr(message), shown_line(*line))]
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

/// Python's `repr()` of a str, as coverage.py shows a SyntaxError's
/// message: single quotes unless only double quotes avoid escaping.
fn python_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
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
    use super::python_repr;

    #[test]
    fn repr_quotes_as_python_does() {
        assert_eq!(python_repr("invalid syntax"), "'invalid syntax'");
        assert_eq!(python_repr("unmatched ')'"), "\"unmatched ')'\"");
        assert_eq!(python_repr("both ' and \""), "'both \\' and \"'");
        assert_eq!(python_repr("a\\b\n"), "'a\\\\b\\n'");
    }
}
