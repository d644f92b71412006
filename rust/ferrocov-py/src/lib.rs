//! The Python bindings: the `ferrocov._engine` native module.
//!
//! Each submodule wraps one core crate and registers its classes and
//! functions here; the tracer lives here too because it is CPython-specific.
use pyo3::prelude::*;

mod analysis;
mod annotate;
mod arcset;
mod bytecode;
mod combine;
mod config;
mod core_choice;
mod ctrace;
mod data;
mod decider;
mod dynamic_context;
mod errors;
mod fast_hash;
mod files;
mod frame_code;
mod html;
mod json;
mod lcov;
mod lineset;
mod parser;
mod recorder;
mod report;
mod results;
mod sysmon;
mod text;
mod tracer;
mod xml;

#[pymodule]
fn _engine(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    analysis::register(m)?;
    annotate::register(m)?;
    combine::register(m)?;
    config::register(m)?;
    data::register(m)?;
    decider::register(m)?;
    files::register(m)?;
    html::register(m)?;
    json::register(m)?;
    lcov::register(m)?;
    parser::register(m)?;
    report::register(m)?;
    results::register(m)?;
    text::register(m)?;
    tracer::register(m)?;
    xml::register(m)?;
    Ok(())
}
