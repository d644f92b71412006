//! Python bindings for ferrocov-data: `_engine.CoverageData` and the numbits
//! functions. `coverage.sqldata.CoverageData` is thin Python glue over these.
//!
//! The data object sits behind a mutex because Python threads may record at
//! once; waiting for the mutex and slow SQLite work happen with the GIL
//! released, so a thread holding the lock is never stuck waiting for the GIL.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use ferrocov_data as core;
use ferrocov_data::{DataOptions, Suffix};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMapping};

use crate::errors;

#[pyclass(name = "CoverageData", module = "ferrocov._engine", frozen)]
pub struct PyCoverageData {
    inner: Mutex<core::CoverageData>,
    /// The mark of the thread holding `inner`, 0 when free.
    owner: AtomicUsize,
}

/// A distinct non-zero number per thread (the address of a thread-local).
fn current_thread_mark() -> usize {
    thread_local!(static MARK: u8 = const { 0 });
    MARK.with(|mark| std::ptr::from_ref(mark) as usize)
}

/// The locked data; records its owner thread while held.
struct DataGuard<'a> {
    guard: MutexGuard<'a, core::CoverageData>,
    owner: &'a AtomicUsize,
}

impl<'a> DataGuard<'a> {
    fn new(guard: MutexGuard<'a, core::CoverageData>, owner: &'a AtomicUsize, me: usize) -> Self {
        owner.store(me, Ordering::Release);
        Self { guard, owner }
    }
}

impl Drop for DataGuard<'_> {
    fn drop(&mut self) {
        self.owner.store(0, Ordering::Release);
    }
}

impl std::ops::Deref for DataGuard<'_> {
    type Target = core::CoverageData;
    fn deref(&self) -> &Self::Target {
        &self.guard
    }
}

impl std::ops::DerefMut for DataGuard<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.guard
    }
}

impl PyCoverageData {
    /// Work on the Rust data directly (for the tracer's save, which hands
    /// over its Rust collections without making Python objects).
    pub fn with_data<T>(&self, py: Python<'_>, body: impl FnOnce(&mut core::CoverageData) -> T) -> PyResult<T> {
        let mut guard = self.lock(py)?;
        Ok(body(&mut guard))
    }

    /// Work on the locked Rust data with the GIL released (combine).
    pub fn with_data_detached<T: Send>(
        &self,
        py: Python<'_>,
        body: impl FnOnce(&mut core::CoverageData) -> T + Send,
    ) -> PyResult<T> {
        let mut guard = self.lock(py)?;
        let data: &mut core::CoverageData = &mut guard;
        Ok(py.detach(|| body(data)))
    }

    /// Add a tracer's lines, `(file, lines)` pairs, with no Python object
    /// in between.
    pub fn add_lines_native(&self, py: Python<'_>, items: &[(String, Vec<u32>)]) -> PyResult<()> {
        self.run(py, |d| d.add_lines_from(items.iter().map(|(f, l)| (f.as_str(), l.as_slice()))))
    }

    /// Add a tracer's arcs, `(file, arcs)` pairs, with no Python object in
    /// between.
    pub fn add_arcs_native(&self, py: Python<'_>, items: &[(String, Vec<(i32, i32)>)]) -> PyResult<()> {
        self.run(py, |d| d.add_arcs_from(items.iter().map(|(f, a)| (f.as_str(), a.as_slice()))))
    }

    /// Lock the data, letting other Python threads run while we wait.
    ///
    /// A call from the thread that already holds the lock (a `map_path` or
    /// observer callback calling back into this object) is an error, not a
    /// deadlock.
    fn lock(&self, py: Python<'_>) -> PyResult<DataGuard<'_>> {
        let me = current_thread_mark();
        loop {
            match self.inner.try_lock() {
                Ok(guard) => return Ok(DataGuard::new(guard, &self.owner, me)),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    return Ok(DataGuard::new(poisoned.into_inner(), &self.owner, me))
                }
                Err(std::sync::TryLockError::WouldBlock) => {
                    if self.owner.load(Ordering::Acquire) == me {
                        return Err(pyo3::exceptions::PyRuntimeError::new_err(
                            "CoverageData used from inside one of its own callbacks",
                        ));
                    }
                    py.detach(|| {
                        drop(self.inner.lock());
                    });
                }
            }
        }
    }

    /// Run `op` on the locked data with the GIL released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        op: impl FnOnce(&mut core::CoverageData) -> core::Result<T> + Send,
    ) -> PyResult<T> {
        let mut guard = self.lock(py)?;
        let data: &mut core::CoverageData = &mut guard;
        py.detach(|| op(data)).map_err(|e| errors::to_py(&e))
    }
}

