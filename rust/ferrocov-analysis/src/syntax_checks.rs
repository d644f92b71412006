//! Parsing, and the compile-time errors CPython raises that a parser alone
//! does not: misplaced or unknown `from __future__` imports.

use ruff_python_ast::token::{TokenKind, Tokens};
use ruff_python_ast::{Mod, ModModule, PySourceType, Stmt};
use ruff_python_parser::{ParseOptions, Parsed};
use ruff_text_size::Ranged;

use crate::line_index::LineIndex;
use crate::nesting::{self, DeepTree, TooDeep};
use crate::PythonVersion;
use crate::{bracket_match, bracket_scan};

/// A syntax error: CPython-like message and 1-based line.
#[derive(Debug, Clone)]
pub struct SyntaxProblem {
    pub message: String,
    pub line: u32,
}

/// Why a source was refused.
#[derive(Debug, Clone)]
pub enum ParseFailure {
    Syntax(SyntaxProblem),
    TooDeep(TooDeep),
}

impl From<SyntaxProblem> for ParseFailure {
    fn from(problem: SyntaxProblem) -> Self {
        ParseFailure::Syntax(problem)
    }
}

/// Parse `text` for `version`, rejecting what that CPython would reject,
/// trees too deep for its parser or compiler included.
pub fn parse_checked(
    text: &str,
    version: PythonVersion,
    index: &LineIndex,
) -> Result<DeepTree<Parsed<ModModule>>, ParseFailure> {
    let parsed = parse_tolerant(text, version, index)?;
    bracket_match::check_pairs(parsed.get().tokens(), index)?;
    let depth = parsed.depth();
    let refusal = depth.refusal(version);
    if refusal == Some(TooDeep::ParserStack) {
        return Err(ParseFailure::TooDeep(TooDeep::ParserStack));
    }
    if let Some(err) = parsed.get().errors().first() {
        let offset = err.location.start().to_u32();
        let line = index.line_of(offset);
        let problem = bracket_match::unclosed_at(parsed.get().tokens(), offset, line, index)
            .unwrap_or_else(|| SyntaxProblem { message: cpython_wording(err.error.to_string()), line });
        return Err(problem.into());
    }
    if let Some(err) = parsed.get().unsupported_syntax_errors().first() {
        return Err(SyntaxProblem { message: err.to_string(), line: index.line_of(err.range.start().to_u32()) }.into());
    }
    if let Some(refusal) = refusal {
        return Err(ParseFailure::TooDeep(refusal));
    }
    if !matches!(parsed.get().syntax(), Mod::Module(_)) {
        return Err(SyntaxProblem { message: "not a module".to_string(), line: 1 }.into());
    }
    let module = parsed.map(|parsed| parsed.try_into_module().expect("checked to be a module"));
    depth.on_stack(|| check_future_imports(module.get().syntax(), index))?;
    Ok(module)
}

/// CPython's words for the parse errors where ruff's differ and CPython's
/// are fixed; most of CPython's depend on its grammar's error rules.
fn cpython_wording(message: String) -> String {
    match message.as_str() {
        "Unexpected indentation" => "unexpected indent".to_string(),
        _ => message,
    }
}

/// Parse `text` with errors left in the tree, refusing only what CPython's
/// tokenizer refuses for size (nesting, indentation): enough for token facts.
pub fn parse_tolerant(
    text: &str,
    version: PythonVersion,
    index: &LineIndex,
) -> Result<DeepTree<Parsed<Mod>>, SyntaxProblem> {
    let brackets = bracket_scan::scan(text, MAX_BRACKET_LEVELS);
    if let Some(line) = brackets.exceeded_at {
        return Err(SyntaxProblem { message: "too many nested parentheses".into(), line });
    }
    let target = ruff_python_ast::PythonVersion { major: version.major, minor: version.minor };
    let options = ParseOptions::from(PySourceType::Python).with_target_version(target);
    let parse = || ruff_python_parser::parse_unchecked(text, options);
    let parsed = if brackets.with_fstrings > MAX_BRACKET_LEVELS {
        // Only f-strings nest this deep (the tokens check below decides):
        // parse on a stack sized for the upper bound.
        stacker::grow(brackets.with_fstrings.saturating_mul(4 * 1024) + (16 << 20), parse)
    } else {
        parse()
    };
    // Measured first: until the tree is owned by a `DeepTree`, any walk or
    // drop of it could overflow the stack.
    let depth = nesting::measure(parsed.syntax());
    let parsed = DeepTree::new(parsed, depth);
    // The tokenizer's limits come first: CPython stops there before parsing.
    check_tokenizer_limits(parsed.get().tokens(), index)?;
    Ok(parsed)
}

