//! The status file that makes the report incremental: a hash of the
//! options and templates ("globals") and one hash per page. A page whose
//! hash matches the last run (and whose file is still there) is not
//! rewritten; the index pages always are.

use std::collections::BTreeMap;
use std::path::Path;

use super::hash::Digest;
use super::{templates, HtmlReportOptions, PageFile};
use crate::error::ReportError;

pub const STATUS_FILE: &str = "status.json";
/// Bump when the meaning of the hashes changes.
const FORMAT: u64 = 1;

#[derive(Debug, Default)]
pub struct Status {
    version: String,
    globals: String,
    /// Page file name to page hash.
    pub files: BTreeMap<String, String>,
}

impl Status {
    pub fn new(version: &str, globals: &str) -> Self {
        Status { version: version.into(), globals: globals.into(), files: BTreeMap::new() }
    }

    /// Last run's status, or an empty one when the file is missing,
    /// unreadable, or from another format, version or set of options:
    /// then every page is rewritten.
    pub fn read(dir: &Path, version: &str, globals: &str) -> Self {
        let fresh = Status::new(version, globals);
        let Ok(text) = std::fs::read_to_string(dir.join(STATUS_FILE)) else { return fresh };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return fresh };
        let same = value["format"].as_u64() == Some(FORMAT)
            && value["version"].as_str() == Some(version)
            && value["globals"].as_str() == Some(globals);
        if !same {
            return fresh;
        }
        let files = value["files"]
            .as_object()
            .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default();
        Status { files, ..fresh }
    }

    pub fn write(&self, dir: &Path) -> Result<(), ReportError> {
        let value = serde_json::json!({
            "note": "ferrocov's HTML report status; do not edit",
            "format": FORMAT,
            "version": self.version,
            "globals": self.globals,
            "files": self.files,
        });
        let text = serde_json::to_string(&value).map_err(|e| ReportError::HtmlWrite(e.to_string()))?;
        super::assets::write_file(&dir.join(STATUS_FILE), text.as_bytes())
    }
}

/// The hash of everything every page depends on besides its own file.
pub fn globals_hash(opts: &HtmlReportOptions, extra_css: Option<&str>) -> String {
    let mut d = Digest::new();
    d.update(opts.version.as_bytes())
        .update(opts.title.as_bytes())
        .update(extra_css.unwrap_or("").as_bytes())
        .update(&[u8::from(opts.show_contexts), u8::from(opts.has_arcs)])
        .update(&opts.precision.to_le_bytes());
    for text in templates::SOURCES {
        d.update(text.as_bytes());
    }
    d.hex()
}

/// The hash of one page's own inputs: source, results, contexts, names.
pub fn page_hash(source: &str, page: &PageFile<'_>) -> String {
    let mut d = Digest::new();
    d.update(source.as_bytes())
        .update(format!("{:?}", page.file.result).as_bytes())
        .update(format!("{:?}", page.file.contexts).as_bytes())
        .update(page.file.relative_filename.as_bytes())
        .update(page.page.as_bytes())
        .update(page.prev.as_bytes())
        .update(page.next.as_bytes());
    d.hex()
}
