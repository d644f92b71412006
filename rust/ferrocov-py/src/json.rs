//! Python binding for the JSON report: `render_json_report(files, config,
//! ...)` renders coverage.py's JSON document from the engine's
//! `FileResult`s without the GIL.
//!
//! Python picks the files, names them and reads their contexts from the
//! data; the document itself is made in ferrocov-report.
use ferrocov_report::{render_json, JsonFile, JsonReportOptions, LineContexts, ReportError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::config::PyConfig;
use crate::errors;
use crate::results::PyFileResult;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_json_report, m)?)?;
    Ok(())
}

/// The JSON report of `files`: `(relative filename, result, contexts)` in
/// report order, `contexts` the `(line, [context, ...])` pairs of the file
/// when contexts are shown. Returns `(document bytes, total statements,
/// total percentage)`.
#[pyfunction]
#[pyo3(signature = (files, config, *, has_arcs, version, timestamp))]
fn render_json_report<'py>(
    py: Python<'py>,
    files: Vec<(String, Py<PyFileResult>, Option<LineContexts>)>,
    config: PyRef<'_, PyConfig>,
    has_arcs: bool,
    version: String,
    timestamp: String,
) -> PyResult<(Bound<'py, PyBytes>, u64, f64)> {
    let precision = config.inner.precision;
    let precision = usize::try_from(precision).map_err(|_| errors::to_py(ReportError::NegativePrecision(precision)))?;
    let opts = JsonReportOptions {
        version,
        timestamp,
        has_arcs,
        show_contexts: config.inner.json_show_contexts,
        pretty_print: config.inner.json_pretty_print,
        precision,
    };
    let report = py
        .detach(|| {
            let files: Vec<JsonFile<'_>> = files
                .iter()
                .map(|(relative_filename, result, contexts)| JsonFile {
                    relative_filename,
                    result: result.get().result(),
                    contexts: contexts.as_ref(),
                })
                .collect();
            render_json(&files, &opts)
        })
        .map_err(|e| errors::to_py(&e))?;
    Ok((PyBytes::new(py, &report.bytes), report.totals.n_statements, report.totals.pc_covered()))
}
