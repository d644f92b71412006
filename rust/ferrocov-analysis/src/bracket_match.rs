//! Brackets as CPython's tokenizer pairs them, for its error messages.
//!
//! The tokenizer refuses a closing bracket that closes nothing ("unmatched
//! ')'") or the wrong kind ("closing parenthesis ')' does not match opening
//! parenthesis '['"), and these errors win over the parser's, wherever the
//! parser failed. A parse error after a bracket still open there is
//! reported as "'(' was never closed" at the bracket's line.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_text_size::Ranged;

use crate::line_index::LineIndex;
use crate::syntax_checks::SyntaxProblem;
use crate::PythonVersion;

/// An opening bracket and where it is.
#[derive(Debug, Clone, Copy)]
struct OpenBracket {
    symbol: char,
    offset: u32,
}

fn opening(kind: TokenKind) -> Option<char> {
    match kind {
        TokenKind::Lpar => Some('('),
        TokenKind::Lsqb => Some('['),
        TokenKind::Lbrace => Some('{'),
        _ => None,
    }
}

fn closing(kind: TokenKind) -> Option<(char, char)> {
    match kind {
        TokenKind::Rpar => Some((')', '(')),
        TokenKind::Rsqb => Some((']', '[')),
        TokenKind::Rbrace => Some(('}', '{')),
        _ => None,
    }
}

/// The tokenizer's bracket errors: the first closing bracket that closes
/// nothing or the wrong kind.
pub fn check_pairs(tokens: &Tokens, index: &LineIndex) -> Result<(), SyntaxProblem> {
    walk(tokens, u32::MAX, index).map(|_| ())
}

/// The brackets still open before `offset`, innermost last.
fn walk(tokens: &Tokens, offset: u32, index: &LineIndex) -> Result<Vec<OpenBracket>, SyntaxProblem> {
    let mut open: Vec<OpenBracket> = Vec::new();
    for token in tokens.iter().take_while(|t| t.start().to_u32() < offset) {
        let start = token.start().to_u32();
        if let Some(symbol) = opening(token.kind()) {
            open.push(OpenBracket { symbol, offset: start });
        } else if let Some((close, expected)) = closing(token.kind()) {
            let line = index.line_of(start);
            match open.pop() {
                None => return Err(SyntaxProblem { message: format!("unmatched '{close}'"), line }),
                Some(top) if top.symbol != expected => {
                    let top_line = index.line_of(top.offset);
                    let mut message =
                        format!("closing parenthesis '{close}' does not match opening parenthesis '{}'", top.symbol);
                    if top_line != line {
                        message.push_str(&format!(" on line {top_line}"));
                    }
                    return Err(SyntaxProblem { message, line });
                }
                Some(_) => {}
            }
        }
    }
    Ok(open)
}

/// CPython's wording for a parse error at `offset` (on `line`) inside a
/// bracket opened on an earlier line: "'(' was never closed" there.
pub fn unclosed_at(tokens: &Tokens, offset: u32, line: u32, index: &LineIndex) -> Option<SyntaxProblem> {
    let open = walk(tokens, offset, index).ok()?;
    let innermost = open.last()?;
    let open_line = index.line_of(innermost.offset);
    (line > open_line)
        .then(|| SyntaxProblem { message: format!("'{}' was never closed", innermost.symbol), line: open_line })
}

/// Does the text end inside brackets (tokenize's "EOF in multi-line
/// statement")? Before 3.12 tokenize is pure Python and only counts:
/// any level but zero at the end is the error, an unmatched `]` included.
/// From 3.12 it is CPython's tokenizer, which drops unmatched closings.
pub fn open_at_end(tokens: &Tokens, version: PythonVersion) -> bool {
    let counting = version < PythonVersion::new(3, 12);
    let mut depth = 0i64;
    for token in tokens {
        if opening(token.kind()).is_some() {
            depth += 1;
        } else if closing(token.kind()).is_some() && (counting || depth > 0) {
            depth -= 1;
        }
    }
    depth != 0
}
