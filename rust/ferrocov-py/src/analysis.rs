//! Python bindings for ferrocov-analysis: static analysis of source files
//! for the running interpreter's version.
//!
//! `analyze_file(path, exclude)` -> (statements, excluded, multiline), and
//! `analyze_files(paths, exclude)` -> a list of those tuples or exception
//! instances, computed in parallel without the GIL.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ferrocov_analysis::{AnalysisOptions, PythonVersion, SourceAnalysis};
use pyo3::prelude::*;

use crate::errors;

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
        Err(err) => Err(errors::to_py(&err)),
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
            Err(err) => Ok(errors::to_py(&err).into_value(py).into_any()),
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
    (analysis.statements.into_iter().collect(), analysis.excluded.into_iter().collect(), analysis.multiline)
}
