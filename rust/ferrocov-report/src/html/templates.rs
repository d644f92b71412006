//! The templates, stylesheet and script, embedded in the binary so the
//! report needs nothing at run time and nothing from the network.

use std::sync::OnceLock;

use crate::error::ReportError;

pub const CSS_NAME: &str = "ferrocov.css";
pub const JS_NAME: &str = "ferrocov.js";
pub const CSS: &str = include_str!("templates/ferrocov.css");
pub const JS: &str = include_str!("templates/ferrocov.js");

const LAYOUT: &str = include_str!("templates/layout.html");
const INDEX: &str = include_str!("templates/index.html");
const FILE: &str = include_str!("templates/file.html");
const REGIONS: &str = include_str!("templates/regions.html");

/// Everything whose change must rewrite every page.
pub const SOURCES: [&str; 6] = [CSS, JS, LAYOUT, INDEX, FILE, REGIONS];

/// The parsed templates, built once. Names end in `.html`, which turns
/// Tera's autoescaping on for every `{{ }}` in them.
fn tera() -> Result<&'static tera::Tera, ReportError> {
    static TERA: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.add_raw_templates([
            ("layout.html", LAYOUT),
            ("index.html", INDEX),
            ("file.html", FILE),
            ("regions.html", REGIONS),
        ])
        .map_err(|e| describe(&e))?;
        t.autoescape_on(vec![".html"]);
        Ok(t)
    })
    .as_ref()
    .map_err(|e| ReportError::HtmlTemplate(e.clone()))
}

/// Render template `name` with `context` (a JSON object).
pub fn render(name: &str, context: serde_json::Value) -> Result<String, ReportError> {
    let ctx = tera::Context::from_value(context).map_err(|e| ReportError::HtmlTemplate(describe(&e)))?;
    tera()?.render(name, &ctx).map_err(|e| ReportError::HtmlTemplate(describe(&e)))
}

/// Tera's errors keep the useful part in their sources.
fn describe(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
