//! Python bindings for ferrocov-analysis: static analysis of source files
//! for the running interpreter's version.
//!
//! `analyze_file(path, exclude)` -> (statements, excluded, multiline), and
//! `analyze_files(paths, exclude)` -> a list of those tuples or exception
//! instances, computed in parallel without the GIL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ferrocov_analysis::{AnalysisError, AnalysisOptions, CompilerException, PythonVersion, SourceAnalysis};
use pyo3::exceptions::{PyException, PyMemoryError, PyRecursionError};
use pyo3::prelude::*;

type AnalysisTuple = (Vec<u32>, Vec<u32>, HashMap<u32, u32>);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze_file, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_files, m)?)?;
    Ok(())
}

/// Analyze one file: (statements, excluded, multiline map).
#[pyfunction]
#[pyo3(signature = (path, exclude=None))]
fn analyze_file(py: Python<'_>, path: PathBuf, exclude: Option<String>) -> PyResult<AnalysisTuple> {
    let opts = options(py, exclude)?;
    let result = py.detach(|| ferrocov_analysis::analyze_file(Path::new(&path), &opts));
    match result {
        Ok(analysis) => Ok(to_tuple(analysis)),
        Err(err) => Err(to_py_err(py, &err)),
    }
}

/// Analyze many files in parallel: each item is a tuple or an exception.
#[pyfunction]
#[pyo3(signature = (paths, exclude=None))]
fn analyze_files(py: Python<'_>, paths: Vec<PathBuf>, exclude: Option<String>) -> PyResult<Vec<Py<PyAny>>> {
    let opts = options(py, exclude)?;
    let results = py.detach(|| ferrocov_analysis::analyze_files(&paths, &opts));
    results
        .into_iter()
        .map(|result| match result {
            Ok(analysis) => Ok(to_tuple(analysis).into_pyobject(py)?.into_any().unbind()),
            Err(err) => Ok(to_py_err(py, &err).into_value(py).into_any()),
        })
        .collect()
}

/// Options for the running interpreter's version.
fn options(py: Python<'_>, exclude: Option<String>) -> PyResult<AnalysisOptions> {
    let info = py.version_info();
    Ok(AnalysisOptions {
        exclude: exclude.filter(|e| !e.is_empty()),
        version: PythonVersion::new(info.major, info.minor),
    })
}

fn to_tuple(analysis: SourceAnalysis) -> AnalysisTuple {
    (
        analysis.statements.into_iter().collect(),
        analysis.excluded.into_iter().collect(),
        analysis.multiline,
    )
}

/// coverage.exceptions.NoSource / NotPython, with coverage's message; what
/// CPython's compiler raises otherwise (MemoryError, RecursionError) is
/// raised as that builtin, as coverage.py lets it through.
fn to_py_err(py: Python<'_>, err: &AnalysisError) -> PyErr {
    let class_name = match err {
        AnalysisError::NoSource { .. } => "NoSource",
        AnalysisError::NotPython { .. } => "NotPython",
        AnalysisError::CompilerRefused { exception, message, .. } => {
            let message = message.clone();
            return match exception {
                CompilerException::MemoryError if message.is_empty() => PyMemoryError::new_err(()),
                CompilerException::MemoryError => PyMemoryError::new_err(message),
                CompilerException::RecursionError => PyRecursionError::new_err(message),
            };
        }
    };
    let message = err.to_string();
    let class = py
        .import("coverage.exceptions")
        .and_then(|module| module.getattr(class_name));
    match class {
        Ok(class) => match class.call1((message.clone(),)) {
            Ok(instance) => PyErr::from_value(instance),
            Err(e) => e,
        },
        // Without the compat package, still fail with the right message.
        Err(_) => PyException::new_err(message),
    }
}
