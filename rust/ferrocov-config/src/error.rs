//! The one error type of configuration handling.
use thiserror::Error;

/// Every way reading or changing the configuration can fail.
///
/// The messages follow coverage.py's wording; where coverage.py leaves out
/// which file, section or option was at fault, ours names them.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// A file exists but could not be parsed or holds a bad value.
    #[error("Couldn't read config file {file}: {detail}")]
    BadFile { file: String, detail: String },
    /// A file named explicitly (argument or COVERAGE_RCFILE) could not be read.
    #[error("Couldn't read {} as a config file", crate::pystr::repr(.file))]
    MissingFile { file: String },
    /// `get_option`/`set_option` with a name that is not an option.
    #[error("No such option: {}", crate::pystr::repr(.name))]
    NoSuchOption { name: String },
    /// A value of the wrong type given through the API.
    #[error("Option {name} can't be set to {value}: {reason}")]
    BadValue { name: String, value: String, reason: String },
    #[error("Unknown concurrency choices: {0}")]
    UnknownConcurrency(String),
    #[error("Conflicting concurrency settings: {0}")]
    ConflictingConcurrency(String),
    /// `[run] core` (or COVERAGE_CORE) names no core we have.
    #[error("Unknown core value: {}", crate::pystr::repr(.0))]
    UnknownCore(String),
}
