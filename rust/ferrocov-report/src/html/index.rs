//! The file index (`index.html`): one row per reported file, the totals of
//! all files, and counts of the files the skip options left out.

use std::path::{Path, PathBuf};

use ferrocov_results::{FileResult, Numbers};
use serde_json::{json, Value};

use super::file_page::PageContext;
use super::numbers::numbers_json;
use super::{assets, templates, HtmlFile, HtmlReportOptions};
use crate::error::ReportError;

/// How many files each skip option left out.
#[derive(Debug, Default)]
pub struct Skipped {
    pub covered: u64,
    pub empty: u64,
}

impl Skipped {
    /// coverage.py's rule: skip_covered first (no missing lines and no
    /// partial branches), then skip_empty (no statements); count the skip.
    pub fn skips(&mut self, result: &FileResult, opts: &HtmlReportOptions) -> bool {
        let n = &result.numbers;
        if opts.skip_covered && n.n_missing == 0 && n.n_partial_branches == 0 {
            self.covered += 1;
            return true;
        }
        if opts.skip_empty && n.n_statements == 0 {
            self.empty += 1;
            return true;
        }
        false
    }
}

/// Write `index.html`; returns its path.
pub fn write_index(
    dir: &Path,
    rows: &[(HtmlFile<'_>, &str)],
    totals: &Numbers,
    skipped: &Skipped,
    first: &str,
    ctx: &PageContext<'_>,
) -> Result<PathBuf, ReportError> {
    let precision = ctx.opts.precision;
    let rows: Vec<Value> = rows
        .iter()
        .map(|(file, page)| {
            json!({"file": file.relative_filename, "url": page, "nums": numbers_json(&file.result.numbers, precision)})
        })
        .collect();
    let mut context = ctx.common();
    context["rows"] = Value::Array(rows);
    context["totals"] = numbers_json(totals, precision);
    context["skipped_covered"] = json!(skipped.covered);
    context["skipped_empty"] = json!(skipped.empty);
    context["first"] = json!(first);
    let html = templates::render("index.html", context)?;
    let path = dir.join("index.html");
    assets::overwrite_file(&path, html.as_bytes())?;
    Ok(path)
}
