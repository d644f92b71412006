//! The markdown layout of the summary table.

use crate::options::Column;
use crate::pytext::{char_len, pad_left_aligned, pad_right_aligned, right_aligned_with};
use crate::summary::Table;

/// Width of every count column and of the Missing column.
const COUNT_WIDTH: usize = 9;
const MISSING_WIDTH: usize = 10;

/// Backslash every ASCII punctuation character markdown could act on
/// (all but `.`, `,`, `/` and `-`).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_ascii_punctuation() && !matches!(ch, '.' | ',' | '/' | '-') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

struct Widths {
    name: usize,
    cover: usize,
}

impl Widths {
    fn of(table: &Table) -> Widths {
        let cover_at = table.columns.iter().position(|c| *c == Column::Cover).unwrap_or(0);
        let longest_name = table.rows.iter().map(|row| char_len(&escape_markdown(&row[0]))).max().unwrap_or(0);
        let total_cover = table.total.get(cover_at).map_or(0, |c| char_len(c));
        Widths { name: longest_name.max("**TOTAL**".len()) + 1, cover: (total_cover + 6).max(" Cover ".len()) }
    }
}

/// The report's lines.
pub(crate) fn layout(table: &Table) -> Vec<String> {
    let widths = Widths::of(table);
    let header_cells: Vec<String> = table.columns.iter().map(|c| header_cell(*c, &widths)).collect();
    let mut lines = vec![header_cells.concat(), rule(&header_cells)];
    for row in &table.rows {
        let cells = table.columns.iter().zip(row).map(|(c, cell)| data_cell(*c, &escape_markdown(cell), &widths));
        lines.push(cells.collect());
    }
    let total = table.columns.iter().zip(&table.total).map(|(c, cell)| total_cell(*c, cell, &widths));
    lines.push(total.collect());
    lines.extend(table.end_lines.iter().cloned());
    lines
}

fn header_cell(column: Column, widths: &Widths) -> String {
    let title = column.title();
    match column {
        Column::Name => format!("| {}|", pad_left_aligned(title, widths.name)),
        Column::Cover => format!("{} |", pad_right_aligned(title, widths.cover)),
        Column::Missing => format!("{} |", pad_right_aligned(title, MISSING_WIDTH)),
        _ => format!("{} |", pad_right_aligned(title, COUNT_WIDTH)),
    }
}

/// The alignment row: dashes as wide as each header cell, numbers right-aligned.
fn rule(header_cells: &[String]) -> String {
    let parts: Vec<String> = header_cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let marker = if i == 0 { "- |" } else { "-: |" };
            right_aligned_with(marker, char_len(cell).saturating_sub(1), '-')
        })
        .collect();
    format!("|{}", parts.join(" "))
}

fn data_cell(column: Column, cell: &str, widths: &Widths) -> String {
    match column {
        Column::Name => format!("| {}|", pad_left_aligned(cell, widths.name)),
        Column::Cover => format!("{}% |", pad_right_aligned(cell, widths.cover - 1)),
        Column::Missing => format!("{} |", pad_right_aligned(cell, MISSING_WIDTH)),
        _ => format!("{} |", pad_right_aligned(cell, COUNT_WIDTH)),
    }
}

/// Total cells are bold and not escaped; an empty cell stays empty.
fn total_cell(column: Column, cell: &str, widths: &Widths) -> String {
    let bold = match (cell.is_empty(), column) {
        (true, _) => String::new(),
        (false, Column::Cover) => format!(" **{cell}%**"),
        (false, _) => format!(" **{cell}**"),
    };
    match column {
        Column::Name => format!("|{} |", pad_left_aligned(&bold, widths.name)),
        Column::Cover => format!("{} |", pad_right_aligned(&bold, widths.cover)),
        Column::Missing => format!("{} |", pad_right_aligned(&bold, MISSING_WIDTH)),
        _ => format!("{} |", pad_right_aligned(&bold, COUNT_WIDTH)),
    }
}
