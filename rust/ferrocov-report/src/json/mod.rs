//! The JSON report (`coverage json`), byte for byte as coverage.py 7.17.3
//! writes it (format 3): `meta`, each file's lines, summary and branches
//! and its per-function and per-class regions, then `totals`.
//!
//! Each file's entry is built as a tree of values (`value`), a slice of
//! files at a time on every core, and written by serde_json with Python's
//! `json.dumps` layout (`python_format`) before the next slice is built:
//! the whole document never sits in memory as a tree.

mod python_format;
mod value;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap};

use ferrocov_analysis::RegionKind;
use ferrocov_results::{FileResult, Numbers};
use rayon::prelude::*;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::display::display_covered;
use crate::error::ReportError;
use crate::regions::narrow_by_kind;

pub use python_format::float_repr;
use python_format::PythonFormatter;
use value::{Json, Object};

/// The format number coverage.py 7.17.3 writes in `meta`.
const FORMAT_VERSION: u32 = 3;

/// The lines of a file and the contexts that ran each
/// (`CoverageData.contexts_by_lineno`), in the data's order.
pub type LineContexts = Vec<(u32, Vec<String>)>;

/// One file to report, in report order.
#[derive(Debug, Clone, Copy)]
pub struct JsonFile<'a> {
    /// The key it is reported under (`relative_filename()`).
    pub relative_filename: &'a str,
    pub result: &'a FileResult,
    /// With `show_contexts`: the contexts of its lines.
    pub contexts: Option<&'a LineContexts>,
}

/// Everything besides the files that the report shows.
#[derive(Debug, Clone, Default)]
pub struct JsonReportOptions {
    pub version: String,
    /// `datetime.now().isoformat()`.
    pub timestamp: String,
    /// Whether the data holds arcs (branch coverage).
    pub has_arcs: bool,
    /// `[json] show_contexts`.
    pub show_contexts: bool,
    /// `[json] pretty_print`: indented by four spaces.
    pub pretty_print: bool,
    /// `[report] precision`, for the `*_display` texts.
    pub precision: usize,
}

/// The report's bytes and the total numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonReport {
    pub bytes: Vec<u8>,
    pub totals: Numbers,
}

/// Render the JSON report of `files`.
///
/// # Errors
/// `JsonWrite` if serializing fails.
pub fn render_json(files: &[JsonFile<'_>], opts: &JsonReportOptions) -> Result<JsonReport, ReportError> {
    let mut meta = Object::new();
    meta.set("format", FORMAT_VERSION);
    meta.set("version", opts.version.as_str());
    meta.set("timestamp", opts.timestamp.as_str());
    meta.set("branch_coverage", opts.has_arcs);
    meta.set("show_contexts", opts.show_contexts);

    let mut totals = Numbers::default();
    for file in files {
        totals += file.result.numbers;
    }
    let document =
        Document { meta, files: FilesObject { files, keys: dict_keys(files), opts }, totals: summary(&totals, opts) };

    let mut bytes = Vec::new();
    let formatter = PythonFormatter::new(opts.pretty_print.then_some(b"    ".as_slice()));
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    document.serialize(&mut serializer).map_err(|e| ReportError::JsonWrite(e.to_string()))?;
    Ok(JsonReport { bytes, totals })
}

/// How many files' entries are built at once: enough to keep every core
/// busy, few enough that their trees stay small.
const FILES_PER_SLICE: usize = 64;

/// The top-level object: `meta`, `files`, `totals`.
struct Document<'a> {
    meta: Object,
    files: FilesObject<'a>,
    totals: Object,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("meta", &self.meta)?;
        map.serialize_entry("files", &self.files)?;
        map.serialize_entry("totals", &self.totals)?;
        map.end()
    }
}

/// The `files` object, built and written a slice at a time.
struct FilesObject<'a> {
    files: &'a [JsonFile<'a>],
    /// Which file gives each key, in the order the keys are written.
    keys: Vec<usize>,
    opts: &'a JsonReportOptions,
}

impl Serialize for FilesObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.keys.len()))?;
        for slice in self.keys.chunks(FILES_PER_SLICE) {
            let entries: Vec<Object> = slice.par_iter().map(|&at| file_data(&self.files[at], self.opts)).collect();
            for (&at, entry) in slice.iter().zip(&entries) {
                map.serialize_entry(self.files[at].relative_filename, entry)?;
            }
        }
        map.end()
    }
}

