//! coverage's file-path globs: `globs_to_regex`, `GlobMatcher`, `prep_patterns`.
//!
//! A pattern is tokenized left to right with coverage's token rules (the
//! first rule that matches at the current position wins) into a regex where
//! either slash matches either slash. A pattern without any slash matches a
//! file name anywhere in the tree.
use regex::{Regex, RegexBuilder};

use crate::error::FilesError;
use crate::path::abs_file;

/// Which regex dialect a glob is written out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// For the `regex` crate, which matches.
    Rust,
    /// coverage's exact text, for Python's `re` and for debug output.
    Python,
}

/// The regex (Rust syntax) an alternative of a glob becomes, before anchoring.
pub fn glob_to_regex(pattern: &str) -> Result<String, FilesError> {
    glob_to_flavored_regex(pattern, Flavor::Rust)
}

/// The regex text coverage's `_glob_to_regex` produces for a glob.
pub fn glob_to_python_regex(pattern: &str) -> Result<String, FilesError> {
    glob_to_flavored_regex(pattern, Flavor::Python)
}

fn glob_to_flavored_regex(pattern: &str, flavor: Flavor) -> Result<String, FilesError> {
    let mut pat: String = pattern.replace('\\', "/");
    if !pat.contains('/') {
        pat = format!("**/{pat}");
    }
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        let (piece, end) = next_token(&chars, pos, flavor)?;
        out.push_str(&piece);
        pos = end;
    }
    Ok(out)
}

const ANY_PREFIX: &str = r"(.*[/\\])?";
const SLASH: &str = r"[/\\]";

fn text(chars: &[char], from: usize, to: usize) -> String {
    chars[from..to].iter().collect()
}

fn stars_from(chars: &[char], pos: usize) -> usize {
    chars[pos..].iter().take_while(|c| **c == '*').count()
}

fn non_slash_run(chars: &[char], pos: usize) -> usize {
    chars[pos..].iter().take_while(|c| **c != '/').count()
}

/// Match one token at `pos`; return its regex text and where the next token starts.
fn next_token(chars: &[char], pos: usize, flavor: Flavor) -> Result<(String, usize), FilesError> {
    let bad = |to: usize| Err(FilesError::BadPattern(text(chars, pos, to)));
    let stars = stars_from(chars, pos);
    // `***`: three or more stars.
    if stars >= 3 {
        return bad(pos + stars);
    }
    // `x**`: non-slashes followed by two stars, the longest such run.
    let run = non_slash_run(chars, pos);
    if let Some(k) =
        (1..run).rev().find(|&k| pos + k + 1 < pos + run && chars[pos + k] == '*' && chars[pos + k + 1] == '*')
    {
        return bad(pos + k + stars_from(chars, pos + k));
    }
    // `**x`: two or more stars and then non-slashes.
    if stars >= 2 && non_slash_run(chars, pos + stars) >= 1 {
        return bad(pos + stars + non_slash_run(chars, pos + stars));
    }
    if chars[pos..].starts_with(&['*', '*', '/', '*', '*']) {
        return bad(pos + 5);
    }
    // `^*/`: only at the very start of the pattern (Python's `^` ignores `pos`).
    if pos == 0 && stars >= 1 && chars.get(stars) == Some(&'/') {
        return Ok((ANY_PREFIX.to_string(), stars + 1));
    }
    if chars[pos] == '/' {
        let after = stars_from(chars, pos + 1);
        let end = pos + 1 + after;
        // `/*$`: `$` also matches just before a final newline.
        let at_end = end == chars.len() || (end + 1 == chars.len() && chars[end] == '\n');
        if after >= 1 && at_end {
            return Ok((r"[/\\].*".to_string(), end));
        }
    }
    if stars == 2 && chars.get(pos + 2) == Some(&'/') {
        return Ok((ANY_PREFIX.to_string(), pos + 3));
    }
    match chars[pos] {
        '/' => return Ok((SLASH.to_string(), pos + 1)),
        '*' => return Ok((r"[^/\\]*".to_string(), pos + 1)),
        '?' => return Ok((r"[^/\\]".to_string(), pos + 1)),
        _ => {}
    }
    if chars[pos] == '[' {
        // `[...]`: up to the first `]`, not across a newline.
        let close = chars[pos + 1..].iter().take_while(|c| **c != '\n').position(|c| *c == ']');
        if let Some(off) = close {
            let end = pos + 1 + off + 1;
            let class = match flavor {
                Flavor::Rust => char_class(&chars[pos + 1..end - 1]),
                Flavor::Python => text(chars, pos, end),
            };
            return Ok((class, end));
        }
    }
    let word = chars[pos..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '-').count();
    if word > 0 {
        return Ok((text(chars, pos, pos + word), pos + word));
    }
    if chars[pos] == '[' || chars[pos] == ']' {
        return bad(pos + 1);
    }
    let escaped = match flavor {
        Flavor::Rust => regex::escape(&chars[pos].to_string()),
        Flavor::Python => format!("\\{}", chars[pos]),
    };
    Ok((escaped, pos + 1))
}

