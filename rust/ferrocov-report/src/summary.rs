//! The summary report (`coverage report`): which files are listed, in what
//! order, and the totals; the layouts live in `text_table`/`markdown_table`.

use std::cmp::Ordering;

use crate::display::display_covered_checked;
use crate::error::ReportError;
use crate::markdown_table;
use crate::options::{Column, ReportFormat, SortOrder, TextReportOptions};
use crate::pytext::HumanKey;
use crate::pytext::{neutralize_control, rstrip};
use crate::text_table;
use ferrocov_results::Numbers;

/// One measured file as the report sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// The name to show (coverage's `relative_filename()`); control
    /// characters are replaced when rendered.
    pub name: String,
    /// The file's counts; `n_files` is 1 for a file.
    pub numbers: Numbers,
    /// The Missing column text, e.g. from `format_lines`.
    pub missing: String,
}

/// A rendered summary report.
#[derive(Debug, Clone, PartialEq)]
pub struct TextReport {
    /// The report, every line ending in "\n".
    pub text: String,
    /// All files added up, listed or skipped.
    pub totals: Numbers,
    /// `totals.pc_covered()`: what `Coverage.report()` returns.
    pub pc_covered: f64,
    /// Files left out by `skip_covered`.
    pub skipped_covered: usize,
    /// Files left out by `skip_empty`.
    pub skipped_empty: usize,
}

/// The table before layout: every cell already a string, rows in order.
pub(crate) struct Table {
    pub(crate) columns: Vec<Column>,
    pub(crate) rows: Vec<Vec<String>>,
    pub(crate) total: Vec<String>,
    pub(crate) end_lines: Vec<String>,
}

/// A row that will be listed, with what its sort key needs.
struct ListedRow<'a> {
    name: String,
    row: &'a FileRow,
    pc_str: String,
}

/// Render coverage.py's summary report for `rows` (in any order).
///
/// # Errors
/// `NoData` when there are no rows; `InvalidSort` / `NegativePrecision`
/// for bad options, raised at the points coverage.py raises them.
pub fn render_text(rows: &[FileRow], opts: &TextReportOptions) -> Result<TextReport, ReportError> {
    let selection = select_rows(rows, opts);
    if selection.totals.n_files == 0 && selection.skipped_covered == 0 {
        return Err(ReportError::NoData);
    }
    let mut out = String::new();
    if opts.format == ReportFormat::Total {
        write_line(&mut out, &display_covered_checked(selection.totals.pc_covered(), opts.precision)?);
    } else {
        let table = build_table(&selection, opts)?;
        let lines = match opts.format {
            ReportFormat::Markdown => markdown_table::layout(&table),
            _ => text_table::layout(&table),
        };
        for line in &lines {
            write_line(&mut out, line);
        }
    }
    Ok(TextReport {
        text: out,
        totals: selection.totals,
        pc_covered: selection.totals.pc_covered(),
        skipped_covered: selection.skipped_covered,
        skipped_empty: selection.skipped_empty,
    })
}

/// Lines lose trailing whitespace (padding of the last column).
fn write_line(out: &mut String, line: &str) {
    out.push_str(rstrip(line));
    out.push('\n');
}

/// The files that will be listed, and what was skipped.
struct Selection<'a> {
    listed: Vec<&'a FileRow>,
    totals: Numbers,
    skipped_covered: usize,
    skipped_empty: usize,
}

fn select_rows<'a>(rows: &'a [FileRow], opts: &TextReportOptions) -> Selection<'a> {
    let mut selection =
        Selection { listed: Vec::new(), totals: Numbers::default(), skipped_covered: 0, skipped_empty: 0 };
    for row in rows {
        let nums = &row.numbers;
        selection.totals += *nums;
        // Partial branches, not missing ones: a file whose only gaps are
        // branches out of missing lines already has missing lines.
        if opts.skip_covered && nums.n_missing == 0 && nums.n_partial_branches == 0 {
            selection.skipped_covered += 1;
        } else if opts.skip_empty && nums.n_statements == 0 {
            selection.skipped_empty += 1;
        } else {
            selection.listed.push(row);
        }
    }
    selection
}