/// `(file, lines)` pairs in the mapping's order.
type LinePairs = Vec<(String, Vec<u32>)>;
/// `(file, arcs)` pairs in the mapping's order.
type ArcPairs = Vec<(String, Vec<(i32, i32)>)>;

fn extract_lines(mapping: &Bound<'_, PyAny>) -> PyResult<LinePairs> {
    let mapping = mapping.cast::<PyMapping>()?;
    let mut out = Vec::new();
    for item in mapping.items()?.iter() {
        let (filename, lines): (String, Bound<'_, PyAny>) = item.extract()?;
        let mut nums = Vec::new();
        for line in lines.try_iter()? {
            nums.push(line?.extract::<u32>()?);
        }
        out.push((filename, nums));
    }
    Ok(out)
}

fn extract_arcs(mapping: &Bound<'_, PyAny>) -> PyResult<ArcPairs> {
    let mapping = mapping.cast::<PyMapping>()?;
    let mut out = Vec::new();
    for item in mapping.items()?.iter() {
        let (filename, arcs): (String, Bound<'_, PyAny>) = item.extract()?;
        let mut pairs = Vec::new();
        for arc in arcs.try_iter()? {
            pairs.push(arc?.extract::<(i32, i32)>()?);
        }
        out.push((filename, pairs));
    }
    Ok(out)
}

#[pymethods]
impl PyCoverageData {
    /// `suffix` is a fixed suffix; `parallel` asks for a parallel-mode name instead.
    #[new]
    #[pyo3(signature = (basename=None, suffix=None, parallel=false, no_disk=false, read_only=false, process_meta=false, sys_argv=None, version=None, python_version=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        basename: Option<PathBuf>,
        suffix: Option<String>,
        parallel: bool,
        no_disk: bool,
        read_only: bool,
        process_meta: bool,
        sys_argv: Option<String>,
        version: Option<String>,
        python_version: Option<String>,
    ) -> Self {
        let suffix = if parallel { Suffix::Parallel } else { Suffix::from(suffix) };
        let options =
            DataOptions { basename, suffix, no_disk, read_only, process_meta, sys_argv, version, python_version };
        Self { inner: Mutex::new(core::CoverageData::with_options(options)), owner: AtomicUsize::new(0) }
    }

    fn read(&self, py: Python<'_>) -> PyResult<()> {
        self.run(py, |d| d.read())
    }

    fn write(&self, py: Python<'_>) -> PyResult<()> {
        self.run(py, |d| d.write())
    }

    #[pyo3(signature = (parallel=false))]
    fn erase(&self, py: Python<'_>, parallel: bool) -> PyResult<()> {
        self.run(py, |d| d.erase(parallel))
    }

    fn add_lines(&self, py: Python<'_>, line_data: &Bound<'_, PyAny>) -> PyResult<()> {
        let items = extract_lines(line_data)?;
        self.run(py, |d| d.add_lines_from(items.iter().map(|(f, l)| (f.as_str(), l.as_slice()))))
    }

    fn add_arcs(&self, py: Python<'_>, arc_data: &Bound<'_, PyAny>) -> PyResult<()> {
        let items = extract_arcs(arc_data)?;
        self.run(py, |d| d.add_arcs_from(items.iter().map(|(f, a)| (f.as_str(), a.as_slice()))))
    }

    fn add_file_tracers(&self, py: Python<'_>, file_tracers: &Bound<'_, PyAny>) -> PyResult<()> {
        let mapping = file_tracers.cast::<PyMapping>()?;
        let items: Vec<(String, String)> =
            mapping.items()?.iter().map(|item| item.extract()).collect::<PyResult<_>>()?;
        self.run(py, |d| d.add_file_tracers_from(items.iter().map(|(f, t)| (f.as_str(), t.as_str()))))
    }

    #[pyo3(signature = (filenames, plugin_name=None))]
    fn touch_files(&self, py: Python<'_>, filenames: Vec<String>, plugin_name: Option<String>) -> PyResult<()> {
        self.run(py, |d| d.touch_files(&filenames, plugin_name.as_deref()))
    }

    fn purge_files(&self, py: Python<'_>, filenames: Vec<String>) -> PyResult<()> {
        self.run(py, |d| d.purge_files(&filenames))
    }

    /// Set the context for what is added next; returns the previous one.
    #[pyo3(signature = (context))]
    fn set_context(&self, py: Python<'_>, context: Option<String>) -> PyResult<Option<String>> {
        Ok(self.lock(py)?.set_context(context.as_deref()))
    }

    fn current_context(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.lock(py)?.current_context().map(str::to_owned))
    }

    fn lines(&self, py: Python<'_>, filename: String) -> PyResult<Option<Vec<u32>>> {
        self.run(py, |d| d.lines(&filename))
    }

    fn arcs(&self, py: Python<'_>, filename: String) -> PyResult<Option<Vec<(i32, i32)>>> {
        self.run(py, |d| d.arcs(&filename))
    }

    /// `(line, contexts)` pairs in the order coverage.py's dict has them.
    fn contexts_by_lineno(&self, py: Python<'_>, filename: String) -> PyResult<Vec<(u32, Vec<String>)>> {
        self.run(py, |d| d.contexts_by_lineno(&filename))
    }

    fn measured_files(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(self.lock(py)?.measured_files())
    }

    fn measured_contexts(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.run(py, |d| d.measured_contexts())
    }

    /// `[(id, name), ...]` of all contexts, so Python can match them with `re`.
    fn contexts_with_ids(&self, py: Python<'_>) -> PyResult<Vec<(i64, String)>> {
        self.run(py, |d| d.contexts_with_ids())
    }

    fn set_query_context(&self, py: Python<'_>, context: String) -> PyResult<()> {
        self.run(py, |d| d.set_query_context(&context))
    }

    #[pyo3(signature = (ids))]
    fn set_query_context_ids(&self, py: Python<'_>, ids: Option<Vec<i64>>) -> PyResult<()> {
        match ids {
            None => self.run(py, |d| d.clear_query_contexts()),
            Some(ids) => {
                self.lock(py)?.set_query_context_ids(Some(ids));
                Ok(())
            }
        }
    }

    fn file_tracer(&self, py: Python<'_>, filename: String) -> PyResult<Option<String>> {
        self.run(py, |d| d.file_tracer(&filename))
    }

    /// The measuring interpreter's version recorded in the file, if any.
    fn python_version(&self, py: Python<'_>) -> PyResult<Option<String>> {
        self.run(py, |d| d.python_version())
    }

    fn has_arcs(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.lock(py)?.has_arcs())
    }

    fn has_lines(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.lock(py)?.has_lines())
    }

    fn base_filename(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.lock(py)?.base_filename().to_owned())
    }

    fn data_filename(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.lock(py)?.data_filename().to_owned())
    }

    fn is_nonempty(&self, py: Python<'_>) -> PyResult<bool> {
        let mut guard = self.lock(py)?;
        let data: &mut core::CoverageData = &mut guard;
        Ok(py.detach(|| data.is_nonempty()))
    }

    /// Merge `other` into this data; `map_path(str) -> str` renames its files.
    #[pyo3(signature = (other, map_path=None))]
    fn update(&self, py: Python<'_>, other: &Bound<'_, PyCoverageData>, map_path: Option<Py<PyAny>>) -> PyResult<()> {
        let other_ref = other.get();
        if std::ptr::eq(other_ref, self) {
            return Ok(());
        }
        // Lock order by address, so two threads merging crosswise can't deadlock.
        let (mut ours, theirs) = if (self as *const Self) < (other_ref as *const Self) {
            let ours = self.lock(py)?;
            (ours, other_ref.lock(py)?)
        } else {
            let theirs = other_ref.lock(py)?;
            (self.lock(py)?, theirs)
        };
        let mut failure: Option<PyErr> = None;
        let mut mapper = |path: &str| -> core::Result<String> {
            match &map_path {
                None => Ok(path.to_owned()),
                Some(func) => func.call1(py, (path,)).and_then(|r| r.extract::<String>(py)).map_err(|e| {
                    failure = Some(e);
                    core::DataError::MapPath(path.to_owned())
                }),
            }
        };
        let result = ours.update_with(&theirs, &mut mapper);
        match (result, failure) {
            (Err(_), Some(py_err)) => Err(py_err),
            (Err(e), None) => Err(errors::to_py(&e)),
            (Ok(()), _) => Ok(()),
        }
    }

    /// The data as an SQL script (coverage.py's `dumps` payload, uncompressed).
    fn dump_sql(&self, py: Python<'_>) -> PyResult<String> {
        self.run(py, |d| d.dump_sql())
    }

    fn load_sql(&self, py: Python<'_>, script: String) -> PyResult<()> {
        self.run(py, |d| d.load_sql(&script))
    }

    /// Keep the disk connection open until `release_hold` (nested).
    fn hold_open(&self, py: Python<'_>) -> PyResult<()> {
        self.lock(py)?.hold_open();
        Ok(())
    }

    fn release_hold(&self, py: Python<'_>) -> PyResult<()> {
        self.lock(py)?.release_hold();
        Ok(())
    }

    #[pyo3(signature = (force=false))]
    fn close(&self, py: Python<'_>, force: bool) -> PyResult<()> {
        self.lock(py)?.close(force);
        Ok(())
    }

    /// Report file operations to `callback(kind, filename, force, opened)`,
    /// or stop with `None`. The callback must not call back into this object
    /// (it runs while the data is locked). Kinds: closing, erasing, erasing_parallel,
    /// opening, initing, writing_noop, finishing, renaming.
    #[pyo3(signature = (callback))]
    fn set_observer(&self, py: Python<'_>, callback: Option<Py<PyAny>>) -> PyResult<()> {
        let observer = callback.map(|callback| -> core::DataObserver {
            Box::new(move |event: &core::DataEvent| {
                Python::attach(|py| {
                    let (kind, filename, force, opened) = describe_event(event);
                    // The observer only writes debug output: its errors are not ours to raise.
                    if let Err(err) = callback.call1(py, (kind, filename, force, opened)) {
                        err.print(py);
                    }
                });
            })
        });
        self.lock(py)?.set_observer(observer);
        Ok(())
    }
}

