//! One file's results, as coverage.py's `analysis_from_file_reporter` and
//! `Analysis` compute them from a static analysis and the measured data.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use ferrocov_analysis::{CodeRegion, SourceAnalysis};

use crate::Numbers;

/// What was measured for one file: its lines, and its arcs when the data
/// holds arcs (branch coverage).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Measured {
    pub lines: Vec<u32>,
    pub arcs: Option<Vec<(i32, i32)>>,
}

/// The results of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileResult {
    pub statements: BTreeSet<u32>,
    pub excluded: BTreeSet<u32>,
    pub executed: BTreeSet<u32>,
    pub missing: BTreeSet<u32>,
    /// Was branch coverage measured?
    pub has_arcs: bool,
    pub arc_possibilities: BTreeSet<(i32, i32)>,
    pub arcs_executed: BTreeSet<(i32, i32)>,
    /// Exits of each line (lines with more than one are branches).
    pub exit_counts: BTreeMap<u32, u32>,
    /// Lines whose branches are not counted (`partial_branches`).
    pub no_branch: BTreeSet<u32>,
    pub numbers: Numbers,
    /// The source's functions and classes, for the JSON and LCOV reports.
    pub regions: Vec<CodeRegion>,
    /// The source's number of lines (`len(source.splitlines())`).
    pub line_count: u32,
    /// What each possible arc out of a branch line does ("jump to line
    /// 7"), for the LCOV report's branch records.
    pub branch_descriptions: BTreeMap<(i32, i32), String>,
    /// Why each missing arc out of a branch line did not run ("line 5
    /// didn't jump to line 7 because ..."), for the HTML report's partial
    /// lines.
    pub missing_branch_descriptions: BTreeMap<(i32, i32), String>,
}

impl FileResult {
    /// The results of a file analyzed as `source` (with arcs when the data
    /// has them), with `no_branch` its `partial_branches` lines.
    pub fn new(source: &SourceAnalysis, no_branch: BTreeSet<u32>, measured: &Measured) -> Self {
        let executed: BTreeSet<u32> =
            source.translate_lines(measured.lines.iter().copied()).intersection(&source.statements).copied().collect();
        let mut result = FileResult {
            statements: source.statements.clone(),
            excluded: source.excluded.clone(),
            missing: source.statements.difference(&executed).copied().collect(),
            executed,
            regions: source.regions.clone(),
            line_count: source.line_count,
            ..FileResult::default()
        };
        if let Some(arcs) = &measured.arcs {
            result.has_arcs = true;
            result.arc_possibilities = source.possible_arcs().clone();
            result.arcs_executed = executed_arcs(source, arcs);
            result.exit_counts = source.exit_counts();
            result.no_branch = no_branch;
            let branch_lines: BTreeSet<u32> = result.branch_lines().into_iter().collect();
            result.branch_descriptions = result
                .arc_possibilities
                .iter()
                .filter(|(from, _)| is_in(&branch_lines, *from))
                .map(|&(from, to)| ((from, to), source.arc_description(from, to)))
                .collect();
            result.missing_branch_descriptions = result
                .missing_branch_arcs()
                .into_iter()
                .flat_map(|(line, ends)| ends.into_iter().map(move |end| (line as i32, end)))
                .map(|(from, to)| ((from, to), source.missing_arc_description(from, to)))
                .collect();
        }
        result.numbers = result.count();
        result
    }

    pub(crate) fn count(&self) -> Numbers {
        let mut numbers = Numbers {
            n_files: 1,
            n_statements: self.statements.len() as u64,
            n_excluded: self.excluded.len() as u64,
            n_missing: self.missing.len() as u64,
            ..Numbers::default()
        };
        if self.has_arcs {
            let missing_branches = self.missing_branch_arcs();
            numbers.n_branches = self.total_branches();
            numbers.n_missing_branches = missing_branches.values().map(|d| d.len() as u64).sum();
            numbers.n_partial_branches = missing_branches
                .iter()
                .filter(|(line, _)| !self.missing.contains(line))
                .map(|(_, d)| d.len() as u64)
                .sum();
        }
        numbers
    }

