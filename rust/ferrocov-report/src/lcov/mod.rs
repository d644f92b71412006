//! The LCOV report (`coverage lcov`), byte for byte as coverage.py 7.17.3
//! writes it: per file `SF`, a `DA` record per statement (with a checksum
//! under `[lcov] line_checksums`), `LF`/`LH`, the functions' `FN`/`FNDA`
//! records and `FNF`/`FNH`, with branch data `BRDA` records and
//! `BRF`/`BRH`, then `end_of_record`.

mod checksum;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use ferrocov_analysis::{splitlines, CodeRegion, RegionKind};
use ferrocov_results::{FileResult, Narrower, Numbers};

use crate::pytext::neutralize_control;

pub use checksum::line_hash;

/// One file to report.
#[derive(Debug, Clone, Copy)]
pub struct LcovFile<'a> {
    /// Its relative name, which the records are sorted by.
    pub relative_filename: &'a str,
    pub result: &'a FileResult,
    /// The source text, when line checksums are asked for.
    pub source: Option<&'a str>,
}

/// The report's text and the total numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct LcovReport {
    pub text: String,
    pub totals: Numbers,
}

/// Render the LCOV report of `files` (in any order: records are sorted by
/// relative name). `skip_empty` leaves out files without statements.
pub fn render_lcov(files: &[LcovFile<'_>], skip_empty: bool) -> LcovReport {
    let mut sorted: Vec<&LcovFile<'_>> = files.iter().collect();
    sorted.sort_by(|a, b| a.relative_filename.cmp(b.relative_filename));
    let mut text = String::new();
    let mut totals = Numbers::default();
    for file in sorted {
        totals += file.result.numbers;
        if skip_empty && file.result.numbers.n_statements == 0 {
            continue;
        }
        write_file(&mut text, file);
    }
    LcovReport { text, totals }
}

fn write_file(out: &mut String, file: &LcovFile<'_>) {
    let result = file.result;
    let _ = writeln!(out, "SF:{}", neutralize_control(file.relative_filename));
    let source_lines = file.source.map(splitlines).unwrap_or_default();
    for &line in &result.statements {
        let hit = u8::from(!result.missing.contains(&line));
        let _ = write!(out, "DA:{line},{hit}");
        if !source_lines.is_empty() {
            let text = usize::try_from(line).ok().and_then(|l| source_lines.get(l - 1)).copied().unwrap_or("");
            let _ = write!(out, ",{}", line_hash(text));
        }
        out.push('\n');
    }
    if result.numbers.n_statements > 0 {
        let _ = writeln!(out, "LF:{}", result.numbers.n_statements);
        let _ = writeln!(out, "LH:{}", result.numbers.n_executed());
    }
    write_functions(out, result);
    if result.has_arcs {
        write_branches(out, result);
    }
    out.push_str("end_of_record\n");
}

/// `FN`/`FNDA` for each function with statements, in line order; a name
/// seen before gets "@<first line>".
fn write_functions(out: &mut String, result: &FileResult) {
    let functions: Vec<(u32, u32, &CodeRegion)> = result
        .regions
        .iter()
        .filter(|r| r.kind == RegionKind::Function)
        .filter_map(|r| {
            let (first, last) = (r.lines.first()?, r.lines.last()?);
            Some((r.start.min(*first), r.start.max(*last), r))
        })
        .collect();
    if functions.is_empty() {
        return;
    }
    let line_sets: Vec<&BTreeSet<u32>> = functions.iter().map(|(_, _, r)| &r.lines).collect();
    let narrower = Narrower::new(result, &line_sets);
    let narrowed: Vec<FileResult> =
        functions.iter().enumerate().map(|(index, (_, _, r))| narrower.narrow(index, &r.lines)).collect();
    let mut order: Vec<usize> = (0..functions.len()).collect();
    order.sort_by_key(|&i| (functions[i].0, functions[i].1));
    let (mut found, mut hit_count) = (0u64, 0u64);
    let mut names: BTreeSet<String> = BTreeSet::new();
    for index in order {
        let (first, last, region) = functions[index];
        let numbers = narrowed[index].numbers;
        if numbers.n_statements == 0 {
            continue;
        }
        found += 1;
        let hit = u8::from(numbers.n_executed() > 0);
        hit_count += u64::from(hit);
        let mut name = neutralize_control(&region.name);
        if names.contains(&name) {
            name = format!("{name}@{first}");
        } else {
            names.insert(name.clone());
        }
        let _ = writeln!(out, "FN:{first},{last},{name}");
        let _ = writeln!(out, "FNDA:{hit},{name}");
    }
    let _ = writeln!(out, "FNF:{found}");
    let _ = writeln!(out, "FNH:{hit_count}");
}

/// `BRDA` for each branch statement's exits: taken ones "1" and missed
/// ones "0", or all "-" when none was taken; exits from the code object
/// last. Then `BRF`/`BRH` when there are branches.
fn write_branches(out: &mut String, result: &FileResult) {
    let stats = result.branch_stats();
    let executed = result.executed_branch_arcs();
    let missing = result.missing_branch_arcs();
    for &line in &result.statements {
        let Some(&(_, taken)) = stats.get(&line) else { continue };
        let missed = missing.get(&line).map(Vec::as_slice).unwrap_or_default();
        let mut destinations: Vec<(i32, &str)> = if taken == 0 {
            missed.iter().map(|&d| (d, "-")).collect()
        } else {
            let ran = executed.get(&line).map(Vec::as_slice).unwrap_or_default();
            ran.iter().map(|&d| (d, "1")).chain(missed.iter().map(|&d| (d, "0"))).collect()
        };
        destinations.sort_by_key(|&(d, hit)| (d < 0, d, hit));
        for (destination, hit) in destinations {
            let from = i32::try_from(line).unwrap_or(i32::MAX);
            let description = result
                .branch_descriptions
                .get(&(from, destination))
                .map_or_else(String::new, |d| neutralize_control(d));
            let _ = writeln!(out, "BRDA:{line},0,{description},{hit}");
        }
    }
    let total: u64 = stats.values().map(|&(exits, _)| u64::from(exits)).sum();
    let not_taken: u64 = stats.values().map(|&(exits, taken)| u64::from(exits - taken)).sum();
    if total > 0 {
        let _ = writeln!(out, "BRF:{total}");
        let _ = writeln!(out, "BRH:{}", total - not_taken);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_statements_has_only_its_name() {
        let empty = FileResult::default();
        let files = [LcovFile { relative_filename: "b.py", result: &empty, source: None }];
        assert_eq!(render_lcov(&files, false).text, "SF:b.py\nend_of_record\n");
        assert_eq!(render_lcov(&files, true).text, "");
    }

    #[test]
    fn lines_functions_and_checksums() {
        let mut result = FileResult {
            statements: [1, 2, 4].into(),
            executed: [1, 4].into(),
            missing: [2].into(),
            regions: vec![CodeRegion { kind: RegionKind::Function, name: "f\nx".into(), start: 1, lines: [2].into() }],
            ..FileResult::default()
        };
        result.numbers = Numbers { n_files: 1, n_statements: 3, n_missing: 1, ..Numbers::default() };
        let files = [LcovFile { relative_filename: "a.py", result: &result, source: Some("import os\nb\n\nc\n") }];
        let text = render_lcov(&files, false).text;
        assert_eq!(
            text,
            format!(
                "SF:a.py\nDA:1,1,7Z9Lj4ed27Wf2hBX6jooEA\nDA:2,0,{}\nDA:4,1,{}\nLF:3\nLH:2\nFN:1,2,f?x\nFNDA:0,f?x\nFNF:1\nFNH:0\nend_of_record\n",
                line_hash("b"),
                line_hash("c")
            )
        );
    }
}
