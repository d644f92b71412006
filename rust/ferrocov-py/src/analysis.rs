//! Python bindings for ferrocov-analysis: static analysis of source files
//! for the running interpreter's version.
//!
//! `analyze_file(path, exclude)` -> (statements, excluded, multiline), and
//! `analyze_files(paths, exclude)` -> a list of those tuples or exception
//! instances, computed in parallel without the GIL.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use ferrocov_analysis::{AnalysisOptions, PythonVersion, SourceAnalysis};
use pyo3::prelude::*;

use crate::errors;

type AnalysisTuple = (Vec<u32>, Vec<u32>, HashMap<u32, u32>);

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze_file, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_files, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_arcs, m)?)?;
    Ok(())
}

/// Analyze one file: (statements, excluded, multiline map).
#[pyfunction]
#[pyo3(signature = (path, exclude=None))]
fn analyze_file(py: Python<'_>, path: PathBuf, exclude: Option<String>) -> PyResult<AnalysisTuple> {
    let opts = options(py, exclude, false);
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
    let opts = options(py, exclude, false);
    let results = py.detach(|| ferrocov_analysis::analyze_files(&paths, &opts));
    results
        .into_iter()
        .map(|result| match result {
            Ok(analysis) => Ok(to_tuple(analysis).into_pyobject(py)?.into_any().unbind()),
            Err(err) => Ok(errors::to_py(&err).into_value(py).into_any()),
        })
        .collect()
}

/// Possible arcs, exit counts, and the description of each arc out of a
/// branch line (coverage.py's `missing_arc_description`).
type ArcTuple = (Vec<(i32, i32)>, BTreeMap<u32, u32>, HashMap<(i32, i32), String>);

/// The arcs of many files, in parallel: each item an `ArcTuple` or an
/// exception.
#[pyfunction]
#[pyo3(signature = (paths, exclude=None))]
fn analyze_arcs(py: Python<'_>, paths: Vec<PathBuf>, exclude: Option<String>) -> PyResult<Vec<Py<PyAny>>> {
    let opts = options(py, exclude, true);
    let results = py.detach(|| {
        let analyses = ferrocov_analysis::analyze_files(&paths, &opts);
        analyses.into_iter().map(|result| result.map(|analysis| arc_tuple(&analysis))).collect::<Vec<_>>()
    });
    results
        .into_iter()
        .map(|result| match result {
            Ok(arcs) => Ok(arcs.into_pyobject(py)?.into_any().unbind()),
            Err(err) => Ok(errors::to_py(&err).into_value(py).into_any()),
        })
        .collect()
}

fn arc_tuple(analysis: &SourceAnalysis) -> ArcTuple {
    let exit_counts = analysis.exit_counts();
    let descriptions = analysis
        .possible_arcs()
        .iter()
        .filter(|(from, _)| u32::try_from(*from).is_ok_and(|l| exit_counts.get(&l).is_some_and(|&n| n > 1)))
        .map(|&(from, to)| ((from, to), analysis.missing_arc_description(from, to)))
        .collect();
    (analysis.possible_arcs().iter().copied().collect(), exit_counts, descriptions)
}

/// Options for the running interpreter's version.
pub(crate) fn options(py: Python<'_>, exclude: Option<String>, arcs: bool) -> AnalysisOptions {
    let info = py.version_info();
    AnalysisOptions {
        exclude: exclude.filter(|e| !e.is_empty()),
        version: PythonVersion::with_micro(info.major, info.minor, info.patch),
        arcs,
    }
}

fn to_tuple(analysis: SourceAnalysis) -> AnalysisTuple {
    (analysis.statements.into_iter().collect(), analysis.excluded.into_iter().collect(), analysis.multiline)
}
