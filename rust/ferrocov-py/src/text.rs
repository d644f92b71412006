//! Python bindings for ferrocov-pytext: the one "human" sort order that
//! reports, `debug` output, `[paths]` and `coverage.misc` all use.
use ferrocov_pytext::{HumanKey, KeyPart};
use pyo3::prelude::*;
use pyo3::types::{PyInt, PyList, PyString, PyTuple};

/// coverage.py's sort key for `name`: `([text, int, text, ...], name)`, so
/// Python's `sorted` orders names exactly as the engine's reports do.
#[pyfunction]
fn human_key<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyTuple>> {
    let key = HumanKey::new(name);
    let parts = PyList::empty(py);
    for part in key.parts() {
        match part {
            KeyPart::Text(text) => parts.append(PyString::new(py, text))?,
            KeyPart::Number(digits) => parts.append(python_int(py, digits)?)?,
        }
    }
    PyTuple::new(py, [parts.into_any(), PyString::new(py, key.name()).into_any()])
}

/// A digit run as a Python int of any size.
fn python_int<'py>(py: Python<'py>, digits: &[u32]) -> PyResult<Bound<'py, PyAny>> {
    if digits.len() < 19 {
        let value = digits.iter().fold(0_i64, |acc, &d| acc * 10 + i64::from(d));
        return Ok(value.into_pyobject(py)?.into_any());
    }
    let text: String = digits.iter().filter_map(|&d| char::from_digit(d, 10)).collect();
    py.get_type::<PyInt>().call1((text,))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(human_key, m)?)?;
    Ok(())
}
