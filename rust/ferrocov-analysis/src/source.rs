//! Reading Python source files the way coverage.py's `get_python_source`
//! does: universal newlines, form feeds as spaces, PEP 263 encodings, a
//! final newline.

use std::path::Path;

use crate::AnalysisError;

/// Read `path` and decode it as Python source text.
pub fn read_python_source(path: &Path) -> Result<String, AnalysisError> {
    let filename = path.to_string_lossy().into_owned();
    let raw = std::fs::read(path).map_err(|err| AnalysisError::NoSource {
        filename: filename.clone(),
        reason: (err.kind() != std::io::ErrorKind::NotFound).then(|| describe_io_error(&err, &filename)),
    })?;
    decode_source(&raw, &filename)
}

/// Python's wording of an OSError: "[Errno 2] No such file or directory: 'x'".
fn describe_io_error(err: &std::io::Error, filename: &str) -> String {
    match err.raw_os_error() {
        Some(code) => {
            let text = err.to_string();
            // Rust appends " (os error N)"; Python puts the number first.
            let message = text.split(" (os error").next().unwrap_or(&text);
            format!("[Errno {code}] {message}: '{filename}'")
        }
        None => err.to_string(),
    }
}

/// Turn file bytes into source text; encoding problems are `BadEncoding`.
pub fn decode_source(raw: &[u8], filename: &str) -> Result<String, AnalysisError> {
    let bytes = normalize_bytes(raw);
    let (encoding, body) = detect_encoding(&bytes)
        .map_err(|message| AnalysisError::BadEncoding { filename: filename.to_string(), message })?;
    let mut text = decode(encoding, body).ok_or_else(|| AnalysisError::BadEncoding {
        filename: filename.to_string(),
        message: format!("unknown encoding: {encoding}"),
    })?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// CRLF and CR become LF; form feeds become spaces (bpo-19035).
fn normalize_bytes(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut iter = raw.iter().peekable();
    while let Some(&b) = iter.next() {
        match b {
            b'\r' => {
                if iter.peek() == Some(&&b'\n') {
                    iter.next();
                }
                out.push(b'\n');
            }
            b'\x0c' => out.push(b' '),
            _ => out.push(b),
        }
    }
    out
}

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// `tokenize.detect_encoding`: a BOM, or a coding cookie on one of the first
/// two lines. Returns the normalized encoding name and the bytes to decode.
fn detect_encoding(bytes: &[u8]) -> Result<(&str, &[u8]), String> {
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let mut lines = body.split_inclusive(|&b| b == b'\n');
    let default = "utf-8";
    let Some(first) = lines.next() else {
        return Ok((default, body));
    };
    if let Some(found) = find_cookie(first, bom)? {
        return Ok((found, body));
    }
    if !is_blank_line(first) {
        return Ok((default, body));
    }
    match lines.next() {
        Some(second) => Ok((find_cookie(second, bom)?.unwrap_or(default), body)),
        None => Ok((default, body)),
    }
}

fn find_cookie(line: &[u8], bom: bool) -> Result<Option<&'static str>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "invalid or missing encoding declaration".to_string())?;
    let Some(name) = cookie_name(text) else {
        return Ok(None);
    };
    let encoding = normal_encoding_name(&name).ok_or_else(|| format!("unknown encoding: {name}"))?;
    // tokenize compares the name as written (only "utf-8" and "utf-8-*"
    // count), so even "utf8" after a BOM is an error.
    let written = name.to_ascii_lowercase().replace('_', "-");
    if bom && !(written == "utf-8" || written.starts_with("utf-8-")) {
        return Err("encoding problem: utf-8".to_string());
    }
    Ok(Some(encoding))
}

