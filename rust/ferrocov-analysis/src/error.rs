//! The ways analysis can fail, worded as coverage.py words them.

/// Why a file could not be analyzed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// The file could not be read.
    #[error("No source for code: '{filename}': {reason}")]
    NoSource { filename: String, reason: String },
    /// The file is not valid Python for the target version.
    #[error("Couldn't parse '{filename}' as Python source: '{message}' at line {line}")]
    NotPython { filename: String, message: String, line: u32 },
}
