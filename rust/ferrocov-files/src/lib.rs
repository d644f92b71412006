//! ferrocov-files: which files are measured and how they are named, with
//! coverage.py 7.17.3's semantics (its `files.py` and `inorout.py`).
pub mod aliases;
pub mod error;
pub mod glob;
pub mod inout;
pub mod matchers;
pub mod path;
pub mod walk;

pub use aliases::PathAliases;
pub use error::FilesError;
pub use glob::{
    glob_to_python_regex, glob_to_regex, globs_to_python_regex, globs_to_regex, globs_to_regex_source, prep_patterns,
    GlobMatcher,
};
pub use inout::{Disposition, FrameFacts, InOut, InOutSettings, PackageLocation, ReportFilter, SysPathFacts, Warning};
pub use matchers::{ModuleMatcher, TreeMatcher};
pub use path::{abs_file, actual_path, canonical_filename, source_for_file, RelativeDir};
pub use walk::find_python_files;