/// Python copies a `[...]` class verbatim; Rust's class syntax also treats
/// `[`, `&&`, `--` and `~~` specially, so those are escaped to keep Python's meaning.
fn char_class(inner: &[char]) -> String {
    let mut out = String::from("[");
    for (i, c) in inner.iter().enumerate() {
        let doubled = |ch: char| inner.get(i + 1) == Some(&ch) || (i > 0 && inner[i - 1] == ch);
        match c {
            '^' if i == 0 => out.push('^'),
            '[' | '&' | '~' | '^' => {
                out.push('\\');
                out.push(*c);
            }
            '-' if doubled('-') => out.push_str("\\-"),
            c => out.push(*c),
        }
    }
    out.push(']');
    out
}

/// coverage's `globs_to_regex`: one regex matching any of the patterns, from the
/// start of the string; whole string unless `partial`.
pub fn globs_to_regex_source<S: AsRef<str>>(patterns: &[S], partial: bool) -> Result<String, FilesError> {
    let parts = patterns.iter().map(|p| glob_to_regex(p.as_ref())).collect::<Result<Vec<_>, _>>()?;
    let joined = if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        parts.iter().map(|r| format!("(?:{r})")).collect::<Vec<_>>().join("|")
    };
    Ok(if partial { format!(r"\A(?:{joined})") } else { format!(r"\A(?:{joined})\z") })
}

/// Compile the globs into a regex, as coverage's `globs_to_regex`.
pub fn globs_to_regex<S: AsRef<str>>(
    patterns: &[S],
    case_insensitive: bool,
    partial: bool,
) -> Result<Regex, FilesError> {
    let source = globs_to_regex_source(patterns, partial)?;
    RegexBuilder::new(&source)
        .case_insensitive(case_insensitive)
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| {
            FilesError::InvalidRegex(patterns.iter().map(|p| p.as_ref()).collect::<Vec<_>>().join(", "), e.to_string())
        })
}

/// coverage's `prep_patterns`: keep each pattern, and unless it starts with a
/// wildcard also add it made absolute against the current directory.
pub fn prep_patterns<S: AsRef<str>>(patterns: &[S]) -> Vec<String> {
    let mut out = Vec::with_capacity(patterns.len() * 2);
    for p in patterns {
        let p = p.as_ref();
        out.push(p.to_string());
        if !p.starts_with('*') && !p.starts_with('?') {
            out.push(abs_file(p));
        }
    }
    out
}

/// Files matched by name pattern, as coverage's `GlobMatcher` (patterns used as given).
#[derive(Debug, Clone)]
pub struct GlobMatcher {
    patterns: Vec<String>,
    regex: Regex,
}

impl GlobMatcher {
    /// Case-insensitive only on Windows, as coverage.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, FilesError> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.as_ref().to_string()).collect();
        let regex = globs_to_regex(&patterns, cfg!(windows), false)?;
        Ok(GlobMatcher { patterns, regex })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn matches(&self, path: &str) -> bool {
        self.regex.is_match(path)
    }
}

/// The same regex in Python's `re` syntax, anchored as coverage's
/// `globs_to_regex` anchors it (`re.match` supplies the start anchor).
pub fn globs_to_python_regex<S: AsRef<str>>(patterns: &[S], partial: bool) -> Result<String, FilesError> {
    let parts = patterns.iter().map(|p| glob_to_python_regex(p.as_ref())).collect::<Result<Vec<_>, _>>()?;
    let joined = if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        parts.iter().map(|r| format!("(?:{r})")).collect::<Vec<_>>().join("|")
    };
    Ok(if partial { joined } else { format!(r"(?:{joined})\Z") })
}
