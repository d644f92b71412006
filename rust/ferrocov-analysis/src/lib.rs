//! Static analysis of Python source, equal to coverage.py 7.17.3's
//! `PythonParser.parse_source()`: executable statements, excluded lines, the
//! multi-line statement map and docstrings, for a target CPython version.
//!
//! coverage.py asks CPython's compiler which lines appear in line tables; we
//! have no compiler, so `compiled_lines` emulates, per version, which
//! statements the compiler keeps from the AST.

mod arcs;
mod bracket_match;
mod bracket_scan;
mod compiled_lines;
mod const_table;
mod constants;
mod error;
mod exclusion;
mod first_constant;
mod line_index;
mod nesting;
mod regions;
mod source;
mod structure;
mod syntax_checks;
mod tokens;
pub use tokens::{highlight_lines, Span as HighlightSpan, TokenClass};

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use arcs::{Arc, ArcFacts, Fragment};
pub use error::{AnalysisError, CompilerException};
pub use exclusion::{join_regex, ExcludeRegex};
pub use ferrocov_pytext::{splitlines, splitlines_count};
pub use regions::{CodeRegion, RegionKind};
pub use source::{decode_source, read_python_source};
pub use structure::multiline_map_of;

/// The CPython version whose compiler we emulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion {
    pub major: u8,
    pub minor: u8,
    /// The micro version matters for a few behaviours (0 when unknown).
    pub micro: u8,
}

impl PythonVersion {
    pub const fn new(major: u8, minor: u8) -> Self {
        Self { major, minor, micro: 0 }
    }

    pub const fn with_micro(major: u8, minor: u8, micro: u8) -> Self {
        Self { major, minor, micro }
    }

    /// Is this `major.minor`, whatever the micro version?
    pub fn is(&self, major: u8, minor: u8) -> bool {
        self.major == major && self.minor == minor
    }

    /// Leaving a `with` jumps back to its context managers' lines rather
    /// than the `with` line (coverage.py's `exit_with_through_ctxmgr`).
    pub fn exits_with_through_ctxmgr(&self) -> bool {
        *self >= Self::with_micro(3, 12, 6)
    }
}

/// What to analyze for: the exclusion regex (already joined) and version.
#[derive(Debug, Clone)]
pub struct AnalysisOptions {
    pub exclude: Option<String>,
    pub version: PythonVersion,
    /// Analyze the possible arcs too (for branch coverage).
    pub arcs: bool,
}

/// The result of analyzing one source file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceAnalysis {
    /// Executable statements, as first lines, without excluded lines.
    pub statements: BTreeSet<u32>,
    /// Excluded lines, as first lines of their statements.
    pub excluded: BTreeSet<u32>,
    /// Every line of a multi-line statement -> its first line.
    pub multiline: HashMap<u32, u32>,
    /// The possible arcs, when they were asked for.
    pub arcs: Option<ArcFacts>,
    /// Lines the compiler keeps in line tables, before exclusions and
    /// first-line mapping (coverage.py's `raw_statements`).
    pub raw_statements: BTreeSet<u32>,
    /// Lines matching the exclusion regex itself, before suites spread it
    /// (coverage.py's `raw_excluded`).
    pub raw_excluded: BTreeSet<u32>,
    /// Lines of docstrings (coverage.py's `raw_docstrings`).
    pub docstrings: BTreeSet<u32>,
    /// The functions and classes (coverage.py's `code_regions()`), in the
    /// order they are defined.
    pub regions: Vec<CodeRegion>,
    /// How many lines the source has, as `str.splitlines()` counts them.
    pub line_count: u32,
}

impl SourceAnalysis {
    /// The first line of the statement containing `line`.
    pub fn first_line(&self, line: u32) -> u32 {
        self.multiline.get(&line).copied().unwrap_or(line)
    }

    /// Map lines to the first lines of their statements.
    pub fn translate_lines(&self, lines: impl IntoIterator<Item = u32>) -> BTreeSet<u32> {
        lines.into_iter().map(|l| self.first_line(l)).collect()
    }
}

/// Analyze source text (already decoded, as `read_python_source` gives it).
///
/// A bug of ours (a panic) becomes `AnalysisError::Internal` for this file
/// instead of unwinding into the caller: the other files are still analyzed.
pub fn analyze_source(text: &str, filename: &str, opts: &AnalysisOptions) -> Result<SourceAnalysis, AnalysisError> {
    let analysis = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| structure::analyze(text, filename, opts)));
    analysis.unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(AnalysisError::Internal { filename: filename.to_string(), detail })
    })
}

/// Read and analyze one file.
pub fn analyze_file(path: &Path, opts: &AnalysisOptions) -> Result<SourceAnalysis, AnalysisError> {
    let text = read_python_source(path)?;
    analyze_source(&text, &path.to_string_lossy(), opts)
}

/// Analyze many files in parallel; results are in the order of `paths`.
pub fn analyze_files(paths: &[PathBuf], opts: &AnalysisOptions) -> Vec<Result<SourceAnalysis, AnalysisError>> {
    paths.par_iter().map(|p| analyze_file(p, opts)).collect()
}
