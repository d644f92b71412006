//! The function and class indexes: one row per `def` or `class` of the
//! reported files, plus each file's code outside them, linking into the
//! file pages.

use std::path::Path;

use ferrocov_analysis::RegionKind;
use serde_json::{json, Value};

use super::file_page::PageContext;
use super::numbers::numbers_json;
use super::{assets, templates, HtmlFile};
use crate::error::ReportError;
use crate::regions::narrow_by_kind;

/// Write `function_index.html` and `class_index.html`.
pub fn write_region_pages(dir: &Path, rows: &[(HtmlFile<'_>, &str)], ctx: &PageContext<'_>) -> Result<(), ReportError> {
    for (kind, noun, file_name) in
        [(RegionKind::Function, "function", "function_index.html"), (RegionKind::Class, "class", "class_index.html")]
    {
        let table = region_rows(rows, kind, noun, ctx.opts.precision);
        let mut context = ctx.common();
        context["noun"] = json!(noun);
        context["rows"] = Value::Array(table);
        let html = templates::render("regions.html", context)?;
        assets::overwrite_file(&dir.join(file_name), html.as_bytes())?;
    }
    Ok(())
}

fn region_rows(rows: &[(HtmlFile<'_>, &str)], kind: RegionKind, noun: &str, precision: usize) -> Vec<Value> {
    let mut table = Vec::new();
    for (file, page) in rows {
        let regions = narrow_by_kind(file.result, kind);
        for r in &regions.regions {
            table.push(json!({
                "file": file.relative_filename,
                "name": r.region.name,
                "url": format!("{page}#L{}", r.region.start),
                "nums": numbers_json(&r.result.numbers, precision),
            }));
        }
        table.push(json!({
            "file": file.relative_filename,
            "name": format!("(no {noun})"),
            "url": format!("{page}#L{}", regions.outside_start),
            "nums": numbers_json(&regions.outside.numbers, precision),
        }));
    }
    table
}
