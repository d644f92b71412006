//! One file's page: every source line numbered, highlighted and marked
//! run / missing / excluded / partial, with the partial lines' missed
//! branches explained and, when asked, the contexts that ran each line.

use std::collections::BTreeMap;

use ferrocov_analysis::{highlight_lines, HighlightSpan};
use ferrocov_results::FileResult;
use serde_json::{json, Value};

use super::numbers::numbers_json;
use super::{templates, HtmlReportOptions, PageFile};
use crate::error::ReportError;

/// What every page shares.
pub struct PageContext<'a> {
    pub opts: &'a HtmlReportOptions,
    /// The extra CSS's name inside the directory.
    pub extra_css: Option<&'a str>,
}

impl PageContext<'_> {
    /// The context entries every template uses.
    pub fn common(&self) -> Value {
        json!({
            "title": self.opts.title,
            "extra_css": self.extra_css,
            "css": templates::CSS_NAME,
            "js": templates::JS_NAME,
            "version": self.opts.version,
            "timestamp": self.opts.timestamp,
            "has_arcs": self.opts.has_arcs,
        })
    }
}

/// The line's category; the CSS class names are part of our interface
/// (tests and user CSS rely on them).
fn category(result: &FileResult, missing_arcs: &BTreeMap<u32, Vec<i32>>, line: u32) -> &'static str {
    if result.excluded.contains(&line) {
        "cov-exc"
    } else if result.missing.contains(&line) {
        "cov-mis"
    } else if result.has_arcs && missing_arcs.contains_key(&line) {
        "cov-par"
    } else if result.statements.contains(&line) {
        "cov-run"
    } else {
        "cov-none"
    }
}

/// The missed destinations of a partial line, short ("5", "exit") and
/// long (coverage.py's sentences).
fn partial_notes(result: &FileResult, line: u32, ends: &[i32]) -> (String, Vec<String>) {
    let short: Vec<String> = ends.iter().map(|&e| if e < 0 { "exit".into() } else { e.to_string() }).collect();
    let long = ends
        .iter()
        .map(|&e| {
            let arc = (line as i32, e);
            result
                .missing_branch_descriptions
                .get(&arc)
                .cloned()
                .unwrap_or_else(|| format!("line {line} didn't jump to line {e}"))
        })
        .collect();
    (format!("{line} \u{219b} {}", short.join(", ")), long)
}

fn spans_json(spans: &[HighlightSpan]) -> Value {
    Value::Array(spans.iter().map(|s| json!({"c": s.class.css(), "t": s.text})).collect())
}

/// The lines of the page, as the template walks them.
fn lines_json(source: &str, page: &PageFile<'_>, show_contexts: bool) -> Vec<Value> {
    let result = page.file.result;
    let missing_arcs = if result.has_arcs { result.missing_branch_arcs() } else { BTreeMap::new() };
    let contexts: BTreeMap<u32, &Vec<String>> = match (show_contexts, page.file.contexts) {
        (true, Some(c)) => c.iter().map(|(line, ctxs)| (*line, ctxs)).collect(),
        _ => BTreeMap::new(),
    };
    highlight_lines(source)
        .iter()
        .zip(1u32..)
        .map(|(spans, n)| {
            let cls = category(result, &missing_arcs, n);
            let (short, long) = match missing_arcs.get(&n) {
                Some(ends) if cls == "cov-par" => partial_notes(result, n, ends),
                _ => (String::new(), Vec::new()),
            };
            let ctxs: Vec<&str> = contexts
                .get(&n)
                .map(|c| c.iter().map(|s| if s.is_empty() { "(empty)" } else { s.as_str() }).collect())
                .unwrap_or_default();
            json!({"n": n, "cls": cls, "spans": spans_json(spans), "short": short, "long": long, "contexts": ctxs})
        })
        .collect()
}

/// The HTML of one file's page.
pub fn render_file_page(source: &str, page: &PageFile<'_>, ctx: &PageContext<'_>) -> Result<String, ReportError> {
    let opts = ctx.opts;
    let mut context = ctx.common();
    context["file"] = json!(page.file.relative_filename);
    context["nums"] = numbers_json(&page.file.result.numbers, opts.precision);
    context["prev"] = json!(page.prev);
    context["next"] = json!(page.next);
    context["show_contexts"] = json!(opts.show_contexts && page.file.contexts.is_some());
    context["lines"] = Value::Array(lines_json(source, page, opts.show_contexts));
    templates::render("file.html", context)
}
