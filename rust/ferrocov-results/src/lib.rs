//! ferrocov-results: what a report knows about each file (coverage.py's
//! `coverage.results`): statements, executed and missing lines, possible,
//! executed and missing arcs, branch lines and their counts, and the
//! `Numbers` that add up to a report's totals.
//!
//! Every report format renders from these; nothing here formats text.

mod file_result;
mod file_results;
mod narrow;
mod numbers;

pub use file_result::{FileResult, Measured};
pub use file_results::{file_results, FileToReport, ResultOptions};
pub use narrow::Narrower;
pub use numbers::Numbers;
