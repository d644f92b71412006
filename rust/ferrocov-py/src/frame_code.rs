//! What the arc-recording `ctrace` needs to know about a frame's code:
//! where a frame was entered (a real call, or a generator resumed) and how
//! it left (a return, or a yield that will resume), read from the bytecode
//! as coverage.py's CTracer reads it, so both record the same arcs.
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// The RESUME opcode of the running interpreter (151 on 3.11/3.12, 149 on
/// 3.13), from `dis.opmap`, so no table of versions is kept here.
static RESUME: OnceLock<u8> = OnceLock::new();

/// Read the opcodes once, before the first event needs them.
pub fn load_opcodes(py: Python<'_>) -> PyResult<()> {
    if RESUME.get().is_none() {
        let opmap = py.import("dis")?.getattr("opmap")?;
        let resume: u8 = opmap.get_item("RESUME")?.extract()?;
        let _ = RESUME.set(resume);
    }
    Ok(())
}

/// Where `f_lasti` points while a generator yields: at the YIELD_VALUE
/// (3.11, 3.12, 3.14) or already at the RESUME after it (3.13).
fn lasti_is_yield(py: Python<'_>) -> bool {
    let version = py.version_info();
    !(version.major == 3 && version.minor == 13)
}

/// A frame's code object, with the attributes read on demand.
pub struct FrameCode<'py> {
    code: &'py Bound<'py, PyAny>,
}

impl<'py> FrameCode<'py> {
    pub fn new(code: &'py Bound<'py, PyAny>) -> Self {
        FrameCode { code }
    }

    pub fn first_line(&self) -> i32 {
        let py = self.code.py();
        self.code.getattr(intern!(py, "co_firstlineno")).and_then(|n| n.extract()).unwrap_or(0)
    }

    /// The bytecode (`co_code`, cached by CPython after the first read).
    fn bytecode(&self) -> Option<Bound<'py, PyBytes>> {
        let py = self.code.py();
        self.code.getattr(intern!(py, "co_code")).ok()?.cast_into::<PyBytes>().ok()
    }
}

fn lasti(frame: *mut ffi::PyFrameObject) -> i64 {
    unsafe { ffi::PyFrame_GetLasti(frame) as i64 }
}

/// The line an arc into this frame starts from: minus the first line for a
/// real call (the RESUME at `f_lasti` has argument 0), the current line
/// for a generator or coroutine resumed.
pub fn entry_line(frame: *mut ffi::PyFrameObject, code: &FrameCode<'_>) -> i32 {
    let real_call = match code.bytecode() {
        Some(bytes) => {
            let at = lasti(frame) + 1;
            at >= 0 && bytes.as_bytes().get(at as usize).is_some_and(|&arg| arg == 0)
        }
        None => true,
    };
    if real_call {
        -code.first_line()
    } else {
        unsafe { ffi::PyFrame_GetLineNumber(frame) }
    }
}

/// Is a return event a real return (not a yield the frame will resume
/// from)? The instruction after a yield is a RESUME.
pub fn is_real_return(frame: *mut ffi::PyFrameObject, code: &FrameCode<'_>) -> bool {
    let Some(bytes) = code.bytecode() else { return true };
    let bytes = bytes.as_bytes();
    let mut at = lasti(frame);
    if at < 0 || at == bytes.len() as i64 - 2 {
        return true;
    }
    if lasti_is_yield(code.code.py()) {
        at += 2;
    }
    match RESUME.get() {
        Some(resume) => bytes.get(at as usize) != Some(resume),
        None => true,
    }
}
