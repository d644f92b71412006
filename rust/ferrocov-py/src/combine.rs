//! `_engine.combine_parallel_data`: the one combine. The data crate does the
//! work; this module lends it the files crate's `[paths]` aliases as its
//! path renamer, and hands back what happened for Python to print and warn.
//!
//! Nothing here calls Python while combining (it runs with the GIL
//! released): steps and path-mapping debug lines are collected in order
//! and reported afterwards, followed by the combine's error, if any.

use std::cell::RefCell;

use ferrocov_data as core;
use ferrocov_data::{CombineEvent, CombineOptions};
use ferrocov_files::path::source_exists;
use pyo3::prelude::*;

use crate::data::PyCoverageData;
use crate::errors::{self, Mapped};
use crate::files::PyPathAliases;

/// One reported step: `(kind, path or debug text, detail)`.
type Step = (&'static str, String, Option<String>);

/// What a combine did: counts, the closing message, and its steps.
#[pyclass(name = "CombineReport", module = "ferrocov._engine", frozen)]
pub struct PyCombineReport {
    #[pyo3(get)]
    combined: usize,
    #[pyo3(get)]
    skipped: usize,
    #[pyo3(get)]
    errored: usize,
    /// "Combined N files..." (none when there was nothing to combine).
    #[pyo3(get)]
    message: Option<String>,
    /// In order; kinds: ourself, combining, combined, duplicate, unusable
    /// (detail: the error message), deleting, pathmap (text: a debug line).
    #[pyo3(get)]
    events: Vec<Step>,
    error: Option<Mapped>,
}

#[pymethods]
impl PyCombineReport {
    /// Raise the error that stopped the combine, if one did.
    fn check(&self) -> PyResult<()> {
        match &self.error {
            Some(mapped) => Err(errors::to_py(mapped.clone())),
            None => Ok(()),
        }
    }
}

fn describe(event: CombineEvent) -> Step {
    match event {
        CombineEvent::SkippedOurself(path) => ("ourself", path, None),
        CombineEvent::Combining(path) => ("combining", path, None),
        CombineEvent::Combined(path) => ("combined", path, None),
        CombineEvent::Duplicate(path) => ("duplicate", path, None),
        CombineEvent::Unusable { path, error } => ("unusable", path, Some(error.to_string())),
        CombineEvent::Deleting(path) => ("deleting", path, None),
    }
}

/// Combine `<data's base name>.*` (or `data_paths`) into `data`, renaming
/// paths with `aliases`; with `debug_pathmap` the aliases' debug lines are
/// among the events.
#[pyfunction]
#[pyo3(signature = (data, aliases=None, data_paths=None, strict=false, keep=false, debug_pathmap=false))]
fn combine_parallel_data(
    py: Python<'_>,
    data: &Bound<'_, PyCoverageData>,
    aliases: Option<&Bound<'_, PyPathAliases>>,
    data_paths: Option<Vec<String>>,
    strict: bool,
    keep: bool,
    debug_pathmap: bool,
) -> PyResult<PyCombineReport> {
    let options = CombineOptions { data_paths: data_paths.unwrap_or_default(), strict, keep };
    // Mapping may add generated rules: work on a copy, then keep its state.
    let mut renamer = aliases.map(|a| a.borrow().inner.clone());
    let (result, events, renamer) = data.get().with_data_detached(py, move |target| {
        let events: RefCell<Vec<Step>> = RefCell::new(Vec::new());
        let mut map_path = |path: &str| -> core::Result<String> {
            let Some(aliases) = renamer.as_mut() else { return Ok(path.to_owned()) };
            let mut debug = |line: String| {
                if debug_pathmap {
                    events.borrow_mut().push(("pathmap", line, None));
                }
            };
            Ok(aliases.map_with(path, &mut |p| source_exists(p), &mut debug))
        };
        let mut on_event = |event| events.borrow_mut().push(describe(event));
        let result = core::combine_parallel_data(target, &options, &mut map_path, &mut on_event);
        (result, events.into_inner(), renamer)
    })?;
    if let (Some(aliases), Some(renamer)) = (aliases, renamer) {
        aliases.borrow_mut().inner = renamer;
    }
    let (summary, error) = match result {
        Ok(summary) => (summary, None),
        Err(err) => (core::CombineSummary::default(), Some(Mapped::from(err))),
    };
    Ok(PyCombineReport {
        combined: summary.combined,
        skipped: summary.skipped,
        errored: summary.errored,
        message: summary.message(),
        events,
        error,
    })
}

/// The data files a combine would read, sorted and absolute.
#[pyfunction]
#[pyo3(signature = (data_file, data_paths=None))]
fn combinable_files(data_file: &str, data_paths: Option<Vec<String>>) -> PyResult<Vec<String>> {
    core::combinable_files(data_file, &data_paths.unwrap_or_default()).map_err(errors::to_py)
}

/// The fingerprint combine uses to recognise duplicate data files.
#[pyfunction]
fn hash_for_data_file(path: &str) -> PyResult<String> {
    Ok(core::combine::hash_for_data_file(path)?)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCombineReport>()?;
    m.add_function(wrap_pyfunction!(combine_parallel_data, m)?)?;
    m.add_function(wrap_pyfunction!(combinable_files, m)?)?;
    m.add_function(wrap_pyfunction!(hash_for_data_file, m)?)?;
    Ok(())
}
