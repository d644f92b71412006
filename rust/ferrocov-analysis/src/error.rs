//! The ways analysis can fail, worded as coverage.py words them.

/// Why a file could not be analyzed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// The file does not exist (`reason` None) or could not be read.
    #[error("{}", no_source_message(filename, reason.as_deref()))]
    NoSource { filename: String, reason: Option<String> },
    /// The file is not valid Python for the target version.
    #[error("Couldn't parse '{filename}' as Python source: '{message}' at line {line}")]
    NotPython { filename: String, message: String, line: u32 },
}

/// coverage says "No source for code: 'f'." when the file is missing, and
/// adds the OSError when it exists but cannot be read.
fn no_source_message(filename: &str, reason: Option<&str>) -> String {
    match reason {
        Some(reason) => format!("No source for code: '{filename}': {reason}"),
        None => format!("No source for code: '{filename}'."),
    }
}
