//! ferrocov-report: coverage.py's reports rendered in Rust.
//!
//! So far the summary report (`coverage report`: text, markdown, total),
//! the Cobertura XML report (`coverage xml`), the JSON report (`coverage
//! json`), the LCOV report (`coverage lcov`), the annotated sources
//! (`coverage annotate`), the HTML report (`coverage html`), the numbers behind them, the
//! Missing-column formatting and the `--fail-under` check, all reproducing
//! coverage.py 7.17.3 to the character.

mod annotate;
mod display;
mod error;
mod fail_under;
mod html;
mod json;
mod lcov;
mod markdown_table;
mod missing;
mod options;
use ferrocov_pytext as pytext;
mod regions;
mod rounding;
mod summary;
mod text_table;
mod xml;

pub use annotate::{render_annotation, AnnotateLines};
pub use display::{display_covered, display_covered_checked};
pub use error::ReportError;
pub use fail_under::{format_fail_under_msg, should_fail_under};
pub use ferrocov_results::Numbers;
pub use html::{render_html, HtmlFile, HtmlReport, HtmlReportOptions};
pub use json::{float_repr, render_json, JsonFile, JsonReport, JsonReportOptions, LineContexts};
pub use lcov::{line_hash as lcov_line_hash, render_lcov, LcovFile, LcovReport};
pub use markdown_table::escape_markdown;
pub use missing::{format_lines, LineNo};
pub use options::{ReportFormat, TextReportOptions};
pub use pytext::neutralize_control;
pub use pytext::{human_cmp, HumanKey};
pub use summary::{render_text, FileRow, TextReport};
pub use xml::{rate as xml_rate, render_xml, EscapeStyle, XmlFile, XmlReport, XmlReportOptions};