    /// Possible arcs not executed, leaving out `no_branch` starts and
    /// excluded destinations.
    pub fn arcs_missing(&self) -> Vec<(i32, i32)> {
        self.arc_possibilities
            .iter()
            .filter(|arc| !self.arcs_executed.contains(arc))
            .filter(|(from, to)| !is_in(&self.no_branch, *from) && !is_in(&self.excluded, *to))
            .copied()
            .collect()
    }

    /// Lines with more than one exit, in line order.
    pub fn branch_lines(&self) -> Vec<u32> {
        self.exit_counts.iter().filter(|(_, &count)| count > 1).map(|(&line, _)| line).collect()
    }

    /// All exits of all branch lines.
    pub fn total_branches(&self) -> u64 {
        self.exit_counts.values().filter(|&&count| count > 1).map(|&count| u64::from(count)).sum()
    }

    /// Missing arcs out of branch lines: `{line: [destination, ...]}`.
    pub fn missing_branch_arcs(&self) -> BTreeMap<u32, Vec<i32>> {
        let branch_lines: BTreeSet<u32> = self.branch_lines().into_iter().collect();
        group_by_start(self.arcs_missing().into_iter(), &branch_lines)
    }

    /// Executed possible arcs out of branch lines: `{line: [destination, ...]}`.
    pub fn executed_branch_arcs(&self) -> BTreeMap<u32, Vec<i32>> {
        let branch_lines: BTreeSet<u32> = self.branch_lines().into_iter().collect();
        let executed = self.arcs_executed.iter().filter(|arc| self.arc_possibilities.contains(arc)).copied();
        group_by_start(executed, &branch_lines)
    }

    /// `{branch line: (exits, exits taken)}`.
    pub fn branch_stats(&self) -> BTreeMap<u32, (u32, u32)> {
        let missing = self.missing_branch_arcs();
        self.branch_lines()
            .into_iter()
            .map(|line| {
                let exits = self.exit_counts[&line];
                let not_taken = missing.get(&line).map_or(0, |d| d.len() as u32);
                (line, (exits, exits - not_taken))
            })
            .collect()
    }
}

fn is_in(lines: &BTreeSet<u32>, line: i32) -> bool {
    u32::try_from(line).is_ok_and(|line| lines.contains(&line))
}

fn group_by_start(arcs: impl Iterator<Item = (i32, i32)>, starts: &BTreeSet<u32>) -> BTreeMap<u32, Vec<i32>> {
    let mut grouped: BTreeMap<u32, Vec<i32>> = BTreeMap::new();
    for (from, to) in arcs {
        if let Ok(from) = u32::try_from(from) {
            if starts.contains(&from) {
                grouped.entry(from).or_default().push(to);
            }
        }
    }
    grouped
}

/// The measured arcs as reports count them: translated to first lines; an
/// arc from a line to itself (a multi-line statement's lines) stands for
/// that line's one possible exit when it has only one.
fn executed_arcs(source: &SourceAnalysis, arcs: &[(i32, i32)]) -> BTreeSet<(i32, i32)> {
    let translated = source.translate_arcs(arcs.iter().copied());
    let single_destinations = single_destinations(source.possible_arcs());
    let mut kept = BTreeSet::new();
    for (from, to) in translated {
        if from != to {
            kept.insert((from, to));
        } else if let Some(&only) = single_destinations.get(&from) {
            kept.insert((from, only));
        }
    }
    source.translate_arcs(kept)
}

fn single_destinations(possible: &BTreeSet<(i32, i32)>) -> HashMap<i32, i32> {
    let mut destinations: HashMap<i32, BTreeSet<i32>> = HashMap::new();
    for &(from, to) in possible {
        destinations.entry(from).or_default().insert(to);
    }
    destinations
        .into_iter()
        .filter(|(_, to)| to.len() == 1)
        .filter_map(|(from, to)| to.first().map(|&only| (from, only)))
        .collect()
}
