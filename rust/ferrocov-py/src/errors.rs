//! The one place where the core crates' errors become Python exceptions.
//!
//! Every typed error maps to a `Mapped` (the exception class, message and
//! documentation slug); `raise` builds the exception. The classes are the
//! ones users catch, `coverage.exceptions.*`, defined in
//! `ferrocov.exceptions` so the native module reaches them without
//! importing the `coverage` package (which is built on this module).

use ferrocov_analysis::{AnalysisError, CompilerException};
use ferrocov_config::ConfigError;
use ferrocov_data::{DataError, ErrorClass};
use ferrocov_files::FilesError;
use ferrocov_report::ReportError;
use pyo3::exceptions::{PyMemoryError, PyRecursionError, PySyntaxError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

mod classes {
    pyo3::import_exception!(ferrocov.exceptions, CoverageException);
    pyo3::import_exception!(ferrocov.exceptions, ConfigError);
    pyo3::import_exception!(ferrocov.exceptions, DataError);
    pyo3::import_exception!(ferrocov.exceptions, NoDataError);
    pyo3::import_exception!(ferrocov.exceptions, NoSource);
    pyo3::import_exception!(ferrocov.exceptions, NotPython);
}

/// The exception classes the engine raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Coverage,
    Config,
    Data,
    NoData,
    NoSource,
    NotPython,
    /// Builtins CPython's compiler raises, which coverage.py lets through.
    Memory,
    Recursion,
    /// Python's SyntaxError (a bad encoding declaration).
    Syntax,
}

/// An error on its way to Python.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub class: Class,
    pub message: String,
    pub slug: Option<&'static str>,
}

impl Mapped {
    pub fn new(class: Class, message: impl Into<String>) -> Self {
        Mapped { class, message: message.into(), slug: None }
    }
}

/// The Python exception for `err`.
pub fn to_py(err: impl Into<Mapped>) -> PyErr {
    let mapped = err.into();
    Python::attach(|py| build(py, &mapped).unwrap_or_else(|failure| failure))
}

/// A ConfigError with a message of its own.
pub fn config_error(message: impl Into<String>) -> PyErr {
    to_py(Mapped::new(Class::Config, message))
}

/// A CoverageException with a message of its own.
pub fn coverage_error(message: impl Into<String>) -> PyErr {
    to_py(Mapped::new(Class::Coverage, message))
}

/// Is `err` one of coverage's own exceptions (as opposed to a Python error
/// from user code or the interpreter)?
pub fn is_coverage_exception(py: Python<'_>, err: &PyErr) -> bool {
    err.is_instance_of::<classes::CoverageException>(py)
}

fn build(py: Python<'_>, mapped: &Mapped) -> PyResult<PyErr> {
    let class = match mapped.class {
        Class::Memory if mapped.message.is_empty() => return Ok(PyMemoryError::new_err(())),
        Class::Memory => return Ok(PyMemoryError::new_err(mapped.message.clone())),
        Class::Recursion => return Ok(PyRecursionError::new_err(mapped.message.clone())),
        Class::Syntax => return Ok(PySyntaxError::new_err(mapped.message.clone())),
        Class::Coverage => py.get_type::<classes::CoverageException>(),
        Class::Config => py.get_type::<classes::ConfigError>(),
        Class::Data => py.get_type::<classes::DataError>(),
        Class::NoData => py.get_type::<classes::NoDataError>(),
        Class::NoSource => py.get_type::<classes::NoSource>(),
        Class::NotPython => py.get_type::<classes::NotPython>(),
    };
    let kwargs = PyDict::new(py);
    if let Some(slug) = mapped.slug {
        kwargs.set_item("slug", slug)?;
    }
    let instance = class.call((mapped.message.as_str(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

impl From<&ConfigError> for Mapped {
    fn from(err: &ConfigError) -> Self {
        Mapped::new(Class::Config, err.to_string())
    }
}

impl From<&FilesError> for Mapped {
    fn from(err: &FilesError) -> Self {
        Mapped::new(Class::Config, err.to_string())
    }
}

impl From<&ReportError> for Mapped {
    fn from(err: &ReportError) -> Self {
        let class = if err.is_config_error() {
            Class::Config
        } else if err.is_no_data() {
            Class::NoData
        } else {
            Class::Coverage
        };
        Mapped::new(class, err.to_string())
    }
}

impl From<&DataError> for Mapped {
    fn from(err: &DataError) -> Self {
        let class = match err.class() {
            ErrorClass::Data => Class::Data,
            ErrorClass::NoData => Class::NoData,
            ErrorClass::Config => Class::Config,
        };
        Mapped { class, message: err.to_string(), slug: err.slug() }
    }
}

impl From<&AnalysisError> for Mapped {
    fn from(err: &AnalysisError) -> Self {
        let class = match err {
            AnalysisError::NoSource { .. } => Class::NoSource,
            AnalysisError::NotPython { .. } => Class::NotPython,
            AnalysisError::BadEncoding { .. } => Class::Syntax,
            AnalysisError::CompilerRefused { exception: CompilerException::MemoryError, .. } => Class::Memory,
            AnalysisError::CompilerRefused { exception: CompilerException::RecursionError, .. } => Class::Recursion,
            AnalysisError::Internal { .. } => Class::Coverage,
        };
        Mapped { class, message: err.to_string(), slug: err.slug() }
    }
}

macro_rules! owned_into_mapped {
    ($($error:ty),*) => {
        $(impl From<$error> for Mapped {
            fn from(err: $error) -> Self {
                Mapped::from(&err)
            }
        })*
    };
}

owned_into_mapped!(ConfigError, FilesError, ReportError, DataError, AnalysisError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_core_error_maps_to_coverage_py_class() {
        let cases: Vec<(Mapped, Class)> = vec![
            (ReportError::NoData.into(), Class::NoData),
            (ReportError::NegativePrecision(-1).into(), Class::Config),
            (ReportError::XmlEmptyPath.into(), Class::Coverage),
            (FilesError::AliasEndsWithWildcard.into(), Class::Config),
            (DataError::NoCombinePath("x".into()).into(), Class::NoData),
            (
                AnalysisError::NotPython { filename: "f".into(), message: "m".into(), line: Some(1) }.into(),
                Class::NotPython,
            ),
            (
                AnalysisError::CompilerRefused {
                    filename: "f".into(),
                    exception: CompilerException::RecursionError,
                    message: "deep".into(),
                }
                .into(),
                Class::Recursion,
            ),
        ];
        for (mapped, class) in cases {
            assert_eq!(mapped.class, class, "{mapped:?}");
        }
    }
}
