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

pub use ferrocov_pytext::py_repr;
