//! What the summary report shows and how: coverage's `[report]` settings.

use std::str::FromStr;

use crate::error::ReportError;

/// The `--format` of the summary report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportFormat {
    /// The aligned plain-text table.
    #[default]
    Text,
    /// A markdown table, names escaped.
    Markdown,
    /// Only the total percentage.
    Total,
}

impl FromStr for ReportFormat {
    type Err = ReportError;

    fn from_str(text: &str) -> Result<Self, ReportError> {
        match text {
            "text" => Ok(ReportFormat::Text),
            "markdown" => Ok(ReportFormat::Markdown),
            "total" => Ok(ReportFormat::Total),
            other => Err(ReportError::UnknownFormat(other.to_owned())),
        }
    }
}

/// Settings for `render_text`, named after coverage's config options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextReportOptions {
    pub format: ReportFormat,
    /// The data has arcs: show the Branch and BrPart columns.
    pub branches: bool,
    /// Add the Missing column.
    pub show_missing: bool,
    /// Leave out files with nothing missing (lines and partial branches).
    pub skip_covered: bool,
    /// Leave out files without statements.
    pub skip_empty: bool,
    /// Decimal places of percentages; negative is a reported error.
    pub precision: i64,
    /// Column to sort by, `-` prefix for descending, `+` allowed; `None`
    /// or empty sorts by name.
    pub sort: Option<String>,
}

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Name,
    Stmts,
    Miss,
    Branch,
    BrPart,
    Cover,
    Missing,
}

impl Column {
    pub(crate) fn title(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Stmts => "Stmts",
            Column::Miss => "Miss",
            Column::Branch => "Branch",
            Column::BrPart => "BrPart",
            Column::Cover => "Cover",
            Column::Missing => "Missing",
        }
    }
}

impl TextReportOptions {
    /// The columns shown, in order.
    pub(crate) fn columns(&self) -> Vec<Column> {
        let mut columns = vec![Column::Name, Column::Stmts, Column::Miss];
        if self.branches {
            columns.extend([Column::Branch, Column::BrPart]);
        }
        columns.push(Column::Cover);
        if self.show_missing {
            columns.push(Column::Missing);
        }
        columns
    }

    /// The sort column and direction, checked against the shown columns.
    pub(crate) fn sort_order(&self) -> Result<SortOrder, ReportError> {
        let raw = self.sort.as_deref().filter(|s| !s.is_empty()).unwrap_or("name");
        let lowered = raw.to_lowercase();
        let (descending, key) = match lowered.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, lowered.strip_prefix('+').unwrap_or(&lowered)),
        };
        let column = match key {
            "name" => Column::Name,
            "stmts" => Column::Stmts,
            "miss" => Column::Miss,
            "cover" => Column::Cover,
            "branch" if self.branches => Column::Branch,
            "brpart" if self.branches => Column::BrPart,
            _ => return Err(ReportError::InvalidSort(self.sort.clone().unwrap_or_default())),
        };
        Ok(SortOrder { column, descending })
    }
}

/// How rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SortOrder {
    pub(crate) column: Column,
    pub(crate) descending: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(sort: Option<&str>, branches: bool) -> Result<SortOrder, ReportError> {
        TextReportOptions { sort: sort.map(str::to_owned), branches, ..Default::default() }.sort_order()
    }

    #[test]
    fn sort_keys() {
        assert_eq!(order(None, false), Ok(SortOrder { column: Column::Name, descending: false }));
        assert_eq!(order(Some(""), false), Ok(SortOrder { column: Column::Name, descending: false }));
        assert_eq!(order(Some("-Cover"), false), Ok(SortOrder { column: Column::Cover, descending: true }));
        assert_eq!(order(Some("+miss"), false), Ok(SortOrder { column: Column::Miss, descending: false }));
        assert_eq!(order(Some("BrPart"), true), Ok(SortOrder { column: Column::BrPart, descending: false }));
    }

    #[test]
    fn bad_sort_keys_quote_the_setting() {
        let err = order(Some("BrPart"), false).unwrap_err();
        assert_eq!(err.to_string(), "Invalid sorting option: 'BrPart'");
        assert_eq!(order(Some("-"), false).unwrap_err().to_string(), "Invalid sorting option: '-'");
        assert_eq!(order(Some("+-name"), false).unwrap_err().to_string(), "Invalid sorting option: '+-name'");
        assert_eq!(order(Some("missing"), false).unwrap_err().to_string(), "Invalid sorting option: 'missing'");
    }

    #[test]
    fn formats() {
        assert_eq!("markdown".parse::<ReportFormat>(), Ok(ReportFormat::Markdown));
        assert_eq!("Text".parse::<ReportFormat>().unwrap_err().to_string(), "Unknown report format choice: 'Text'");
    }
}
