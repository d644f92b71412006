//! The one error type of this crate.
use thiserror::Error;

/// What can go wrong while building matchers or the in/out disposition.
/// Every variant is a configuration problem; coverage.py raises `ConfigError` for all of them.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum FilesError {
    /// A glob pattern used a construct coverage refuses (`***`, `x**`, lone `[`...).
    #[error("File pattern can't include {}", py_repr(.0))]
    BadPattern(String),
    /// The glob became a regex the engine could not compile.
    #[error("Invalid file pattern {}: {}", py_repr(.0), .1)]
    InvalidRegex(String, String),
    /// A `[paths]` alias pattern ending in a wildcard would match a whole tree.
    #[error("Pattern must not end with wildcards.")]
    AliasEndsWithWildcard,
    /// A `source` directory that is not a directory.
    #[error("Source dir is not a directory: {}", py_repr(.0))]
    SourceNotADirectory(String),
    /// A `source` directory that is the file-system root.
    #[error("Source dir can't be a file system root: {}", py_repr(.0))]
    SourceIsRoot(String),
}

/// Quote a string the way Python's `repr` does for ordinary text, since the
/// messages must read exactly as coverage.py's.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
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
