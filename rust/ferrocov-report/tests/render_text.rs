//! The summary report on fixed inputs; every expected text is what
//! coverage.py 7.17.3 printed for the same project.

use ferrocov_report::{render_text, FileRow, Numbers, ReportError, ReportFormat, TextReportOptions};

/// (name, statements, missing, branches, partial, missing branches, Missing text)
type Spec = (&'static str, u64, u64, u64, u64, u64, &'static str);

const PROJECT: &[Spec] = &[
    ("app/__init__.py", 0, 0, 0, 0, 0, ""),
    ("app/core/__init__.py", 0, 0, 0, 0, 0, ""),
    ("app/core/engine.py", 27, 6, 14, 4, 4, "7, 17, 22->24, 28->exit, 33-36"),
    ("app/never.py", 3, 3, 0, 0, 0, "1-4"),
    ("app/util10.py", 4, 1, 0, 0, 0, "5"),
    ("app/util2.py", 4, 1, 0, 0, 0, "5"),
    ("app/v\u{663}.py", 2, 1, 0, 0, 0, "2"),
    ("lib/__init__.py", 0, 0, 0, 0, 0, ""),
    ("lib/empty_mod.py", 0, 0, 0, 0, 0, ""),
    ("lib/helpers.py", 4, 0, 2, 0, 0, ""),
    ("lib/odd_[name]#1.py", 3, 1, 2, 1, 1, "3"),
    ("lib/tab\tname.py", 2, 0, 0, 0, 0, ""),
    ("main.py", 16, 0, 0, 0, 0, ""),
    ("m\u{f3}dulo.py", 2, 0, 0, 0, 0, ""),
];

fn rows(prefixes: &[&str]) -> Vec<FileRow> {
    PROJECT
        .iter()
        .filter(|spec| prefixes.iter().any(|p| spec.0.starts_with(p)))
        .map(|&(name, stmts, miss, branches, partial, missing_branches, text)| FileRow {
            name: name.to_owned(),
            numbers: Numbers {
                n_files: 1,
                n_statements: stmts,
                n_missing: miss,
                n_branches: branches,
                n_partial_branches: partial,
                n_missing_branches: missing_branches,
                ..Numbers::default()
            },
            missing: text.to_owned(),
        })
        .collect()
}

fn branch_opts() -> TextReportOptions {
    TextReportOptions { branches: true, ..TextReportOptions::default() }
}

#[test]
fn text_with_missing_skip_covered_sorted_by_descending_cover() {
    let opts = TextReportOptions {
        show_missing: true,
        skip_covered: true,
        precision: 1,
        sort: Some("-cover".into()),
        ..branch_opts()
    };
    let report = render_text(&rows(&["app/"]), &opts).unwrap();
    let expected = "\
Name                 Stmts   Miss Branch BrPart  Cover   Missing
----------------------------------------------------------------
app/core/engine.py      27      6     14      4  75.6%   7, 17, 22->24, 28->exit, 33-36
app/util2.py             4      1      0      0  75.0%   5
app/util10.py            4      1      0      0  75.0%   5
app/v\u{663}.py                2      1      0      0  50.0%   2
app/never.py             3      3      0      0   0.0%   1-4
----------------------------------------------------------------
TOTAL                   40     12     14      4  70.4%

2 files skipped due to complete coverage.
";
    assert_eq!(report.text, expected);
    assert_eq!(report.skipped_covered, 2);
    assert_eq!(report.skipped_empty, 0);
    assert_eq!(report.pc_covered, 100.0 * 38.0 / 54.0);
    assert_eq!(report.totals.n_files, 7);
}

#[test]
fn markdown_escapes_names_and_neutralizes_control_characters() {
    let opts = TextReportOptions {
        format: ReportFormat::Markdown,
        skip_empty: true,
        sort: Some("stmts".into()),
        ..branch_opts()
    };
    let report = render_text(&rows(&["app/", "lib/"]), &opts).unwrap();
    let expected = "\
| Name                    |    Stmts |     Miss |   Branch |   BrPart |   Cover |
|------------------------ | -------: | -------: | -------: | -------: | ------: |
| app/v\u{663}.py               |        2 |        1 |        0 |        0 |     50% |
| lib/tab\\?name.py        |        2 |        0 |        0 |        0 |    100% |
| app/never.py            |        3 |        3 |        0 |        0 |      0% |
| lib/odd\\_\\[name\\]\\#1.py |        3 |        1 |        2 |        1 |     60% |
| app/util10.py           |        4 |        1 |        0 |        0 |     75% |
| app/util2.py            |        4 |        1 |        0 |        0 |     75% |
| lib/helpers.py          |        4 |        0 |        2 |        0 |    100% |
| app/core/engine.py      |       27 |        6 |       14 |        4 |     76% |
| **TOTAL**               |   **49** |   **13** |   **18** |    **5** | **73%** |

4 empty files skipped.
";
    assert_eq!(report.text, expected);
    assert_eq!(report.skipped_empty, 4);
}