/// CPython's tokenizer keeps at most 100 indentation levels (MAXINDENT)
/// and 200 open brackets (MAXLEVEL).
const MAX_INDENT_LEVELS: usize = 100;
const MAX_BRACKET_LEVELS: usize = 200;

/// "too many levels of indentation" and "too many nested parentheses".
fn check_tokenizer_limits(tokens: &Tokens, index: &LineIndex) -> Result<(), SyntaxProblem> {
    let mut indents = 0usize;
    let mut brackets = 0usize;
    let problem = |message: &str, token: &ruff_python_ast::token::Token| SyntaxProblem {
        message: message.into(),
        line: index.line_of(token.start().to_u32()),
    };
    for token in tokens {
        match token.kind() {
            TokenKind::Indent => {
                indents += 1;
                if indents >= MAX_INDENT_LEVELS {
                    return Err(problem("too many levels of indentation", token));
                }
            }
            TokenKind::Dedent => indents = indents.saturating_sub(1),
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                brackets += 1;
                if brackets > MAX_BRACKET_LEVELS {
                    return Err(problem("too many nested parentheses", token));
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => brackets = brackets.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

const FUTURE_FEATURES: &[&str] = &[
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

/// `from __future__` imports may follow only a docstring and each other,
/// and must name real features.
fn check_future_imports(module: &ModModule, index: &LineIndex) -> Result<(), SyntaxProblem> {
    let mut prologue = true;
    for (i, stmt) in module.body.iter().enumerate() {
        let is_docstring = i == 0 && matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr());
        match stmt {
            Stmt::ImportFrom(import) if import.module.as_deref() == Some("__future__") && import.level == 0 => {
                let line = index.line_of(stmt.start().to_u32());
                if !prologue {
                    return Err(SyntaxProblem {
                        message: "from __future__ imports must occur at the beginning of the file".into(),
                        line,
                    });
                }
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if name == "braces" {
                        return Err(SyntaxProblem { message: "not a chance".into(), line });
                    }
                    if !FUTURE_FEATURES.contains(&name) {
                        return Err(SyntaxProblem { message: format!("future feature {name} is not defined"), line });
                    }
                }
            }
            _ if is_docstring => {}
            _ => prologue = false,
        }
        // Nested `from __future__` imports are errors too.
        if !prologue {
            if let Some(line) = nested_future_import(stmt, index) {
                return Err(SyntaxProblem {
                    message: "from __future__ imports must occur at the beginning of the file".into(),
                    line,
                });
            }
        }
    }
    Ok(())
}

/// The line of a `from __future__` import anywhere inside `stmt`'s body.
fn nested_future_import(stmt: &Stmt, index: &LineIndex) -> Option<u32> {
    use ruff_python_ast::statement_visitor::{walk_stmt, StatementVisitor};
    struct Finder<'a> {
        index: &'a LineIndex,
        found: Option<u32>,
    }
    impl<'b> StatementVisitor<'b> for Finder<'_> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            if let Stmt::ImportFrom(import) = stmt {
                if import.module.as_deref() == Some("__future__") && import.level == 0 {
                    self.found.get_or_insert(self.index.line_of(stmt.start().to_u32()));
                }
            }
            walk_stmt(self, stmt);
        }
    }
    let mut finder = Finder { index, found: None };
    finder.visit_stmt(stmt);
    finder.found
}
