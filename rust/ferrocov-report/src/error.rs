//! What can go wrong while building a report.

use crate::pytext::{py_float_str, py_repr};

/// Report failures, worded exactly as coverage.py words them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// No file was measured (or all were filtered out): coverage's NoDataError.
    #[error("No data to report.")]
    NoData,
    /// `--sort` named no column of this report: a ConfigError.
    #[error("Invalid sorting option: {}", py_repr(.0))]
    InvalidSort(String),
    /// `--format` is not text, markdown or total: a ConfigError.
    #[error("Unknown report format choice: {}", py_repr(.0))]
    UnknownFormat(String),
    /// `--precision` below zero: a ConfigError.
    #[error("precision={0} is invalid. Must not be negative.")]
    NegativePrecision(i64),
    /// `--fail-under` outside 0..=100: a ConfigError.
    #[error("fail_under={} is invalid. Must be between 0 and 100.", py_float_str(*.0))]
    InvalidFailUnder(f64),
    /// The XML report named a file by an empty path (coverage.py's
    /// `os.path.relpath` raises ValueError on it).
    #[error("no path specified")]
    XmlEmptyPath,
    /// Writing the XML document failed.
    #[error("Couldn't write the XML report: {0}")]
    XmlWrite(String),
    /// Serializing the JSON document failed.
    #[error("Couldn't write the JSON report: {0}")]
    JsonWrite(String),
    /// Writing a file or directory of the HTML report failed.
    #[error("Couldn't write the HTML report: {0}")]
    HtmlWrite(String),
    /// A source file could not be read again for its HTML page.
    #[error("Couldn't read the source for the HTML report: {0}")]
    HtmlSource(String),
    /// A template failed to parse or render (a bug in ferrocov).
    #[error("HTML template error: {0}")]
    HtmlTemplate(String),
}

impl ReportError {
    /// True for the errors coverage.py raises as `ConfigError`, so bindings
    /// can pick the exception class.
    pub fn is_config_error(&self) -> bool {
        matches!(
            self,
            ReportError::InvalidSort(_)
                | ReportError::UnknownFormat(_)
                | ReportError::NegativePrecision(_)
                | ReportError::InvalidFailUnder(_)
        )
    }

    /// True for coverage's `NoDataError`.
    pub fn is_no_data(&self) -> bool {
        matches!(self, ReportError::NoData)
    }
}
