//! The token facts coverage.py reads from Python's `tokenize`, taken from
//! ruff's lexer: which tokens are significant, where logical lines end,
//! indentation, brackets and colons.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::Ranged;

use crate::line_index::LineIndex;

/// What the exclusion and multi-line logic need to know about a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRole {
    /// NEWLINE: the end of a logical line.
    Newline,
    Indent,
    Dedent,
    /// An opening bracket: ( [ {
    Open,
    /// A closing bracket: ) ] }
    Close,
    /// The `:` operator (not `:=`).
    Colon,
    /// Any other token with non-blank text that is not a comment.
    Other,
    /// Comments, NL, end of file, and blank text: ignored by coverage.
    Trivia,
}

/// One token: its role and the lines where it starts and ends.
#[derive(Debug, Clone, Copy)]
pub struct LineToken {
    pub role: TokenRole,
    pub start_line: u32,
    pub end_line: u32,
}

impl LineToken {
    /// coverage's `ttext.strip() and toktype != COMMENT`.
    pub fn is_significant(&self) -> bool {
        !matches!(self.role, TokenRole::Newline | TokenRole::Indent | TokenRole::Dedent | TokenRole::Trivia)
    }
}

/// Flatten ruff's tokens into `LineToken`s.
pub fn line_tokens(tokens: &Tokens, source: &str, index: &LineIndex) -> Vec<LineToken> {
    tokens
        .iter()
        .map(|tok| {
            let range = tok.range();
            let role = role_of(tok.kind(), &source[range.start().to_usize()..range.end().to_usize()]);
            let start_line = index.line_of(range.start().to_u32());
            // The end offset is exclusive: a token ending in "\n" ends on its line.
            let end_line = index.line_of(range.end().to_u32().saturating_sub(1).max(range.start().to_u32()));
            LineToken { role, start_line, end_line }
        })
        .collect()
}

fn role_of(kind: TokenKind, text: &str) -> TokenRole {
    match kind {
        TokenKind::Newline => TokenRole::Newline,
        TokenKind::Indent => TokenRole::Indent,
        TokenKind::Dedent => TokenRole::Dedent,
        TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => TokenRole::Open,
        TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => TokenRole::Close,
        TokenKind::Colon => TokenRole::Colon,
        TokenKind::Comment | TokenKind::NonLogicalNewline | TokenKind::EndOfFile => TokenRole::Trivia,
        _ if text.trim().is_empty() => TokenRole::Trivia,
        _ => TokenRole::Other,
    }
}

/// The colour class of a piece of source in the HTML report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenClass {
    Keyword,
    Name,
    String,
    Number,
    Comment,
    Operator,
    /// Whitespace, indentation and anything the lexer could not place.
    Plain,
}

impl TokenClass {
    /// A short, stable name for CSS classes.
    pub fn css(self) -> &'static str {
        match self {
            TokenClass::Keyword => "key",
            TokenClass::Name => "nam",
            TokenClass::String => "str",
            TokenClass::Number => "num",
            TokenClass::Comment => "com",
            TokenClass::Operator => "op",
            TokenClass::Plain => "txt",
        }
    }
}

/// One coloured piece of a source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub class: TokenClass,
    pub text: String,
}

/// The source split into lines (as `str.splitlines` counts them for a
/// `\n`-normalized text), each line a run of classified spans. Tolerates
/// code that does not parse: the lexer still yields tokens, and any text it
/// skips is kept as `Plain`, so the lines always spell out the source.
pub fn highlight_lines(source: &str) -> Vec<Vec<Span>> {
    let parsed = ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    let mut lines: Vec<Vec<Span>> = vec![Vec::new()];
    let mut pos = 0usize;
    for tok in parsed.tokens().iter() {
        let (start, end) = (tok.range().start().to_usize(), tok.range().end().to_usize());
        // Defensive: never step backwards or past the text.
        if start < pos || end > source.len() || start > end {
            continue;
        }
        push_text(&mut lines, &source[pos..start], TokenClass::Plain);
        push_text(&mut lines, &source[start..end], class_of(tok.kind()));
        pos = end;
    }
    push_text(&mut lines, &source[pos..], TokenClass::Plain);
    // A final newline ends the last line rather than starting a new one.
    if source.ends_with('\n') || source.is_empty() {
        lines.pop();
    }
    lines
}

/// Append `text` to the lines, starting a new line at each `\n`.
fn push_text(lines: &mut Vec<Vec<Span>>, text: &str, class: TokenClass) {
    for (i, piece) in text.split('\n').enumerate() {
        if i > 0 {
            lines.push(Vec::new());
        }
        if piece.is_empty() {
            continue;
        }
        let line = lines.last_mut().expect("lines is never empty");
        match line.last_mut() {
            // Merge neighbours of one class: fewer spans, same text.
            Some(last) if last.class == class => last.text.push_str(piece),
            _ => line.push(Span { class, text: piece.to_string() }),
        }
    }
}

fn class_of(kind: TokenKind) -> TokenClass {
    match kind {
        _ if kind.is_keyword() => TokenClass::Keyword,
        TokenKind::Name => TokenClass::Name,
        TokenKind::Int | TokenKind::Float | TokenKind::Complex => TokenClass::Number,
        TokenKind::String
        | TokenKind::FStringStart
        | TokenKind::FStringMiddle
        | TokenKind::FStringEnd
        | TokenKind::TStringStart
        | TokenKind::TStringMiddle
        | TokenKind::TStringEnd => TokenClass::String,
        TokenKind::Comment => TokenClass::Comment,
        _ if kind.is_operator() => TokenClass::Operator,
        _ => TokenClass::Plain,
    }
}

#[cfg(test)]
mod highlight_tests {
    use super::*;

    fn texts(line: &[Span]) -> Vec<(&'static str, &str)> {
        line.iter().map(|s| (s.class.css(), s.text.as_str())).collect()
    }

    #[test]
    fn classifies_a_simple_line() {
        let lines = highlight_lines("if x == 1:  # hi\n    y = 'a'\n");
        assert_eq!(lines.len(), 2);
        assert_eq!(
            texts(&lines[0]),
            vec![
                ("key", "if"),
                ("txt", " "),
                ("nam", "x"),
                ("txt", " "),
                ("op", "=="),
                ("txt", " "),
                ("num", "1"),
                ("op", ":"),
                ("txt", "  "),
                ("com", "# hi")
            ]
        );
    }

    #[test]
    fn multiline_strings_split_per_line_and_keep_text() {
        let src = "x = '''a\nb'''\n";
        let lines = highlight_lines(src);
        assert_eq!(lines.len(), 2);
        assert_eq!(texts(&lines[1]), vec![("str", "b'''")]);
    }

    #[test]
    fn broken_code_keeps_all_text() {
        let src = "def (:\n  $$ 'x\nok\n";
        let lines = highlight_lines(src);
        let joined: Vec<String> = lines.iter().map(|l| l.iter().map(|s| s.text.as_str()).collect()).collect();
        assert_eq!(joined, vec!["def (:", "  $$ 'x", "ok"]);
    }
}

#[cfg(test)]
mod soft_keyword_tests {
    use super::*;

    #[test]
    fn soft_keywords_used_as_names_are_names() {
        let lines = highlight_lines("type = 1\nmatch x:\n    case 1:\n        pass\n");
        assert_eq!(lines[0][0].class, TokenClass::Name);
        assert_eq!(lines[1][0].class, TokenClass::Keyword);
        assert_eq!(lines[2][1].class, TokenClass::Keyword);
    }
}
