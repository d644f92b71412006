//! The `ctrace` core: a C-level trace function installed with
//! `PyEval_SetTrace`, recording executed lines per file in Rust bitsets.
//!
//! Why it is shaped this way:
//! - The measure/skip decision is made once per code object and cached in
//!   the code object's "extra" slot, so a line event costs a pointer read,
//!   not a hash lookup on the file name.
//! - Frames of files we do not measure get `f_trace_lines = 0`, so CPython
//!   stops sending their line events at all.
//! - All state is touched only while the GIL is held (trace callbacks and
//!   Python method calls), which is what makes the unsynchronised global
//!   below sound on the GIL builds of CPython 3.11-3.13 we support.
use std::cell::UnsafeCell;
use std::ffi::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::recorder::{GilCell, Recorder};

/// The first fields of CPython's `PyFrameObject`, identical in 3.11, 3.12
/// and 3.13 (Include/internal/pycore_frame.h). We only write
/// `f_trace_lines`, a plain flag CPython reads before each line event.
#[repr(C)]
struct FrameHead {
    ob_base: ffi::PyObject,
    f_back: *mut c_void,
    f_frame: *mut c_void,
    f_trace: *mut ffi::PyObject,
    f_lineno: c_int,
    f_trace_lines: c_char,
    f_trace_opcodes: c_char,
}

/// What a code object's extra slot says, packed into one word: the
/// generation of the tracer that decided (so a new `Coverage` never trusts
/// an old decision) and either "skip" or the index of the measured file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Skip,
    File(u32),
}

const SLOT_SKIP_TAG: usize = 1;

fn pack_slot(generation: u32, slot: Slot) -> usize {
    let tag = match slot {
        Slot::Skip => SLOT_SKIP_TAG,
        Slot::File(index) => index as usize + 2,
    };
    ((generation as usize) << 32) | tag
}

fn unpack_slot(generation: u32, word: usize) -> Option<Slot> {
    if word == 0 || (word >> 32) as u32 != generation {
        return None;
    }
    match word & 0xFFFF_FFFF {
        SLOT_SKIP_TAG => Some(Slot::Skip),
        tag => Some(Slot::File((tag - 2) as u32)),
    }
}

/// Each tracer gets a new generation; 0 is never used, so an untouched
/// extra slot (NULL) never looks like a decision.
static NEXT_GENERATION: AtomicU32 = AtomicU32::new(1);

/// The code-object extra index this module reserved, once per process.
static EXTRA_INDEX: OnceLock<ffi::Py_ssize_t> = OnceLock::new();

/// Our slot holds plain integers, so there is nothing to free.
unsafe extern "C" fn free_slot(_extra: *mut c_void) {}

fn extra_index() -> ffi::Py_ssize_t {
    *EXTRA_INDEX.get_or_init(|| unsafe { ffi::PyUnstable_Eval_RequestCodeExtraIndex(free_slot) })
}

/// Everything one `Tracer` collects.
struct TracerCore {
    generation: u32,
    recorder: Recorder,
    /// Frames that were running at `start()`, whose line events are off.
    silenced: Vec<Py<PyAny>>,
}

/// The tracer receiving events now, or null when none is active.
static ACTIVE: GilCell<*mut TracerCore> = GilCell(UnsafeCell::new(ptr::null_mut()));

fn active() -> *mut TracerCore {
    unsafe { *ACTIVE.0.get() }
}

fn set_active(core: *mut TracerCore) {
    unsafe { *ACTIVE.0.get() = core };
}

impl TracerCore {
    /// The slot for the frame's code object, deciding it on first sight.
    unsafe fn slot_for(&mut self, py: Python<'_>, frame: *mut ffi::PyFrameObject) -> Slot {
        let code = ffi::PyFrame_GetCode(frame).cast::<ffi::PyObject>();
        let index = extra_index();
        let mut word: *mut c_void = ptr::null_mut();
        let known = if ffi::PyUnstable_Code_GetExtra(code, index, &mut word) == 0 {
            unpack_slot(self.generation, word as usize)
        } else {
            ffi::PyErr_Clear();
            None
        };
        let slot = match known {
            Some(slot) => slot,
            None => {
                let slot = self.decide(py, code, frame);
                let packed = pack_slot(self.generation, slot) as *mut c_void;
                if ffi::PyUnstable_Code_SetExtra(code, index, packed) != 0 {
                    ffi::PyErr_Clear();
                }
                slot
            }
        };
        ffi::Py_DECREF(code);
        slot
    }

    /// Ask the recorder, passing the frame for `source_pkgs` matching.
    unsafe fn decide(&mut self, py: Python<'_>, code: *mut ffi::PyObject, frame: *mut ffi::PyFrameObject) -> Slot {
        let code = Bound::from_borrowed_ptr(py, code);
        let frame = || Bound::from_borrowed_ptr(py, frame.cast::<ffi::PyObject>()).unbind();
        match self.recorder.decide(py, &code, frame) {
            Some(index) => Slot::File(index),
            None => Slot::Skip,
        }
    }

    unsafe fn on_call(&mut self, py: Python<'_>, frame: *mut ffi::PyFrameObject) {
        if self.slot_for(py, frame) == Slot::Skip {
            // CPython checks this flag before every line event of the frame.
            (*frame.cast::<FrameHead>()).f_trace_lines = 0;
        }
    }

