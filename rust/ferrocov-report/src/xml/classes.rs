//! One reported file as a Cobertura `<class>`: its names, its `<line>`
//! entries and the counts its package and the totals add up.

use ferrocov_results::FileResult;

use crate::error::ReportError;

use super::posix_path::{dirname, first_components, relpath};

/// A `<line>`: a statement, whether it ran, and on branch lines the
/// branch counts and the destinations not taken.
pub(crate) struct Line {
    pub(crate) number: u32,
    pub(crate) hit: bool,
    /// `(exits, exits taken)` of a branch line (branch coverage only).
    pub(crate) branch: Option<(u32, u32)>,
    /// "5,exit": the destinations not taken (branch coverage only).
    pub(crate) missing_branches: Option<String>,
}

/// A `<class>` and its counts.
pub(crate) struct Class {
    /// The file name relative to its package directory.
    pub(crate) name: String,
    /// The name the file is reported under.
    pub(crate) filename: String,
    pub(crate) lines: Vec<Line>,
    pub(crate) counts: Counts,
}

/// Statements and branches, all and covered, as packages and totals add
/// them up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) lines: u64,
    pub(crate) hits: u64,
    pub(crate) branches: u64,
    pub(crate) branch_hits: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.lines += other.lines;
        self.hits += other.hits;
        self.branches += other.branches;
        self.branch_hits += other.branch_hits;
    }
}

/// The package (dotted directory, cut to `package_depth` parts) of a file
/// reported as `report_name`, and its class.
pub(crate) fn package_and_class(
    report_name: String,
    result: &FileResult,
    has_arcs: bool,
    package_depth: i64,
    cwd: &str,
) -> Result<(String, Class), ReportError> {
    let directory = match dirname(&report_name) {
        "" => ".",
        directory => directory,
    };
    let package_dir = first_components(directory, package_depth);
    let class = Class {
        name: relpath(&report_name, &package_dir, cwd)?,
        lines: lines(result, has_arcs),
        counts: counts(result, has_arcs),
        filename: report_name,
    };
    Ok((package_dir.replace('/', "."), class))
}

fn lines(result: &FileResult, has_arcs: bool) -> Vec<Line> {
    let (stats, missing) =
        if has_arcs { (result.branch_stats(), result.missing_branch_arcs()) } else { Default::default() };
    result
        .statements
        .iter()
        .map(|&number| Line {
            number,
            hit: !result.missing.contains(&number),
            branch: stats.get(&number).copied(),
            missing_branches: missing.get(&number).map(|destinations| destination_list(destinations)),
        })
        .collect()
}

/// "5,exit": line numbers, and "exit" for leaving the code object.
fn destination_list(destinations: &[i32]) -> String {
    let names: Vec<String> =
        destinations.iter().map(|&to| if to < 0 { "exit".to_owned() } else { to.to_string() }).collect();
    names.join(",")
}

fn counts(result: &FileResult, has_arcs: bool) -> Counts {
    let lines = result.statements.len() as u64;
    let mut counts = Counts { lines, hits: lines - result.missing.len() as u64, ..Counts::default() };
    if has_arcs {
        let stats = result.branch_stats();
        counts.branches = stats.values().map(|&(exits, _)| u64::from(exits)).sum();
        let not_taken: u64 = stats.values().map(|&(exits, taken)| u64::from(exits - taken)).sum();
        counts.branch_hits = counts.branches - not_taken;
    }
    counts
}
