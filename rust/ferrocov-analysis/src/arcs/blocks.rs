//! The block stack: where `break`, `continue`, `raise` and `return` go
//! depends on the nearest enclosing loop, `try` or function.

use std::collections::BTreeSet;

/// Where an arc starts, and why it might not have been taken (a template
/// with `{lineno}` for `line`; empty when there is nothing to say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ArcStart {
    pub line: i32,
    pub cause: &'static str,
}

impl ArcStart {
    pub fn plain(line: i32) -> Self {
        Self { line, cause: "" }
    }

    pub fn because(line: i32, cause: &'static str) -> Self {
        Self { line, cause }
    }
}

pub type Exits = BTreeSet<ArcStart>;

/// The kinds of jump that leave a suite other than by falling off its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    Break,
    Continue,
    Raise,
    Return,
}

/// An entry of the block stack.
#[derive(Debug, Clone)]
pub enum Block {
    Loop {
        start: i32,
        break_exits: Exits,
    },
    Function {
        start: i32,
        name: String,
    },
    /// A `try` statement; `handler_start` is None once its body is done.
    Try {
        handler_start: Option<i32>,
    },
}

/// An arc a block asks for: from, to, cause, action.
pub type BlockArc = (i32, i32, &'static str, Option<String>);

impl Block {
    /// Handle `exits` jumping as `jump`: the arcs to add, or None when the
    /// jump goes on to an outer block.
    pub fn take(&mut self, jump: Jump, exits: &Exits) -> Option<Vec<BlockArc>> {
        match (self, jump) {
            (Block::Loop { break_exits, .. }, Jump::Break) => {
                break_exits.extend(exits.iter().copied());
                Some(Vec::new())
            }
            (Block::Loop { start, .. }, Jump::Continue) => {
                Some(exits.iter().map(|x| (x.line, *start, x.cause, None)).collect())
            }
            (Block::Function { start, name }, Jump::Raise | Jump::Return) => {
                let verb = if jump == Jump::Raise { "except" } else { "return" };
                let action = format!("{verb} from function {}", python_repr(name));
                Some(exits.iter().map(|x| (x.line, -*start, x.cause, Some(action.clone()))).collect())
            }
            // A `try` swallows raises: into its first handler while its body
            // runs, and nowhere once it is done (coverage.py's TryBlock).
            (Block::Try { handler_start }, Jump::Raise) => Some(
                handler_start.map_or_else(Vec::new, |h| exits.iter().map(|x| (x.line, h, x.cause, None)).collect()),
            ),
            _ => None,
        }
    }
}

/// `repr()` of an identifier: single-quoted (identifiers hold no quotes).
pub fn python_repr(name: &str) -> String {
    format!("'{name}'")
}
