//! `$VAR`, `${VAR}`, `${VAR-default}`, `${VAR?}` and `$$` in config values,
//! with coverage.py's rules: an undefined variable becomes "" unless it is
//! strict (`?`), which is an error.
use std::sync::LazyLock;

use regex::{Captures, Regex};

static DOLLAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$(?:(?P<dollar>\$)|(?P<word1>\w+)|\{(?P<word2>\w+)(?:(?P<strict>\?)|-(?P<defval>[^}]*))?\})")
        .expect("static pattern is valid")
});

/// Looks up one environment variable.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Replace the variables in `text`; the error names the undefined variable.
pub fn substitute(text: &str, env: EnvLookup<'_>) -> Result<String, String> {
    if !text.contains('$') {
        return Ok(text.to_string());
    }
    let mut failure = None;
    let result = DOLLAR.replace_all(text, |caps: &Captures<'_>| {
        if caps.name("dollar").is_some() {
            return "$".to_string();
        }
        let word = caps.name("word1").or_else(|| caps.name("word2")).map_or("", |m| m.as_str());
        if let Some(value) = env(word) {
            return value;
        }
        if caps.name("strict").is_some() && failure.is_none() {
            failure = Some(format!("Variable {word} is undefined: {}", crate::pystr::repr(text)));
        }
        caps.name("defval").map_or_else(String::new, |m| m.as_str().to_string())
    });
    match failure {
        Some(message) => Err(message),
        None => Ok(result.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOME" => Some("/h".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn forms() {
        let cases = [
            ("$HOME/x", "/h/x"),
            ("${HOME}y", "/hy"),
            ("${NOPE}", ""),
            ("$NOPE", ""),
            ("a$", "a$"),
            ("${x", "${x"),
            ("${N-a-b}", "a-b"),
            ("${HOME-x}y", "/hy"),
            ("$$HOME", "$HOME"),
            ("${EMPTY-d}", ""),
            ("${N-}", ""),
        ];
        for (text, want) in cases {
            assert_eq!(substitute(text, &env).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn strict_undefined_is_an_error() {
        assert_eq!(substitute("${NOPE?}", &env), Err("Variable NOPE is undefined: '${NOPE?}'".into()));
        assert_eq!(substitute("${HOME?}", &env), Ok("/h".into()));
    }
}
