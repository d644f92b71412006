//! ferrocov-data: the `.coverage` data file, coverage.py's SQLite schema 7.
//!
//! [`CoverageData`] records and queries measured lines, arcs, contexts and
//! file tracers; [`numbits`] is the packed line-set encoding the file uses;
//! [`combine`] folds parallel data files into one.

pub mod combine;
pub mod coverage_data;
pub mod db;
pub mod error;
pub mod hasher;
pub mod numbits;
pub mod pyrepr;
pub mod schema;
pub mod suffix;

pub use combine::{combinable_files, combine_parallel_data, CombineEvent, CombineOptions, CombineSummary};
pub use coverage_data::{
    files_with_prefix, sqlite_version, CoverageData, DataEvent, DataObserver, DataOptions, MapPath, Suffix,
};
pub use error::{DataError, ErrorClass, Result};
pub use numbits::{
    num_in_numbits, numbits_any_intersection, numbits_intersection, numbits_to_nums, numbits_union, numbits_union_into,
    nums_to_numbits,
};
pub use schema::{SCHEMA, SCHEMA_VERSION};
pub use suffix::{match_suffix, parallel_suffix, SuffixParts};
