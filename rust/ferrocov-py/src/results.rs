//! Python bindings for ferrocov-results: `file_results(data, files, ...)`
//! gives one `FileResult` per file (coverage.py's `Analysis`), analyzed in
//! parallel without the GIL, and `Numbers` is coverage.py's `Numbers`.
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use ferrocov_report::{display_covered_checked, format_lines, LineNo};
use ferrocov_results::{file_results as compute_results, FileResult, FileToReport, Measured, Numbers, ResultOptions};
use pyo3::prelude::*;

use crate::data::PyCoverageData;
use crate::errors;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFileResult>()?;
    m.add_class::<PyNumbers>()?;
    m.add_function(wrap_pyfunction!(file_results, m)?)?;
    Ok(())
}

/// One file's results.
#[pyclass(name = "FileResult", module = "ferrocov._engine", frozen)]
pub struct PyFileResult {
    inner: FileResult,
}

fn arc_list(arcs: &BTreeSet<(i32, i32)>) -> Vec<(i32, i32)> {
    arcs.iter().copied().collect()
}

impl PyFileResult {
    /// The results, for the renderers that take them as they are.
    pub(crate) fn result(&self) -> &FileResult {
        &self.inner
    }
}

#[pymethods]
impl PyFileResult {
    #[getter]
    fn statements(&self) -> BTreeSet<u32> {
        self.inner.statements.clone()
    }
    #[getter]
    fn excluded(&self) -> BTreeSet<u32> {
        self.inner.excluded.clone()
    }
    #[getter]
    fn executed(&self) -> BTreeSet<u32> {
        self.inner.executed.clone()
    }
    #[getter]
    fn missing(&self) -> BTreeSet<u32> {
        self.inner.missing.clone()
    }
    #[getter]
    fn has_arcs(&self) -> bool {
        self.inner.has_arcs
    }
    /// Possible arcs, sorted.
    #[getter]
    fn arc_possibilities(&self) -> Vec<(i32, i32)> {
        arc_list(&self.inner.arc_possibilities)
    }
    /// Executed arcs as reports count them, sorted.
    #[getter]
    fn arcs_executed(&self) -> Vec<(i32, i32)> {
        arc_list(&self.inner.arcs_executed)
    }
    #[getter]
    fn exit_counts(&self) -> BTreeMap<u32, u32> {
        self.inner.exit_counts.clone()
    }
    #[getter]
    fn no_branch(&self) -> BTreeSet<u32> {
        self.inner.no_branch.clone()
    }
    /// The counts, at `precision` places for display.
    fn numbers(&self, precision: i64) -> PyNumbers {
        PyNumbers { precision, inner: self.inner.numbers }
    }
    fn arcs_missing(&self) -> Vec<(i32, i32)> {
        self.inner.arcs_missing()
    }
    fn branch_lines(&self) -> Vec<u32> {
        self.inner.branch_lines()
    }
    fn total_branches(&self) -> u64 {
        self.inner.total_branches()
    }
    fn missing_branch_arcs(&self) -> BTreeMap<u32, Vec<i32>> {
        self.inner.missing_branch_arcs()
    }
    fn executed_branch_arcs(&self) -> BTreeMap<u32, Vec<i32>> {
        self.inner.executed_branch_arcs()
    }
    fn branch_stats(&self) -> BTreeMap<u32, (u32, u32)> {
        self.inner.branch_stats()
    }
    /// The Missing column: line ranges, and with `branches` the untaken
    /// branches ("5->7", "5->exit") of files measured with arcs.
    #[pyo3(signature = (branches = false))]
    fn missing_formatted(&self, branches: bool) -> String {
        missing_text(&self.inner, branches)
    }
}

/// The Missing column of a file.
pub fn missing_text(result: &FileResult, branches: bool) -> String {
    let statements: Vec<LineNo> = result.statements.iter().map(|&l| LineNo::from(l)).collect();
    let missing: Vec<LineNo> = result.missing.iter().map(|&l| LineNo::from(l)).collect();
    let arcs: Option<Vec<(LineNo, LineNo)>> = (branches && result.has_arcs).then(|| {
        let grouped = result.missing_branch_arcs();
        grouped
            .into_iter()
            .flat_map(|(from, to)| to.into_iter().map(move |to| (LineNo::from(from), LineNo::from(to))))
            .collect()
    });
    format_lines(&statements, &missing, arcs.as_deref())
}

/// coverage.py's `Numbers`: counts of one file or a total.
#[pyclass(name = "Numbers", module = "ferrocov._engine", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyNumbers {
    precision: i64,
    inner: Numbers,
}