    unsafe fn on_line(&mut self, py: Python<'_>, frame: *mut ffi::PyFrameObject) {
        match self.slot_for(py, frame) {
            Slot::File(index) => {
                let line = ffi::PyFrame_GetLineNumber(frame);
                if line >= 0 {
                    self.recorder.record(index, line as u32);
                }
            }
            Slot::Skip => (*frame.cast::<FrameHead>()).f_trace_lines = 0,
        }
    }
}

/// Turn off line events of the calling thread's running frames; return
/// them so `stop()` can turn them back on.
fn silence_running_frames(py: Python<'_>) -> Vec<Py<PyAny>> {
    let mut frames = Vec::new();
    unsafe {
        // PyEval_GetFrame is borrowed; PyFrame_GetBack returns new references.
        let mut frame = ffi::PyEval_GetFrame();
        if !frame.is_null() {
            ffi::Py_INCREF(frame.cast());
        }
        while !frame.is_null() {
            let back = ffi::PyFrame_GetBack(frame);
            let owned: Py<PyAny> = Bound::from_owned_ptr(py, frame.cast()).unbind();
            let head = frame.cast::<FrameHead>();
            if (*head).f_trace_lines != 0 {
                (*head).f_trace_lines = 0;
                frames.push(owned);
            }
            frame = back;
        }
    }
    frames
}

/// The C-level trace function. It must never unwind into CPython: a panic
/// turns measurement off for this tracer instead.
unsafe extern "C" fn trace_event(
    _obj: *mut ffi::PyObject,
    frame: *mut ffi::PyFrameObject,
    what: c_int,
    _arg: *mut ffi::PyObject,
) -> c_int {
    let core = active();
    if core.is_null() || frame.is_null() {
        return 0;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let py = Python::assume_attached();
        let core = &mut *core;
        core.recorder.activity = true;
        match what {
            ffi::PyTrace_CALL => core.on_call(py, frame),
            ffi::PyTrace_LINE => core.on_line(py, frame),
            _ => {}
        }
    }));
    if outcome.is_err() {
        set_active(ptr::null_mut());
    }
    0
}

/// The Python face of one tracer: `Tracer(should_trace)`.
#[pyclass(module = "ferrocov._engine")]
pub struct Tracer {
    core: GilCell<Box<TracerCore>>,
}

impl Tracer {
    fn core_ptr(&self) -> *mut TracerCore {
        unsafe { &mut **self.core.0.get() as *mut TracerCore }
    }

    fn core(&self) -> &mut TracerCore {
        unsafe { &mut **self.core.0.get() }
    }
}

#[pymethods]
impl Tracer {
    #[new]
    fn new(should_trace: Py<PyAny>) -> Self {
        let core = TracerCore {
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            recorder: Recorder::new(should_trace),
            silenced: Vec::new(),
        };
        Tracer { core: GilCell(UnsafeCell::new(Box::new(core))) }
    }

    /// Make this the active tracer and trace the calling thread.
    ///
    /// Frames already running (the caller of `start()` and everything
    /// above it) are not measured, as in coverage.py: their line events
    /// are switched off here, and back on at `stop()`.
    fn start(&self, py: Python<'_>) {
        extra_index();
        self.core().silenced = silence_running_frames(py);
        set_active(self.core_ptr());
        unsafe { ffi::PyEval_SetTrace(Some(trace_event), ptr::null_mut()) };
    }

    /// Trace the calling thread too (called from `threading.settrace`'s
    /// hook in each new thread).
    fn install_thread(&self) {
        if active() == self.core_ptr() {
            unsafe { ffi::PyEval_SetTrace(Some(trace_event), ptr::null_mut()) };
        }
    }

    /// Stop tracing the calling thread; other threads stop sending events
    /// to this tracer because it is no longer the active one.
    fn stop(&self) -> PyResult<()> {
        unsafe { ffi::PyEval_SetTrace(None, ptr::null_mut()) };
        for frame in self.core().silenced.drain(..) {
            unsafe { (*frame.as_ptr().cast::<FrameHead>()).f_trace_lines = 1 };
        }
        if active() == self.core_ptr() {
            set_active(ptr::null_mut());
        }
        self.core().recorder.take_error()
    }

    /// Is this tracer the one receiving events?
    fn is_active(&self) -> bool {
        active() == self.core_ptr()
    }

    /// Lines seen so far: `{canonical_filename: [line, ...]}`.
    fn lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        self.core().recorder.lines(py)
    }

    /// Was any event seen since the last call? Resets the flag.
    fn take_activity(&self) -> bool {
        self.core().recorder.take_activity()
    }

    /// Forget collected lines (the decisions stay valid).
    fn clear(&self) {
        self.core().recorder.clear_lines();
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        if active() == self.core_ptr() {
            set_active(ptr::null_mut());
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Tracer>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip_and_reject_other_generations() {
        for slot in [Slot::Skip, Slot::File(0), Slot::File(41)] {
            assert_eq!(unpack_slot(7, pack_slot(7, slot)), Some(slot));
            assert_eq!(unpack_slot(8, pack_slot(7, slot)), None);
        }
        assert_eq!(unpack_slot(7, 0), None);
    }
}