#[test]
fn everything_skipped_leaves_only_the_total() {
    let opts = TextReportOptions { skip_covered: true, ..branch_opts() };
    let report = render_text(&rows(&["lib/helpers.py"]), &opts).unwrap();
    let expected = "\
Name    Stmts   Miss Branch BrPart  Cover
-----------------------------------------
TOTAL       4      0      2      0   100%

1 file skipped due to complete coverage.
";
    assert_eq!(report.text, expected);
}

#[test]
fn line_coverage_text_and_markdown_with_missing() {
    // coverage.py's output for a line-only run of a small package.
    let input = vec![
        FileRow {
            name: "main.py".into(),
            numbers: Numbers { n_files: 1, n_statements: 2, ..Numbers::default() },
            missing: String::new(),
        },
        FileRow {
            name: "pkg/__init__.py".into(),
            numbers: Numbers { n_files: 1, ..Numbers::default() },
            missing: String::new(),
        },
        FileRow {
            name: "pkg/mod.py".into(),
            numbers: Numbers { n_files: 1, n_statements: 8, n_missing: 4, ..Numbers::default() },
            missing: "4, 7-9".into(),
        },
    ];
    let text = TextReportOptions { show_missing: true, ..TextReportOptions::default() };
    assert_eq!(
        render_text(&input, &text).unwrap().text,
        "\
Name              Stmts   Miss  Cover   Missing
-----------------------------------------------
main.py               2      0   100%
pkg/__init__.py       0      0   100%
pkg/mod.py            8      4    50%   4, 7-9
-----------------------------------------------
TOTAL                10      4    60%
"
    );
    let markdown = TextReportOptions { format: ReportFormat::Markdown, ..text };
    assert_eq!(
        render_text(&input, &markdown).unwrap().text,
        "\
| Name                |    Stmts |     Miss |   Cover |   Missing |
|-------------------- | -------: | -------: | ------: | --------: |
| main.py             |        2 |        0 |    100% |           |
| pkg/\\_\\_init\\_\\_.py |        0 |        0 |    100% |           |
| pkg/mod.py          |        8 |        4 |     50% |    4, 7-9 |
| **TOTAL**           |   **10** |    **4** | **60%** |           |
"
    );
}

#[test]
fn total_format_prints_only_the_percentage() {
    let opts =
        TextReportOptions { format: ReportFormat::Total, precision: 2, sort: Some("bogus".into()), ..branch_opts() };
    let report = render_text(&rows(&[""]), &opts).unwrap();
    assert_eq!(report.text, "78.82\n");
    assert_eq!(report.pc_covered, 100.0 * 67.0 / 85.0);
}

#[test]
fn errors_come_where_coverage_raises_them() {
    assert_eq!(render_text(&[], &branch_opts()), Err(ReportError::NoData));
    let negative = TextReportOptions { precision: -1, sort: Some("nope".into()), ..branch_opts() };
    // With rows to list, the precision is checked before the sort key...
    assert_eq!(render_text(&rows(&["main.py"]), &negative), Err(ReportError::NegativePrecision(-1)));
    // ...but when everything is skipped, the sort key fails first.
    let skipping = TextReportOptions { skip_covered: true, ..negative };
    assert_eq!(render_text(&rows(&["main.py"]), &skipping), Err(ReportError::InvalidSort("nope".into())));
    let no_branches = TextReportOptions { sort: Some("brpart".into()), ..TextReportOptions::default() };
    assert_eq!(
        render_text(&rows(&["main.py"]), &no_branches).unwrap_err().to_string(),
        "Invalid sorting option: 'brpart'"
    );
}
