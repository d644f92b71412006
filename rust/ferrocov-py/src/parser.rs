//! Python bindings for one source text's analysis, as coverage.py's
//! `PythonParser` exposes it: `ParsedSource.parse(text, filename, exclude)`
//! analyses once (statements, exclusions, arcs and their descriptions) and
//! the object answers every later question from that analysis.
//!
//! Also `lines_matching`, `multiline_map_from_text` and
//! `decode_python_source`, behind the
//! module-level helpers of coverage.py's parser and python modules.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ferrocov_analysis::{decode_source, multiline_map_of, ExcludeRegex, SourceAnalysis};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::analysis::options;
use crate::errors;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ParsedSource>()?;
    m.add_function(wrap_pyfunction!(lines_matching, m)?)?;
    m.add_function(wrap_pyfunction!(multiline_map_from_text, m)?)?;
    m.add_function(wrap_pyfunction!(decode_python_source, m)?)?;
    Ok(())
}

/// The analysis of one source text, arcs included.
#[pyclass(module = "ferrocov._engine", frozen)]
pub struct ParsedSource {
    analysis: SourceAnalysis,
}

#[pymethods]
impl ParsedSource {
    /// Analyse `text` for the running interpreter; `filename` names it in
    /// errors (NotPython for text that does not parse).
    #[staticmethod]
    #[pyo3(signature = (text, filename, exclude=None))]
    fn parse(py: Python<'_>, text: &str, filename: &str, exclude: Option<String>) -> PyResult<Self> {
        let opts = options(py, exclude, true);
        let analysis = py.detach(|| ferrocov_analysis::analyze_source(text, filename, &opts));
        let analysis = analysis.map_err(|err| errors::to_py(&err))?;
        Ok(Self { analysis })
    }

    #[getter]
    fn statements(&self) -> BTreeSet<u32> {
        self.analysis.statements.clone()
    }
    #[getter]
    fn excluded(&self) -> BTreeSet<u32> {
        self.analysis.excluded.clone()
    }
    #[getter]
    fn raw_statements(&self) -> BTreeSet<u32> {
        self.analysis.raw_statements.clone()
    }
    #[getter]
    fn raw_excluded(&self) -> BTreeSet<u32> {
        self.analysis.raw_excluded.clone()
    }
    #[getter]
    fn raw_docstrings(&self) -> BTreeSet<u32> {
        self.analysis.docstrings.clone()
    }
    #[getter]
    fn multiline_map(&self) -> HashMap<u32, u32> {
        self.analysis.multiline.clone()
    }

    /// The first line of the statement holding `line` (negative lines, as
    /// exits are written, map to the negated first line).
    fn first_line(&self, line: i32) -> i32 {
        self.analysis.first_line_of_arc_end(line)
    }

    /// Possible arcs between first lines.
    fn arcs(&self) -> BTreeSet<(i32, i32)> {
        self.analysis.possible_arcs().clone()
    }

    /// `{line: number of exits}`, excluded lines left out.
    fn exit_counts(&self) -> BTreeMap<u32, u32> {
        self.analysis.exit_counts()
    }

    /// Measured arcs as reports use them (`with` exits moved, first lines).
    fn translate_arcs(&self, arcs: Vec<(i32, i32)>) -> BTreeSet<(i32, i32)> {
        self.analysis.translate_arcs(arcs)
    }

    fn missing_arc_description(&self, start: i32, end: i32) -> String {
        self.analysis.missing_arc_description(start, end)
    }

    fn arc_description(&self, start: i32, end: i32) -> String {
        self.analysis.arc_description(start, end)
    }
}

/// The lines of `text` where `regex` matches (multi-line matches give every
/// line they span), mapped to first lines through `multiline`.
#[pyfunction]
fn lines_matching(text: &str, regex: &str, multiline: HashMap<u32, u32>) -> PyResult<BTreeSet<u32>> {
    let regex = ExcludeRegex::new(regex).map_err(PyValueError::new_err)?;
    Ok(regex.lines_matching(text, &multiline))
}

/// `{line: first line}` for the lines of multi-line statements; NotPython
/// for text that does not tokenize and parse.
#[pyfunction]
fn multiline_map_from_text(py: Python<'_>, text: &str) -> PyResult<HashMap<u32, u32>> {
    let version = options(py, None, false).version;
    py.detach(|| multiline_map_of(text, version)).map_err(|err| errors::to_py(&err))
}

/// A source file's bytes as text, as coverage.py decodes them (PEP 263
/// encodings, universal newlines, form feeds as spaces, a final newline);
/// NotPython names `filename` when the encoding is unusable.
#[pyfunction]
fn decode_python_source(raw: &[u8], filename: &str) -> PyResult<String> {
    decode_source(raw, filename).map_err(|err| errors::to_py(&err))
}