/// `(kind, filename, force, opened)` for the Python observer.
fn describe_event(event: &core::DataEvent) -> (&'static str, Option<String>, bool, bool) {
    use core::DataEvent as E;
    match event {
        E::Closing { filename, force, opened } => ("closing", Some(filename.clone()), *force, *opened),
        E::Erasing(f) => ("erasing", Some(f.clone()), false, false),
        E::ErasingParallel(f) => ("erasing_parallel", Some(f.clone()), false, false),
        E::Opening(f) => ("opening", Some(f.clone()), false, false),
        E::Initing(f) => ("initing", Some(f.clone()), false, false),
        E::WritingNoop(f) => ("writing_noop", Some(f.clone()), false, false),
        E::Finishing(f) => ("finishing", Some(f.clone()), false, false),
        E::Renaming(f) => ("renaming", Some(f.clone()), false, false),
    }
}

#[pyfunction]
fn nums_to_numbits<'py>(py: Python<'py>, nums: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut values = Vec::new();
    for num in nums.try_iter()? {
        values.push(num?.extract::<u32>()?);
    }
    Ok(PyBytes::new(py, &core::nums_to_numbits(values)))
}

#[pyfunction]
fn numbits_to_nums(numbits: &[u8]) -> Vec<u32> {
    core::numbits_to_nums(numbits)
}