#[pymethods]
impl PyNumbers {
    #[new]
    #[pyo3(signature = (precision=0, n_files=0, n_statements=0, n_excluded=0, n_missing=0, n_branches=0, n_partial_branches=0, n_missing_branches=0))]
    #[allow(clippy::too_many_arguments)] // coverage.py's constructor, field by field.
    fn new(
        precision: i64,
        n_files: u64,
        n_statements: u64,
        n_excluded: u64,
        n_missing: u64,
        n_branches: u64,
        n_partial_branches: u64,
        n_missing_branches: u64,
    ) -> Self {
        let inner = Numbers {
            n_files,
            n_statements,
            n_excluded,
            n_missing,
            n_branches,
            n_partial_branches,
            n_missing_branches,
        };
        PyNumbers { precision, inner }
    }
    #[getter]
    fn precision(&self) -> i64 {
        self.precision
    }
    #[getter]
    fn n_files(&self) -> u64 {
        self.inner.n_files
    }
    #[getter]
    fn n_statements(&self) -> u64 {
        self.inner.n_statements
    }
    #[getter]
    fn n_excluded(&self) -> u64 {
        self.inner.n_excluded
    }
    #[getter]
    fn n_missing(&self) -> u64 {
        self.inner.n_missing
    }
    #[getter]
    fn n_branches(&self) -> u64 {
        self.inner.n_branches
    }
    #[getter]
    fn n_partial_branches(&self) -> u64 {
        self.inner.n_partial_branches
    }
    #[getter]
    fn n_missing_branches(&self) -> u64 {
        self.inner.n_missing_branches
    }
    #[getter]
    fn n_executed(&self) -> i128 {
        self.inner.n_executed()
    }
    #[getter]
    fn n_executed_branches(&self) -> i128 {
        self.inner.n_executed_branches()
    }
    #[getter]
    fn ratio_statements(&self) -> (i128, i128) {
        self.inner.ratio_statements()
    }
    #[getter]
    fn ratio_branches(&self) -> (i128, i128) {
        self.inner.ratio_branches()
    }
    #[getter]
    fn ratio_covered(&self) -> (i128, i128) {
        self.inner.ratio_covered()
    }
    #[getter]
    fn pc_covered(&self) -> f64 {
        self.inner.pc_covered()
    }
    #[getter]
    fn pc_statements(&self) -> f64 {
        self.inner.pc_statements()
    }
    #[getter]
    fn pc_branches(&self) -> f64 {
        self.inner.pc_branches()
    }
    #[getter]
    fn pc_covered_str(&self) -> PyResult<String> {
        shown(self.inner.pc_covered(), self.precision)
    }
    #[getter]
    fn pc_statements_str(&self) -> PyResult<String> {
        shown(self.inner.pc_statements(), self.precision)
    }
    #[getter]
    fn pc_branches_str(&self) -> PyResult<String> {
        shown(self.inner.pc_branches(), self.precision)
    }
    fn __add__(&self, other: PyRef<'_, PyNumbers>) -> PyNumbers {
        PyNumbers { precision: self.precision, inner: self.inner + other.inner }
    }
    /// `sum()` starts from 0.
    fn __radd__(&self, other: i64) -> PyResult<PyNumbers> {
        if other != 0 {
            return Err(pyo3::exceptions::PyTypeError::new_err("Numbers can only be added to 0 or Numbers"));
        }
        Ok(self.clone())
    }
    fn __repr__(&self) -> String {
        let n = &self.inner;
        format!(
            "Numbers(precision={}, n_files={}, n_statements={}, n_excluded={}, n_missing={}, n_branches={}, n_partial_branches={}, n_missing_branches={})",
            self.precision, n.n_files, n.n_statements, n.n_excluded, n.n_missing, n.n_branches, n.n_partial_branches, n.n_missing_branches
        )
    }
}

fn shown(pc: f64, precision: i64) -> PyResult<String> {
    display_covered_checked(pc, precision).map_err(|e| errors::to_py(&e))
}

/// The results of `files`, `(name in the data, source path)` pairs: each
/// a `FileResult` or the exception the file raised, in order. Arcs are
/// analyzed when the data holds arcs. `texts` gives the source of paths
/// that are not files on disk (modules inside zip files).
#[pyfunction]
#[pyo3(signature = (data, files, exclude=None, partial=None, texts=None))]
fn file_results(
    py: Python<'_>,
    data: &Bound<'_, PyCoverageData>,
    files: Vec<(String, PathBuf)>,
    exclude: Option<String>,
    partial: Option<String>,
    texts: Option<HashMap<PathBuf, String>>,
) -> PyResult<Vec<Py<PyAny>>> {
    let mut texts = texts.unwrap_or_default();
    let inputs = data.get().with_data(py, |d| -> ferrocov_data::Result<Vec<FileToReport>> {
        let has_arcs = d.has_arcs();
        files
            .into_iter()
            .map(|(name, source)| {
                let lines = d.lines(&name)?.unwrap_or_default();
                let arcs = if has_arcs { Some(d.arcs(&name)?.unwrap_or_default()) } else { None };
                let text = texts.remove(&source);
                Ok(FileToReport { source, text, measured: Measured { lines, arcs } })
            })
            .collect()
    })?;
    let inputs = inputs.map_err(|e| errors::to_py(&e))?;
    let opts = ResultOptions { analysis: crate::analysis::options(py, exclude, false), partial };
    let results = py.detach(|| compute_results(&inputs, &opts));
    results
        .into_iter()
        .map(|result| match result {
            Ok(inner) => Ok(Py::new(py, PyFileResult { inner })?.into_any()),
            Err(err) => Ok(errors::to_py(&err).into_value(py).into_any()),
        })
        .collect()
}
