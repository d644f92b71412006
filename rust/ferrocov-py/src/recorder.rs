//! What both tracer cores (`ctrace` and `sysmon`) collect, and how they ask
//! which files to measure: one table of measured files with their line
//! bitsets (or, measuring branches, their arc sets), the `should_trace`
//! decision cached per file name, the first
//! error `should_trace` raised, and an activity flag; and the cell both
//! cores keep their state in.
use std::cell::{RefCell, RefMut};
use std::collections::HashMap;

use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arcset::ArcSet;
use crate::data::PyCoverageData;
use crate::decider::FileDecider;
use crate::lineset::LineSet;

/// A `RefCell` reached only with the GIL held (every access takes a
/// `Python` token). The GIL serialises threads on the CPython builds we
/// support, and the `RefCell` catches the one way in which two borrows can
/// still meet: an event arriving while the core is being used (a
/// finalizer run by the garbage collector while `lines()` builds its dict).
/// Such an event finds the cell busy and is let through unrecorded, never
/// given a second `&mut`.
pub struct GilRefCell<T>(RefCell<T>);

// SAFETY: the contents are only reached through `borrow_mut`, which needs a
// `Python` token, so with the GIL held: one thread at a time.
unsafe impl<T: Send> Sync for GilRefCell<T> {}

impl<T> GilRefCell<T> {
    pub fn new(value: T) -> Self {
        GilRefCell(RefCell::new(value))
    }

    /// The contents, or None while another borrow is running.
    pub fn borrow_mut(&self, _py: Python<'_>) -> Option<RefMut<'_, T>> {
        self.0.try_borrow_mut().ok()
    }

    /// Run `body` on the contents, for a method called from Python; a busy
    /// cell (the method re-entered from an event) is a RuntimeError.
    pub fn with<R>(&self, py: Python<'_>, body: impl FnOnce(&mut T) -> R) -> PyResult<R> {
        match self.borrow_mut(py) {
            Some(mut contents) => Ok(body(&mut contents)),
            None => Err(PyRuntimeError::new_err("the tracer is busy (re-entered from an event)")),
        }
    }
}

/// A file being measured: the name to record under and the lines (or
/// arcs) seen.
struct MeasuredFile {
    path: String,
    lines: LineSet,
    arcs: ArcSet,
}

/// What a core collected since the last hand-over, per file.
pub enum Collected {
    Lines(Vec<(String, Vec<u32>)>),
    Arcs(Vec<(String, Vec<(i32, i32)>)>),
}

/// What the recorder knows about a file name.
pub enum Decision {
    /// Decided before: record into this file, or (None) skip it.
    Known(Option<u32>),
    /// Never seen: ask `should_trace`, then `settle` the answer.
    Ask { filename: String, decider: Py<FileDecider> },
}

/// The measured files of one tracer and the decisions that led there.
pub struct Recorder {
    decider: Py<FileDecider>,
    files: Vec<MeasuredFile>,
    index_by_path: HashMap<String, u32>,
    /// Decisions by `co_filename`: many code objects share one file.
    decided_names: HashMap<String, Option<u32>>,
    /// The first error raised by `should_trace`, reported at stop.
    error: Option<PyErr>,
    /// Did any event arrive since the last flush? ("No data was collected"
    /// is only worth saying when something ran.)
    pub activity: bool,
    /// Measuring branches: the cores record arcs, not lines.
    trace_arcs: bool,
}

impl Recorder {
    pub fn new(decider: Py<FileDecider>, trace_arcs: bool) -> Self {
        Recorder {
            decider,
            files: Vec::new(),
            index_by_path: HashMap::new(),
            decided_names: HashMap::new(),
            error: None,
            activity: false,
            trace_arcs,
        }
    }

    /// Are arcs recorded (branch coverage) rather than lines?
    pub fn trace_arcs(&self) -> bool {
        self.trace_arcs
    }

    /// The name a measured file is recorded under (its source file).
    pub fn path(&self, file: u32) -> &str {
        &self.files[file as usize].path
    }

    /// What is known of `code`'s file. Asking `should_trace` runs Python
    /// code, which may switch threads and deliver their events, so it is
    /// done by the caller with no borrow of the core held (see `ask`).
    pub fn lookup(&self, py: Python<'_>, code: &Bound<'_, PyAny>) -> Decision {
        let filename = match code.getattr(intern!(py, "co_filename")).and_then(|f| f.extract::<String>()) {
            Ok(filename) => filename,
            Err(_) => return Decision::Known(None),
        };
        match self.decided_names.get(&filename) {
            Some(decision) => Decision::Known(*decision),
            None => Decision::Ask { filename, decider: self.decider.clone_ref(py) },
        }
    }