#[pyfunction]
fn numbits_union<'py>(py: Python<'py>, numbits1: &[u8], numbits2: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &core::numbits_union(numbits1, numbits2))
}

#[pyfunction]
fn numbits_intersection<'py>(py: Python<'py>, numbits1: &[u8], numbits2: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &core::numbits_intersection(numbits1, numbits2))
}

#[pyfunction]
fn numbits_any_intersection(numbits1: &[u8], numbits2: &[u8]) -> bool {
    core::numbits_any_intersection(numbits1, numbits2)
}

#[pyfunction]
fn num_in_numbits(num: i64, numbits: &[u8]) -> bool {
    // A negative number is never in a numbits.
    u64::try_from(num).is_ok_and(|n| core::num_in_numbits(n, numbits))
}

/// A fresh parallel-mode suffix, `<host>.pid<pid>.X<random>x`.
#[pyfunction]
fn parallel_data_suffix() -> String {
    core::parallel_suffix()
}

/// The version of the SQLite library the engine links.
#[pyfunction]
fn sqlite_version() -> &'static str {
    core::sqlite_version()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCoverageData>()?;
    m.add_function(wrap_pyfunction!(nums_to_numbits, m)?)?;
    m.add_function(wrap_pyfunction!(numbits_to_nums, m)?)?;
    m.add_function(wrap_pyfunction!(numbits_union, m)?)?;
    m.add_function(wrap_pyfunction!(numbits_intersection, m)?)?;
    m.add_function(wrap_pyfunction!(numbits_any_intersection, m)?)?;
    m.add_function(wrap_pyfunction!(num_in_numbits, m)?)?;
    m.add_function(wrap_pyfunction!(parallel_data_suffix, m)?)?;
    m.add_function(wrap_pyfunction!(sqlite_version, m)?)?;
    Ok(())
}
