//! Python binding for the LCOV report: `render_lcov_report(files, config)`
//! renders coverage.py's LCOV records from the engine's `FileResult`s
//! without the GIL, reading the sources itself when line checksums are on.
use std::path::Path;

use ferrocov_analysis::read_python_source;
use ferrocov_report::{lcov_line_hash, render_lcov, LcovFile};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::config::PyConfig;
use crate::errors;
use crate::results::PyFileResult;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_lcov_report, m)?)?;
    m.add_function(wrap_pyfunction!(py_lcov_line_hash, m)?)?;
    Ok(())
}

/// The LCOV checksum of one source line.
#[pyfunction]
#[pyo3(name = "lcov_line_hash")]
fn py_lcov_line_hash(line: &str) -> String {
    lcov_line_hash(line)
}

/// The LCOV report of `files`: `(relative filename, source path, result)`.
/// Returns `(report bytes, total statements, total percentage)`.
#[pyfunction]
#[pyo3(signature = (files, config))]
fn render_lcov_report<'py>(
    py: Python<'py>,
    files: Vec<(String, String, Py<PyFileResult>)>,
    config: PyRef<'_, PyConfig>,
) -> PyResult<(Bound<'py, PyBytes>, u64, f64)> {
    let checksums = config.inner.lcov_line_checksums;
    let skip_empty = config.inner.skip_empty;
    let report = py
        .detach(|| {
            let sources = files
                .iter()
                .map(|(_, path, _)| checksums.then(|| read_python_source(Path::new(path))).transpose())
                .collect::<Result<Vec<Option<String>>, _>>()?;
            let files: Vec<LcovFile<'_>> = files
                .iter()
                .zip(&sources)
                .map(|((relative_filename, _, result), source)| LcovFile {
                    relative_filename,
                    result: result.get().result(),
                    source: source.as_deref(),
                })
                .collect();
            Ok(render_lcov(&files, skip_empty))
        })
        .map_err(|e: ferrocov_analysis::AnalysisError| errors::to_py(&e))?;
    Ok((PyBytes::new(py, report.text.as_bytes()), report.totals.n_statements, report.totals.pc_covered()))
}
