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