    /// Record the answer `ask` got; another thread may have settled the
    /// same name meanwhile, and the first answer stays.
    pub fn settle(&mut self, filename: String, answer: PyResult<Option<String>>) -> Option<u32> {
        if let Some(decision) = self.decided_names.get(&filename) {
            return *decision;
        }
        let decision = match answer {
            Ok(Some(canonical)) => Some(self.file_index(canonical)),
            Ok(None) => None,
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
        self.files.push(MeasuredFile { path: path.clone(), lines: LineSet::default(), arcs: ArcSet::default() });
        self.index_by_path.insert(path, index);
        index
    }

    /// Record a line. Recording is activity: a core may see lines with no
    /// other event since the last flush (sysmon after a context switch in
    /// a frame that then only runs lines), and they must be handed over.
    pub fn record(&mut self, file: u32, line: u32) {
        self.activity = true;
        self.files[file as usize].lines.insert(line);
    }

    /// Record the arc `from -> to` (negative ends: entering or leaving a
    /// code object, as coverage.py encodes them).
    pub fn record_arc(&mut self, file: u32, from: i32, to: i32) {
        self.activity = true;
        self.files[file as usize].arcs.insert(from, to);
    }

    pub fn take_activity(&mut self) -> bool {
        std::mem::take(&mut self.activity)
    }

    /// Lines seen so far: `{canonical_filename: [line, ...]}` (measuring
    /// arcs: the lines the arcs reach, as coverage.py's `lines()` gives them).
    pub fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for file in &self.files {
            if self.trace_arcs {
                let mut lines: Vec<i32> = file.arcs.to_vec().into_iter().flat_map(|(a, b)| [a, b]).collect();
                lines.retain(|&l| l > 0);
                lines.sort_unstable();
                lines.dedup();
                out.set_item(&file.path, lines)?;
            } else {
                out.set_item(&file.path, file.lines.to_vec())?;
            }
        }
        Ok(out)
    }

    /// Arcs seen so far: `{canonical_filename: [(from, to), ...]}` (empty
    /// lists when measuring lines).
    pub fn arcs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        for file in &self.files {
            out.set_item(&file.path, file.arcs.to_vec())?;
        }
        Ok(out)
    }

    /// What was seen so far, forgetting it (the decisions stay valid);
    /// None when no event came since the last time.
    pub fn take_new_data(&mut self) -> Option<Collected> {
        if !self.take_activity() {
            return None;
        }
        // Files with nothing new are left out, as coverage.py's collector
        // does: handing them over would create the context in the data
        // file even though nothing ran in it.
        let collected = if self.trace_arcs {
            let files = self.files.iter().filter(|file| !file.arcs.is_empty());
            Collected::Arcs(files.map(|file| (file.path.clone(), file.arcs.to_vec())).collect())
        } else {
            let files = self.files.iter().filter(|file| !file.lines.is_empty());
            Collected::Lines(files.map(|file| (file.path.clone(), file.lines.to_vec())).collect())
        };
        self.clear_lines();
        Some(collected)
    }

    /// Forget collected lines and arcs; the decisions stay valid.
    pub fn clear_lines(&mut self) {
        for file in &mut self.files {
            file.lines.clear();
            file.arcs.clear();
        }
    }
}

/// Ask the decider about a new file; run with no borrow of a core held.
pub fn ask(py: Python<'_>, decider: &Py<FileDecider>, filename: &str, frame: Py<PyAny>) -> PyResult<Option<String>> {
    decider.get().decide(py, filename, frame.bind(py))
}

/// A tracer's decider: a `FileDecider`, or a Python callable wrapped in one.
pub fn decider_from(should_trace: &Bound<'_, PyAny>) -> PyResult<Py<FileDecider>> {
    match should_trace.cast::<FileDecider>() {
        Ok(decider) => Ok(decider.clone().unbind()),
        Err(_) => Py::new(should_trace.py(), FileDecider::from_callable(should_trace.clone().unbind())),
    }
}

/// Hand what a core took (`Recorder::take_new_data`) to the data layer;
/// say whether anything ran.
pub fn flush_collected(py: Python<'_>, taken: Option<Collected>, data: &Bound<'_, PyCoverageData>) -> PyResult<bool> {
    match taken {
        Some(Collected::Lines(lines)) => data.get().add_lines_native(py, &lines)?,
        Some(Collected::Arcs(arcs)) => data.get().add_arcs_native(py, &arcs)?,
        None => return Ok(false),
    }
    Ok(true)
}
