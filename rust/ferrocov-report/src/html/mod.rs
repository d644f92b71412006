//! The HTML report (`coverage html`): an index of files, one page per
//! file with highlighted, marked-up source, and index pages of functions
//! and classes, written into a directory that works from `file://`.
//!
//! The behaviour follows coverage.py 7.17.3 (which files get pages, the
//! skip rules, totals, incremental rewriting, the `.gitignore`); the pages,
//! styles and scripts are our own design.

mod assets;
mod file_page;
mod hash;
mod index;
mod naming;
mod numbers;
mod region_pages;
mod status;
mod templates;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use ferrocov_results::{FileResult, Numbers};
use rayon::prelude::*;

use crate::error::ReportError;
use crate::json::LineContexts;

/// What the report looks like and where it goes.
#[derive(Debug, Clone)]
pub struct HtmlReportOptions {
    pub directory: PathBuf,
    pub title: String,
    /// A CSS file to copy into the directory and link from every page.
    pub extra_css: Option<PathBuf>,
    pub skip_covered: bool,
    pub skip_empty: bool,
    pub show_contexts: bool,
    pub precision: usize,
    pub has_arcs: bool,
    /// coverage.py's version, shown in the footer and keyed in the status.
    pub version: String,
    pub timestamp: String,
}

/// One measured file, in report order.
#[derive(Debug, Clone, Copy)]
pub struct HtmlFile<'a> {
    pub relative_filename: &'a str,
    /// Where to read the source from.
    pub source_path: &'a Path,
    /// The source text when it is not a file on disk (a module inside a
    /// zip file): used instead of reading `source_path`.
    pub source_text: Option<&'a str>,
    pub result: &'a FileResult,
    /// `(line, [context, ...])` when contexts are shown.
    pub contexts: Option<&'a LineContexts>,
}

/// What a report run did.
#[derive(Debug, Clone, Default)]
pub struct HtmlReport {
    /// Of every file, reported or skipped (coverage.py's index totals).
    pub totals: Numbers,
    pub index_path: PathBuf,
    /// Page file names written this run, and those kept from the last run.
    pub written: Vec<String>,
    pub kept: Vec<String>,
}

/// A file that gets a page: its input, page name and neighbours.
struct PageFile<'a> {
    file: HtmlFile<'a>,
    page: String,
    prev: String,
    next: String,
}

/// Write the whole report into `opts.directory`.
pub fn render_html(files: &[HtmlFile<'_>], opts: &HtmlReportOptions) -> Result<HtmlReport, ReportError> {
    if files.is_empty() {
        return Err(ReportError::NoData);
    }
    let dir = &opts.directory;
    let chosen = choose_pages(files, opts);
    let was_empty = assets::make_directory(dir)?;
    let extra_css = assets::write_assets(dir, opts.extra_css.as_deref(), was_empty)?;
    let pages = link_neighbours(chosen.reported);
    let ctx = file_page::PageContext { opts, extra_css: extra_css.as_deref() };
    let mut report = write_pages(&pages, &ctx)?;
    report.totals = chosen.totals;
    let first = pages.first().map_or("index.html", |p| p.page.as_str());
    let rows: Vec<(HtmlFile<'_>, &str)> = pages.iter().map(|p| (p.file, p.page.as_str())).collect();
    report.index_path = index::write_index(dir, &rows, &chosen.totals, &chosen.skipped, first, &ctx)?;
    region_pages::write_region_pages(dir, &rows, &ctx)?;
    Ok(report)
}

/// The files that get pages, the totals of all files and the skip counts.
struct Chosen<'a> {
    reported: Vec<(HtmlFile<'a>, String)>,
    totals: Numbers,
    skipped: index::Skipped,
}

/// Apply the skip options; a skipped file's page from an earlier run would
/// be stale, so it is removed (as coverage.py does).
fn choose_pages<'a>(files: &[HtmlFile<'a>], opts: &HtmlReportOptions) -> Chosen<'a> {
    let names = naming::page_names(files.iter().map(|f| f.relative_filename));
    let mut chosen = Chosen { reported: Vec::new(), totals: Numbers::default(), skipped: index::Skipped::default() };
    for (file, page) in files.iter().zip(names) {
        chosen.totals += file.result.numbers;
        if chosen.skipped.skips(file.result, opts) {
            let _ = std::fs::remove_file(opts.directory.join(&page));
        } else {
            chosen.reported.push((*file, page));
        }
    }
    chosen
}

/// Write the file pages in parallel, each only when it changed, and the
/// status file that records them for the next run.
fn write_pages(pages: &[PageFile<'_>], ctx: &file_page::PageContext<'_>) -> Result<HtmlReport, ReportError> {
    let opts = ctx.opts;
    let globals = status::globals_hash(opts, ctx.extra_css);
    let old = status::Status::read(&opts.directory, &opts.version, &globals);
    let outcomes: Vec<Result<(String, String, bool), ReportError>> =
        pages.par_iter().map(|page| write_page_if_changed(page, ctx, &old)).collect();
    let mut report = HtmlReport::default();
    let mut new_status = status::Status::new(&opts.version, &globals);
    for outcome in outcomes {
        let (page, hash, written) = outcome?;
        if written {
            report.written.push(page.clone());
        } else {
            report.kept.push(page.clone());
        }
        new_status.files.insert(page, hash);
    }
    new_status.write(&opts.directory)?;
    Ok(report)
}

/// Give each page its previous and next page; the ends link to the index.
fn link_neighbours(reported: Vec<(HtmlFile<'_>, String)>) -> Vec<PageFile<'_>> {
    let names: Vec<String> = reported.iter().map(|(_, page)| page.clone()).collect();
    reported
        .into_iter()
        .enumerate()
        .map(|(i, (file, page))| {
            let prev = if i == 0 { "index.html".to_string() } else { names[i - 1].clone() };
            let next = names.get(i + 1).cloned().unwrap_or_else(|| "index.html".to_string());
            PageFile { file, page, prev, next }
        })
        .collect()
}

/// Render one page unless the status says the page on disk is already
/// this page. Returns `(page name, hash, written?)`.
fn write_page_if_changed(
    page: &PageFile<'_>,
    ctx: &file_page::PageContext<'_>,
    old: &status::Status,
) -> Result<(String, String, bool), ReportError> {
    let source = match page.file.source_text {
        Some(text) => text.to_string(),
        None => ferrocov_analysis::read_python_source(page.file.source_path)
            .map_err(|e| ReportError::HtmlSource(e.to_string()))?,
    };
    let hash = status::page_hash(&source, page);
    let path = ctx.opts.directory.join(&page.page);
    if old.files.get(&page.page) == Some(&hash) && path.is_file() {
        return Ok((page.page.clone(), hash, false));
    }
    let html = file_page::render_file_page(&source, page, ctx)?;
    assets::overwrite_file(&path, html.as_bytes())?;
    Ok((page.page.clone(), hash, true))
}