/// The `coding[:=]name` of a comment line, as tokenize's cookie regex finds it.
fn cookie_name(line: &str) -> Option<String> {
    let rest = line.trim_start_matches([' ', '\t', '\x0c']);
    let comment = rest.strip_prefix('#')?;
    let at = comment.find("coding").and_then(|_| {
        comment.match_indices("coding").find(|(i, _)| matches!(comment.as_bytes().get(i + 6), Some(b':' | b'=')))
    })?;
    let after = comment[at.0 + 7..].trim_start_matches([' ', '\t']);
    let name: String =
        after.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    (!name.is_empty()).then_some(name)
}

fn is_blank_line(line: &[u8]) -> bool {
    let rest: &[u8] = {
        let start = line.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'));
        start.map_or(&[], |s| &line[s..])
    };
    matches!(rest.first(), None | Some(b'#' | b'\r' | b'\n'))
}

/// Normalize an encoding name as `codecs.lookup` + tokenize's
/// `_get_normal_name` would; None if Python would not know it.
fn normal_encoding_name(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase().replace('_', "-");
    if lower == "utf-8" || lower.starts_with("utf-8-") || lower == "utf8" || lower == "u8" {
        return Some("utf-8");
    }
    let latin1 = ["latin-1", "iso-8859-1", "iso-latin-1", "latin1", "l1", "iso8859-1", "8859", "cp819", "latin"];
    if latin1.iter().any(|l| lower == *l || lower.starts_with(&format!("{l}-"))) {
        return Some("iso-8859-1");
    }
    if matches!(lower.as_str(), "ascii" | "us-ascii" | "646") {
        return Some("ascii");
    }
    let encoding = encoding_rs::Encoding::for_label(lower.as_bytes())?;
    Some(encoding.name())
}

fn decode(encoding: &str, body: &[u8]) -> Option<String> {
    match encoding {
        "utf-8" => Some(String::from_utf8_lossy(body).into_owned()),
        "iso-8859-1" => Some(body.iter().map(|&b| b as char).collect()),
        "ascii" => Some(body.iter().map(|&b| if b < 128 { b as char } else { '\u{fffd}' }).collect()),
        other => {
            let encoding = encoding_rs::Encoding::for_label(other.as_bytes())?;
            let (text, _) = encoding.decode_without_bom_handling(body);
            Some(text.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_form_feeds_and_final_newline() {
        let text = decode_source(b"a = 1\r\nb = 2\rc\x0c= 3", "x.py").unwrap();
        assert_eq!(text, "a = 1\nb = 2\nc = 3\n");
    }

    #[test]
    fn bom_and_cookies() {
        assert_eq!(decode_source(b"\xef\xbb\xbfx = 1\n", "x.py").unwrap(), "x = 1\n");
        let latin = decode_source(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", "x.py").unwrap();
        assert!(latin.contains('\u{e9}'));
        let second = decode_source(b"#!/usr/bin/python\n# vim: set fileencoding=latin-1 :\nx='\xe9'\n", "x.py");
        assert!(second.unwrap().contains('\u{e9}'));
    }

    #[test]
    fn bad_encodings_are_syntax_errors() {
        let err = decode_source(b"# coding: uft-8\n", "x.py").unwrap_err();
        assert!(matches!(err, AnalysisError::BadEncoding { .. }), "{err:?}");
        assert!(err.to_string().contains("unknown encoding: uft-8"), "{err}");
        let err = decode_source(b"\xef\xbb\xbf# coding: latin-1\n", "x.py").unwrap_err();
        assert!(err.to_string().contains("encoding problem: utf-8"), "{err}");
        let err = decode_source(b"x = '\xe9'\n", "x.py").unwrap_err();
        assert!(err.to_string().contains("invalid or missing encoding declaration"));
    }

    #[test]
    fn missing_file_is_no_source() {
        let err = read_python_source(Path::new("/nonexistent/x.py")).unwrap_err();
        assert_eq!(err.to_string(), "No source for code: '/nonexistent/x.py'.");
        let err = read_python_source(Path::new("/")).unwrap_err();
        assert_eq!(err.to_string(), "No source for code: '/': [Errno 21] Is a directory: '/'");
    }
}