/// The files a Python dict keyed by relative name would end up holding:
/// each key where it was first set, with the value of the last file that
/// set it.
fn dict_keys(files: &[JsonFile<'_>]) -> Vec<usize> {
    let mut first_at: HashMap<&str, usize> = HashMap::new();
    let mut keys: Vec<usize> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        match first_at.get(file.relative_filename) {
            Some(&slot) => keys[slot] = index,
            None => {
                first_at.insert(file.relative_filename, keys.len());
                keys.push(index);
            }
        }
    }
    keys
}

/// A file's entry: its own data, then its functions and classes.
fn file_data(file: &JsonFile<'_>, opts: &JsonReportOptions) -> Object {
    let mut data = lines_and_summary(file.result, opts, None, file.contexts);
    for (kind, plural) in [(RegionKind::Function, "functions"), (RegionKind::Class, "classes")] {
        data.set(plural, regions(file, kind, opts));
    }
    data
}

fn regions(file: &JsonFile<'_>, kind: RegionKind, opts: &JsonReportOptions) -> Object {
    let narrowed = narrow_by_kind(file.result, kind);
    // The first region of a name that has statements keeps the bare name;
    // the others get "@<start line>".
    let with_statements: BTreeSet<&str> =
        narrowed.regions.iter().filter(|r| r.result.numbers.n_statements > 0).map(|r| r.region.name.as_str()).collect();
    let mut data = Object::new();
    for region in &narrowed.regions {
        let mut name = region.region.name.clone();
        let empty = region.result.numbers.n_statements == 0;
        if data.contains(&name) || (empty && with_statements.contains(name.as_str())) {
            name = format!("{name}@{}", region.region.start);
        }
        data.set(name, lines_and_summary(&region.result, opts, Some(region.region.start), file.contexts));
    }
    data.set("", lines_and_summary(&narrowed.outside, opts, Some(narrowed.outside_start), file.contexts));
    data
}

/// The lines, summary and branches of a file or region (regions also give
/// their start line). A region shows the contexts of the whole file.
fn lines_and_summary(
    result: &FileResult,
    opts: &JsonReportOptions,
    start_line: Option<u32>,
    contexts: Option<&LineContexts>,
) -> Object {
    let mut data = Object::new();
    data.set("executed_lines", lines(&result.executed));
    data.set("summary", summary(&result.numbers, opts));
    data.set("missing_lines", lines(&result.missing));
    data.set("excluded_lines", lines(&result.excluded));
    if let Some(start) = start_line {
        data.set("start_line", start);
    }
    if opts.show_contexts {
        let mut by_line = Object::new();
        for (line, names) in contexts.map(Vec::as_slice).unwrap_or_default() {
            by_line.set(line.to_string(), names.iter().map(String::as_str).map(Json::from).collect::<Vec<_>>());
        }
        data.set("contexts", by_line);
    }
    if opts.has_arcs {
        data.set("executed_branches", branch_pairs(&result.executed_branch_arcs()));
        data.set("missing_branches", branch_pairs(&result.missing_branch_arcs()));
    }
    data
}

fn lines(set: &BTreeSet<u32>) -> Json {
    Json::List(set.iter().map(|&l| Json::from(l)).collect())
}

fn branch_pairs(arcs: &std::collections::BTreeMap<u32, Vec<i32>>) -> Json {
    let mut pairs = Vec::new();
    for (&from, destinations) in arcs {
        for &to in destinations {
            pairs.push(Json::List(vec![Json::from(from), Json::from(to)]));
        }
    }
    Json::List(pairs)
}

/// coverage.py's `make_summary` (and `make_branch_summary` with arcs).
fn summary(numbers: &Numbers, opts: &JsonReportOptions) -> Object {
    let display = |pc: f64| display_covered(pc, opts.precision);
    let mut summary = Object::new();
    summary.set("covered_lines", numbers.n_executed());
    summary.set("num_statements", numbers.n_statements);
    summary.set("percent_covered", numbers.pc_covered());
    summary.set("percent_covered_display", display(numbers.pc_covered()));
    summary.set("missing_lines", numbers.n_missing);
    summary.set("excluded_lines", numbers.n_excluded);
    summary.set("percent_statements_covered", numbers.pc_statements());
    summary.set("percent_statements_covered_display", display(numbers.pc_statements()));
    if opts.has_arcs {
        summary.set("num_branches", numbers.n_branches);
        summary.set("num_partial_branches", numbers.n_partial_branches);
        summary.set("covered_branches", numbers.n_executed_branches());
        summary.set("missing_branches", numbers.n_missing_branches);
        summary.set("percent_branches_covered", numbers.pc_branches());
        summary.set("percent_branches_covered_display", display(numbers.pc_branches()));
    }
    summary
}
