//! Python bindings for ferrocov-report: the summary report and its helpers.
//!
//! Errors surface as coverage's own classes (`NoDataError`, `ConfigError`)
//! so callers catch exactly what they would catch from coverage.py.
use ferrocov_report::{
    display_covered_checked, format_fail_under_msg, format_lines, render_text, should_fail_under, FileRow, LineNo,
    Numbers, ReportFormat, TextReportOptions,
};
use pyo3::prelude::*;

use ferrocov_config::CoverageConfig;

use crate::config::PyConfig;
use crate::errors;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(render_text_report, m)?)?;
    m.add_function(wrap_pyfunction!(py_format_lines, m)?)?;
    m.add_function(wrap_pyfunction!(py_should_fail_under, m)?)?;
    m.add_function(wrap_pyfunction!(py_format_fail_under_msg, m)?)?;
    m.add_function(wrap_pyfunction!(py_display_covered, m)?)?;
    Ok(())
}

/// One row as Python passes it: (name, n_statements, n_excluded, n_missing,
/// n_branches, n_partial_branches, n_missing_branches, missing_text).
type PyRow = (String, u64, u64, u64, u64, u64, u64, String);

fn file_row(row: PyRow) -> FileRow {
    let (name, n_statements, n_excluded, n_missing, n_branches, n_partial_branches, n_missing_branches, missing) = row;
    let numbers =
        Numbers { n_files: 1, n_statements, n_excluded, n_missing, n_branches, n_partial_branches, n_missing_branches };
    FileRow { name, numbers, missing }
}

/// The summary report's options, from the resolved config.
fn text_options(config: &CoverageConfig, branches: bool) -> PyResult<TextReportOptions> {
    let format = match config.format.as_deref().filter(|name| !name.is_empty()) {
        Some(name) => name.parse::<ReportFormat>().map_err(|e| errors::to_py(&e))?,
        None => ReportFormat::default(),
    };
    Ok(TextReportOptions {
        format,
        branches,
        show_missing: config.show_missing,
        skip_covered: config.skip_covered,
        skip_empty: config.skip_empty,
        precision: config.precision,
        sort: config.sort.clone(),
    })
}

/// Render coverage's summary report of `rows` as `config` asks (`branches`:
/// the data has arcs); returns (text, total percentage).
#[pyfunction]
fn render_text_report(
    py: Python<'_>,
    rows: Vec<PyRow>,
    config: PyRef<'_, PyConfig>,
    branches: bool,
) -> PyResult<(String, f64)> {
    let opts = text_options(&config.inner, branches)?;
    let rows: Vec<FileRow> = rows.into_iter().map(file_row).collect();
    let report = py.detach(|| render_text(&rows, &opts)).map_err(|e| errors::to_py(&e))?;
    Ok((report.text, report.pc_covered))
}

fn line_numbers(obj: &Bound<'_, PyAny>) -> PyResult<Vec<LineNo>> {
    obj.try_iter()?.map(|item| item?.extract::<LineNo>()).collect()
}

/// Arcs as (from, to) pairs, or coverage's grouped (from, [to, ...]) form.
fn missing_arcs(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(LineNo, LineNo)>> {
    let mut arcs = Vec::new();
    for item in obj.try_iter()? {
        let (from, to): (LineNo, Bound<'_, PyAny>) = item?.extract()?;
        if let Ok(single) = to.extract::<LineNo>() {
            arcs.push((from, single));
        } else {
            arcs.extend(line_numbers(&to)?.into_iter().map(|dest| (from, dest)));
        }
    }
    Ok(arcs)
}

/// The Missing column text for a file.
#[pyfunction]
#[pyo3(name = "format_lines", signature = (statements, lines, arcs=None))]
fn py_format_lines(
    statements: &Bound<'_, PyAny>,
    lines: &Bound<'_, PyAny>,
    arcs: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let statements = line_numbers(statements)?;
    let lines = line_numbers(lines)?;
    let arcs = arcs.map(missing_arcs).transpose()?;
    Ok(format_lines(&statements, &lines, arcs.as_deref()))
}

/// Whether `total` fails `fail_under` at `precision`.
#[pyfunction]
#[pyo3(name = "should_fail_under")]
fn py_should_fail_under(total: f64, fail_under: f64, precision: i64) -> PyResult<bool> {
    should_fail_under(total, fail_under, precision).map_err(|e| errors::to_py(&e))
}

/// "total of T is less than fail-under=F".
#[pyfunction]
#[pyo3(name = "format_fail_under_msg")]
fn py_format_fail_under_msg(total: f64, fail_under: f64, precision: i64) -> PyResult<String> {
    format_fail_under_msg(total, fail_under, precision).map_err(|e| errors::to_py(&e))
}

/// A percentage as reports show it (coverage.results.display_covered).
#[pyfunction]
#[pyo3(name = "display_covered")]
fn py_display_covered(pc: f64, precision: i64) -> PyResult<String> {
    display_covered_checked(pc, precision).map_err(|e| errors::to_py(&e))
}
