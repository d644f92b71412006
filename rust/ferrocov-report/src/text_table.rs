//! The plain-text layout of the summary table.

use crate::options::Column;
use crate::pytext::{char_len, pad_left_aligned, pad_right_aligned};
use crate::summary::Table;

/// Width of every count column (Stmts, Miss, Branch, BrPart).
const COUNT_WIDTH: usize = 7;

/// Column widths that depend on the data.
struct Widths {
    name: usize,
    cover: usize,
}

impl Widths {
    fn of(table: &Table) -> Widths {
        let cover_at = table.columns.iter().position(|c| *c == Column::Cover).unwrap_or(0);
        let longest_name = table.rows.iter().map(|row| char_len(&row[0])).max().unwrap_or(0);
        let cover_len = |cells: &Vec<String>| cells.get(cover_at).map_or(0, |c| char_len(c));
        let total_cover = (cover_len(&table.total) + 2).max(" Cover".len()) + 1;
        let cover = table.rows.iter().map(|row| cover_len(row) + 2).fold(total_cover, usize::max);
        Widths { name: longest_name.max("TOTAL".len()) + 1, cover }
    }
}

/// The report's lines (trailing spaces are trimmed by the writer).
pub(crate) fn layout(table: &Table) -> Vec<String> {
    let widths = Widths::of(table);
    let header: String = table.columns.iter().map(|c| header_cell(*c, &widths)).collect();
    let rule = "-".repeat(char_len(&header));
    let mut lines = vec![header, rule.clone()];
    lines.extend(table.rows.iter().map(|row| data_line(table, row, &widths)));
    if !table.rows.is_empty() {
        lines.push(rule);
    }
    lines.push(data_line(table, &table.total, &widths));
    lines.extend(table.end_lines.iter().cloned());
    lines
}

fn header_cell(column: Column, widths: &Widths) -> String {
    let title = column.title();
    match column {
        Column::Name => pad_left_aligned(title, widths.name),
        Column::Cover => pad_right_aligned(title, widths.cover),
        Column::Missing => pad_right_aligned(title, 10),
        _ => pad_right_aligned(title, COUNT_WIDTH),
    }
}

fn data_line(table: &Table, cells: &[String], widths: &Widths) -> String {
    table.columns.iter().zip(cells).map(|(column, cell)| data_cell(*column, cell, widths)).collect()
}

fn data_cell(column: Column, cell: &str, widths: &Widths) -> String {
    match column {
        Column::Name => pad_left_aligned(cell, widths.name),
        Column::Cover => pad_right_aligned(cell, widths.cover - 1) + "%",
        Column::Missing => format!("   {}", pad_left_aligned(cell, 9)),
        _ => pad_right_aligned(cell, COUNT_WIDTH),
    }
}
