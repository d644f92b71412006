//! What both tracer cores (`ctrace` and `sysmon`) collect, and how they ask
//! which files to measure: one table of measured files with their line
//! bitsets, the `should_trace` decision cached per file name, the first
//! error `should_trace` raised, and an activity flag.
use std::cell::UnsafeCell;
use std::collections::HashMap;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::lineset::LineSet;

/// A cell whose contents are only reached with the GIL held: the cores'
/// state is touched by trace callbacks and Python method calls only, which
/// makes unsynchronised access sound on the GIL builds of CPython 3.11-3.13.
pub struct GilCell<T>(pub UnsafeCell<T>);

// SAFETY: every access happens with the GIL held (see above).
unsafe impl<T> Sync for GilCell<T> {}
unsafe impl<T> Send for GilCell<T> {}

/// A file being measured: the name to record under and the lines seen.
struct MeasuredFile {
    path: String,
    lines: LineSet,
}

/// The measured files of one tracer and the decisions that led there.
pub struct Recorder {
    should_trace: Py<PyAny>,
    files: Vec<MeasuredFile>,
    index_by_path: HashMap<String, u32>,
    /// Decisions by `co_filename`: many code objects share one file.
    decided_names: HashMap<String, Option<u32>>,
    /// The first error raised by `should_trace`, reported at stop.
    error: Option<PyErr>,
    /// Did any event arrive since the last flush? ("No data was collected"
    /// is only worth saying when something ran.)
    pub activity: bool,
}

impl Recorder {
    pub fn new(should_trace: Py<PyAny>) -> Self {
        Recorder {
            should_trace,
            files: Vec::new(),
            index_by_path: HashMap::new(),
            decided_names: HashMap::new(),
            error: None,
            activity: false,
        }
    }

    /// The file to record `code`'s lines into, or None to skip it. Asks
    /// `should_trace(filename, frame)` once per file name; `frame` is only
    /// fetched when asking.
    pub fn decide(&mut self, py: Python<'_>, code: &Bound<'_, PyAny>, frame: impl FnOnce() -> Py<PyAny>) -> Option<u32> {
        let filename = code.getattr(intern!(py, "co_filename")).and_then(|f| f.extract::<String>()).ok()?;
        if let Some(decision) = self.decided_names.get(&filename) {
            return *decision;
        }
        let decision = match self.should_trace.call1(py, (filename.as_str(), frame())) {
            Ok(answer) => match answer.extract::<Option<String>>(py) {
                Ok(Some(canonical)) => Some(self.file_index(canonical)),
                Ok(None) => None,
                Err(err) => self.remember_error(err),
            },
            Err(err) => self.remember_error(err),
        };
        self.decided_names.insert(filename, decision);
        decision
    }

    /// Keep the first error for `take_error`; the file is skipped.
    pub fn remember_error(&mut self, err: PyErr) -> Option<u32> {
        if self.error.is_none() {
            self.error = Some(err);
        }
        None
    }

    /// Raise the first error `should_trace` raised, once.
    pub fn take_error(&mut self) -> PyResult<()> {
        match self.error.take() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    fn file_index(&mut self, path: String) -> u32 {
        if let Some(index) = self.index_by_path.get(&path) {
            return *index;
        }
        let index = self.files.len() as u32;
        self.files.push(MeasuredFile { path: path.clone(), lines: LineSet::default() });
        self.index_by_path.insert(path, index);
        index
    }

    pub fn record(&mut self, file: u32, line: u32) {
        self.files[file as usize].lines.insert(line);
    }

    pub fn take_activity(&mut self) -> bool {
        std::mem::take(&mut self.activity)
    }

    /// Lines seen so far: `{canonical_filename: [line, ...]}`.
    pub fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for file in &self.files {
            out.set_item(&file.path, file.lines.to_vec())?;
        }
        Ok(out)
    }

    /// Forget collected lines; the decisions stay valid.
    pub fn clear_lines(&mut self) {
        for file in &mut self.files {
            file.lines.clear();
        }
    }
}
