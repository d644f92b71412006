//! Python binding for the HTML report: `render_html_report(files, config,
//! directory, ...)` writes the whole report directory from the engine's
//! `FileResult`s without the GIL.
//!
//! Python picks and names the files and reads their contexts from the
//! data; choosing pages, rendering and writing happen in ferrocov-report.
use std::path::PathBuf;

use ferrocov_report::{render_html, HtmlFile, HtmlReportOptions, LineContexts, ReportError};
use pyo3::prelude::*;

use crate::config::PyConfig;
use crate::errors;
use crate::results::PyFileResult;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_html_report, m)?)?;
    Ok(())
}

/// Write the HTML report of `files`: `(relative filename, source path,
/// result, contexts, source text)` in report order into `directory`, the
/// text given only for sources that are not files on disk (zip files). The skip options
/// are the resolved ones (`[html]` falling back to `[report]`). Returns
/// `(index path, total statements, total percentage, pages written, pages
/// kept from the last run)`.
#[pyfunction]
#[pyo3(signature = (files, config, directory, *, has_arcs, skip_covered, skip_empty, version, timestamp))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn render_html_report(
    py: Python<'_>,
    files: Vec<(String, PathBuf, Py<PyFileResult>, Option<LineContexts>, Option<String>)>,
    config: PyRef<'_, PyConfig>,
    directory: PathBuf,
    has_arcs: bool,
    skip_covered: bool,
    skip_empty: bool,
    version: String,
    timestamp: String,
) -> PyResult<(String, u64, f64, Vec<String>, Vec<String>)> {
    let precision = config.inner.precision;
    let precision = usize::try_from(precision).map_err(|_| errors::to_py(ReportError::NegativePrecision(precision)))?;
    let opts = HtmlReportOptions {
        directory,
        title: config.inner.html_title.clone(),
        extra_css: config.inner.extra_css.as_ref().filter(|s| !s.is_empty()).map(PathBuf::from),
        skip_covered,
        skip_empty,
        show_contexts: config.inner.show_contexts,
        precision,
        has_arcs,
        version,
        timestamp,
    };
    let report = py
        .detach(|| {
            let files: Vec<HtmlFile<'_>> = files
                .iter()
                .map(|(relative_filename, source_path, result, contexts, source_text)| HtmlFile {
                    relative_filename,
                    source_path,
                    source_text: source_text.as_deref(),
                    result: result.get().result(),
                    contexts: contexts.as_ref(),
                })
                .collect();
            // A panic in the renderer is a bug; it becomes an exception,
            // never an abort of the interpreter.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render_html(&files, &opts)))
                .unwrap_or_else(|_| Err(ReportError::HtmlTemplate("internal error while rendering".into())))
        })
        .map_err(|e| errors::to_py(&e))?;
    let index = report.index_path.to_string_lossy().into_owned();
    Ok((index, report.totals.n_statements, report.totals.pc_covered(), report.written, report.kept))
}
