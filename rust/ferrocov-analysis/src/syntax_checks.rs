//! Parsing, and the compile-time errors CPython raises that a parser alone
//! does not: misplaced or unknown `from __future__` imports.

use ruff_python_ast::{ModModule, PySourceType, Stmt};
use ruff_python_parser::{ParseOptions, Parsed};
use ruff_text_size::Ranged;

use crate::line_index::LineIndex;
use crate::PythonVersion;

/// A syntax error: CPython-like message and 1-based line.
#[derive(Debug, Clone)]
pub struct SyntaxProblem {
    pub message: String,
    pub line: u32,
}

/// Parse `text` for `version`, rejecting what that CPython would reject.
pub fn parse_checked(
    text: &str,
    version: PythonVersion,
    index: &LineIndex,
) -> Result<Parsed<ModModule>, SyntaxProblem> {
    let target = ruff_python_ast::PythonVersion { major: version.major, minor: version.minor };
    let options = ParseOptions::from(PySourceType::Python).with_target_version(target);
    let parsed = ruff_python_parser::parse_unchecked(text, options);
    if let Some(err) = parsed.errors().first() {
        return Err(SyntaxProblem {
            message: err.error.to_string(),
            line: index.line_of(err.location.start().to_u32()),
        });
    }
    if let Some(err) = parsed.unsupported_syntax_errors().first() {
        return Err(SyntaxProblem {
            message: err.to_string(),
            line: index.line_of(err.range.start().to_u32()),
        });
    }
    let parsed = parsed.try_into_module().ok_or_else(|| SyntaxProblem {
        message: "not a module".to_string(),
        line: 1,
    })?;
    check_future_imports(parsed.syntax(), index)?;
    Ok(parsed)
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
        let is_docstring = i == 0
            && matches!(stmt, Stmt::Expr(e) if e.value.is_string_literal_expr());
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
                        return Err(SyntaxProblem {
                            message: format!("future feature {name} is not defined"),
                            line,
                        });
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
