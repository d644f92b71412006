//! Python binding for the XML report: `render_xml_report(files, config,
//! ...)` renders coverage.py's Cobertura document from the engine's
//! `FileResult`s without the GIL and returns its bytes and total.
//!
//! Python picks the files and says which source directories exist (it
//! owns the file system view: `os.path.exists`, `canonical_filename`);
//! everything about the document is decided in ferrocov-report.
use ferrocov_report::{render_xml, xml_rate, EscapeStyle, XmlFile, XmlReportOptions};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::config::PyConfig;
use crate::errors;
use crate::results::PyFileResult;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_xml_report, m)?)?;
    m.add_function(wrap_pyfunction!(py_xml_rate, m)?)?;
    Ok(())
}

/// `hit / num` as the XML report's `line-rate`/`branch-rate` show it.
#[pyfunction]
#[pyo3(name = "xml_rate")]
fn py_xml_rate(hit: u64, num: u64) -> String {
    xml_rate(hit, num)
}

/// minidom escapes the way of the interpreter the report is made under.
fn escape_style(py: Python<'_>) -> EscapeStyle {
    if py.version_info() >= (3, 13) {
        EscapeStyle::Python313
    } else {
        EscapeStyle::Legacy
    }
}

/// The XML report of `files`: `(filename, relative filename, result)`
/// triples in report order. `sources` are the `[run] source` directories
/// that exist (canonical, or stripped with `relative_files`); `cwd` is
/// `os.getcwd()`. Returns `(document bytes, total percentage)`.
#[pyfunction]
#[pyo3(signature = (files, config, *, sources, has_arcs, cwd, version, timestamp_ms, url))]
#[allow(clippy::too_many_arguments)] // keyword-only facts the document shows, one each.
fn render_xml_report<'py>(
    py: Python<'py>,
    files: Vec<(String, String, Py<PyFileResult>)>,
    config: PyRef<'_, PyConfig>,
    sources: Vec<String>,
    has_arcs: bool,
    cwd: String,
    version: String,
    timestamp_ms: u64,
    url: String,
) -> PyResult<(Bound<'py, PyBytes>, f64)> {
    let opts = XmlReportOptions {
        sources,
        relative_files: config.inner.relative_files,
        package_depth: config.inner.xml_package_depth,
        skip_empty: config.inner.skip_empty,
        has_arcs,
        cwd,
        version,
        timestamp_ms,
        url,
        escape: escape_style(py),
    };
    let report = py
        .detach(|| {
            let files: Vec<XmlFile<'_>> = files
                .iter()
                .map(|(filename, relative_filename, result)| XmlFile {
                    filename,
                    relative_filename,
                    result: result.get().result(),
                })
                .collect();
            render_xml(&files, &opts)
        })
        .map_err(|e| errors::to_py(&e))?;
    Ok((PyBytes::new(py, &report.bytes), report.pc_covered))
}