fn build_table(selection: &Selection<'_>, opts: &TextReportOptions) -> Result<Table, ReportError> {
    let listed = selection
        .listed
        .iter()
        .map(|row| {
            Ok(ListedRow {
                name: neutralize_control(&row.name),
                row,
                pc_str: display_covered_checked(row.numbers.pc_covered(), opts.precision)?,
            })
        })
        .collect::<Result<Vec<_>, ReportError>>()?;
    let listed = sort_rows(listed, opts.sort_order()?, opts);
    let columns = opts.columns();
    let totals = &selection.totals;
    let total_pc = display_covered_checked(totals.pc_covered(), opts.precision)?;
    let total = columns
        .iter()
        .map(|column| match column {
            Column::Name => "TOTAL".to_owned(),
            Column::Cover => total_pc.clone(),
            Column::Missing => String::new(),
            other => count_cell(*other, totals),
        })
        .collect();
    let rows = listed.iter().map(|listed| row_cells(&columns, listed)).collect();
    Ok(Table { columns, rows, total, end_lines: end_lines(selection, opts) })
}

fn row_cells(columns: &[Column], listed: &ListedRow<'_>) -> Vec<String> {
    columns
        .iter()
        .map(|column| match column {
            Column::Name => listed.name.clone(),
            Column::Cover => listed.pc_str.clone(),
            Column::Missing => listed.row.missing.clone(),
            other => count_cell(*other, &listed.row.numbers),
        })
        .collect()
}

fn count(column: Column, nums: &Numbers) -> u64 {
    match column {
        Column::Stmts => nums.n_statements,
        Column::Miss => nums.n_missing,
        Column::Branch => nums.n_branches,
        Column::BrPart => nums.n_partial_branches,
        Column::Name | Column::Cover | Column::Missing => 0,
    }
}

fn count_cell(column: Column, nums: &Numbers) -> String {
    count(column, nums).to_string()
}

fn end_lines(selection: &Selection<'_>, opts: &TextReportOptions) -> Vec<String> {
    let mut lines = Vec::new();
    if opts.skip_covered && selection.skipped_covered > 0 {
        let files = plural(selection.skipped_covered, "file");
        lines.push(format!("\n{files} skipped due to complete coverage."));
    }
    if opts.skip_empty && selection.skipped_empty > 0 {
        lines.push(format!("\n{} skipped.", plural(selection.skipped_empty, "empty file")));
    }
    lines
}

fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Order rows as coverage.py does: names "humanly"; any other column by its
/// value, then by name. A stable sort, so descending keeps ties in input order.
fn sort_rows<'a>(rows: Vec<ListedRow<'a>>, order: SortOrder, opts: &TextReportOptions) -> Vec<ListedRow<'a>> {
    if order.column == Column::Name {
        let mut keyed: Vec<(HumanKey, ListedRow<'a>)> =
            rows.into_iter().map(|row| (HumanKey::new(&row.name), row)).collect();
        let ascending = |(ka, a): &(HumanKey, ListedRow<'_>), (kb, b): &(HumanKey, ListedRow<'_>)| {
            ka.cmp(kb).then_with(|| same_name_cmp(a, b, opts))
        };
        sort_stable(&mut keyed, order.descending, ascending);
        return keyed.into_iter().map(|(_, row)| row).collect();
    }
    let mut rows = rows;
    let ascending = |a: &ListedRow<'_>, b: &ListedRow<'_>| {
        let by_value = match order.column {
            Column::Cover => a.row.numbers.pc_covered().total_cmp(&b.row.numbers.pc_covered()),
            column => count(column, &a.row.numbers).cmp(&count(column, &b.row.numbers)),
        };
        by_value.then_with(|| a.name.cmp(&b.name))
    };
    sort_stable(&mut rows, order.descending, ascending);
    rows
}

fn sort_stable<T>(items: &mut [T], descending: bool, ascending: impl Fn(&T, &T) -> Ordering) {
    if descending {
        items.sort_by(|a, b| ascending(b, a));
    } else {
        items.sort_by(ascending);
    }
}

/// coverage.py breaks a name tie with the rest of the row's values, in
/// column order; only a report listing one name twice gets here.
fn same_name_cmp(a: &ListedRow<'_>, b: &ListedRow<'_>, opts: &TextReportOptions) -> Ordering {
    let (x, y) = (&a.row.numbers, &b.row.numbers);
    let mut ord = x.n_statements.cmp(&y.n_statements).then(x.n_missing.cmp(&y.n_missing));
    if opts.branches {
        ord = ord.then(x.n_branches.cmp(&y.n_branches)).then(x.n_partial_branches.cmp(&y.n_partial_branches));
    }
    ord = ord.then_with(|| a.pc_str.cmp(&b.pc_str));
    if opts.show_missing {
        ord = ord.then_with(|| a.row.missing.cmp(&b.row.missing));
    }
    ord.then_with(|| x.pc_covered().total_cmp(&y.pc_covered()))
}
