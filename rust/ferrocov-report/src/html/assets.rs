//! The directory itself and the files every report shares: stylesheet,
//! script, the optional extra CSS and the `.gitignore`.

use std::path::Path;

use super::templates;
use crate::error::ReportError;

/// Create the directory; true when it did not exist or was empty (only
/// then is a `.gitignore` written, as coverage.py does, so a report
/// directory someone chose to check in is left alone).
pub fn make_directory(dir: &Path) -> Result<bool, ReportError> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let mut entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, &e))?;
    Ok(entries.next().is_none())
}

/// Write the shared files; returns the extra CSS's name in the directory.
pub fn write_assets(dir: &Path, extra_css: Option<&Path>, was_empty: bool) -> Result<Option<String>, ReportError> {
    write_file(&dir.join(templates::CSS_NAME), templates::CSS.as_bytes())?;
    write_file(&dir.join(templates::JS_NAME), templates::JS.as_bytes())?;
    if was_empty {
        write_file(&dir.join(".gitignore"), b"# Created by ferrocov (coverage html)\n*\n")?;
    }
    extra_css.map(|src| copy_extra_css(dir, src)).transpose()
}

/// Copy the user's CSS next to the pages, under its own base name.
fn copy_extra_css(dir: &Path, src: &Path) -> Result<String, ReportError> {
    let bytes = std::fs::read(src).map_err(|e| io_error(src, &e))?;
    let name = src.file_name().map_or_else(|| "extra.css".into(), |n| n.to_string_lossy().into_owned());
    // Never let the user's file replace ours.
    let name = if name == templates::CSS_NAME { format!("extra_{name}") } else { name };
    write_file(&dir.join(&name), &bytes)?;
    Ok(name)
}

/// Write `bytes` to `path`, skipping the write when the file already holds
/// exactly them (keeps shared assets' mtimes stable between runs).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| io_error(path, &e))
}

/// Write `bytes` to `path` unconditionally: the index pages are always
/// rewritten, as coverage.py rewrites them, so their mtime tells when the
/// report last ran.
pub fn overwrite_file(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    std::fs::write(path, bytes).map_err(|e| io_error(path, &e))
}

fn io_error(path: &Path, err: &std::io::Error) -> ReportError {
    ReportError::HtmlWrite(format!("{}: {err}", path.display()))
}
