//! Python binding for the annotate report: `render_annotation(path,
//! result)` reads a source file the engine's way and returns the bytes of
//! its `,cover` copy, rendered without the GIL. Python picks the files and
//! the destinations and writes them, so OSErrors are Python's own.
use std::path::Path;

use ferrocov_analysis::read_python_source;
use ferrocov_report::{render_annotation, AnnotateLines};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors;
use crate::results::PyFileResult;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(py_render_annotation, m)?)?;
    Ok(())
}

/// The annotated copy of the source at `path`, whose results are `result`.
#[pyfunction]
#[pyo3(name = "render_annotation", signature = (path, result))]
fn py_render_annotation<'py>(
    py: Python<'py>,
    path: &str,
    result: PyRef<'_, PyFileResult>,
) -> PyResult<Bound<'py, PyBytes>> {
    let result = result.result();
    let text = py
        .detach(|| {
            let source = read_python_source(Path::new(path))?;
            let lines =
                AnnotateLines { statements: &result.statements, missing: &result.missing, excluded: &result.excluded };
            Ok(render_annotation(&source, lines))
        })
        .map_err(|e: ferrocov_analysis::AnalysisError| errors::to_py(&e))?;
    Ok(PyBytes::new(py, text.as_bytes()))
}
