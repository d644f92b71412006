//! The whole analysis of one source text, as `PythonParser.parse_source`:
//! token facts, compiled lines, then AST rules for docstrings, decorated
//! definitions and irrefutable `case` clauses.

use std::collections::BTreeSet;

use ruff_python_ast::{ExceptHandler, Expr, ModModule, Pattern, Stmt};
use ruff_python_parser::Parsed;
use ruff_text_size::Ranged;

use crate::compiled_lines::LineTableEmulator;
use crate::exclusion::{excluded_suites, multiline_map, ExcludeRegex};
use crate::line_index::LineIndex;
use crate::syntax_checks::{parse_checked, ParseFailure};
use crate::tokens::line_tokens;
use crate::{AnalysisError, AnalysisOptions, SourceAnalysis};

pub fn analyze(text: &str, filename: &str, opts: &AnalysisOptions) -> Result<SourceAnalysis, AnalysisError> {
    check_null_bytes(text, filename)?;
    let index = LineIndex::new(text);
    let parsed = parse_checked(text, opts.version, &index).map_err(|failure| match failure {
        ParseFailure::Syntax(p) => not_python(filename, p.message, p.line),
        ParseFailure::TooDeep(kind) => AnalysisError::CompilerRefused {
            filename: filename.to_string(),
            exception: kind.into(),
            message: kind.message(opts.version).to_string(),
        },
    })?;
    // Every walk below recurses as deep as the tree does.
    parsed.depth().on_stack(|| analyze_parsed(parsed.get(), text, filename, &index, opts))
}

fn not_python(filename: &str, message: String, line: u32) -> AnalysisError {
    AnalysisError::NotPython { filename: filename.to_string(), message, line: Some(line) }
}

/// CPython refuses source with a NUL byte before parsing, with a
/// SyntaxError that has no line number (3.11.7, 3.12, 3.13).
fn check_null_bytes(text: &str, filename: &str) -> Result<(), AnalysisError> {
    if !text.contains('\0') {
        return Ok(());
    }
    let message = "source code string cannot contain null bytes".to_string();
    Err(AnalysisError::NotPython { filename: filename.to_string(), message, line: None })
}

fn analyze_parsed(
    parsed: &Parsed<ModModule>,
    text: &str,
    filename: &str,
    index: &LineIndex,
    opts: &AnalysisOptions,
) -> Result<SourceAnalysis, AnalysisError> {
    let tokens = line_tokens(parsed.tokens(), text, index);
    let multiline = multiline_map(&tokens);

    let matched = match opts.exclude.as_deref().filter(|e| !e.is_empty()) {
        Some(pattern) => {
            let regex =
                ExcludeRegex::new(pattern).map_err(|e| not_python(filename, format!("bad exclusion regex: {e}"), 0))?;
            regex.lines_matching(text, &multiline)
        }
        None => BTreeSet::new(),
    };
    let first = |line: u32| multiline.get(&line).copied().unwrap_or(line);
    let mut excluded: BTreeSet<u32> = excluded_suites(&tokens, &matched).into_iter().map(first).collect();

    let empty = !tokens.iter().any(|t| t.is_significant());
    let raw = if empty {
        BTreeSet::new()
    } else {
        LineTableEmulator::new(index, opts.version).module_lines(&parsed.syntax().body)
    };

    let mut rules = AstRules { index, raw: &raw, excluded: &mut excluded, docstrings: BTreeSet::new() };
    rules.module(parsed.syntax());
    let docstrings = rules.docstrings;

    let ignored = |line: &u32| excluded.contains(line) || docstrings.contains(line);
    let statements = raw.iter().filter(|l| !ignored(l)).map(|&l| first(l)).filter(|l| !ignored(l)).collect();
    let arcs = opts.arcs.then(|| {
        let through_ctxmgr = opts.version.exits_with_through_ctxmgr();
        crate::arcs::analyze_arcs(parsed.syntax(), index, &multiline, &raw, through_ctxmgr)
    });
    Ok(SourceAnalysis { statements, excluded, multiline, arcs })
}

/// The AST walk of `_raw_parse`: docstrings, and exclusions that spread.
struct AstRules<'a> {
    index: &'a LineIndex,
    raw: &'a BTreeSet<u32>,
    excluded: &'a mut BTreeSet<u32>,
    docstrings: BTreeSet<u32>,
}

impl AstRules<'_> {
    fn line(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.start().to_u32())
    }

    fn end_line(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.end().to_u32().saturating_sub(1).max(node.start().to_u32()))
    }

    fn module(&mut self, module: &ModModule) {
        self.docstring(&module.body);
        self.block(&module.body);
    }

    fn block(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.stmt(stmt);
        }
    }

    fn docstring(&mut self, body: &[Stmt]) {
        if let Some(Stmt::Expr(expr)) = body.first() {
            if let Expr::StringLiteral(_) = expr.value.as_ref() {
                self.docstrings.extend(self.line(expr)..=self.end_line(expr));
            }
        }
    }

    /// A decorator or signature line excluded excludes the whole definition.
    fn definition(&mut self, stmt: &Stmt, decorators: &[ruff_python_ast::Decorator], def_line: u32, body: &[Stmt]) {
        self.docstring(body);
        let first = decorators.iter().map(|d| self.line(&d.expression)).min().unwrap_or(def_line).min(def_line);
        if self.excluded.range(first..=def_line).next().is_some() {
            let end = self.end_line(stmt);
            self.excluded.extend(first..=end);
        }
        self.block(body);
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                let line = if def.decorator_list.is_empty() { self.line(stmt) } else { self.line(&def.name) };
                self.definition(stmt, &def.decorator_list, line, &def.body);
            }
            Stmt::ClassDef(class) => {
                let line = if class.decorator_list.is_empty() { self.line(stmt) } else { self.line(&class.name) };
                self.definition(stmt, &class.decorator_list, line, &class.body);
            }
            Stmt::If(s) => {
                self.block(&s.body);
                for clause in &s.elif_else_clauses {
                    self.block(&clause.body);
                }
            }
            Stmt::While(s) => {
                self.block(&s.body);
                self.block(&s.orelse);
            }
            Stmt::For(s) => {
                self.block(&s.body);
                self.block(&s.orelse);
            }
            Stmt::With(s) => self.block(&s.body),
            Stmt::Try(s) => {
                self.block(&s.body);
                for handler in &s.handlers {
                    let ExceptHandler::ExceptHandler(h) = handler;
                    self.block(&h.body);
                }
                self.block(&s.orelse);
                self.block(&s.finalbody);
            }
            Stmt::Match(m) => {
                for case in &m.cases {
                    self.block(&case.body);
                    self.irrefutable_case(case);
                }
            }
            _ => {}
        }
    }

    /// An irrefutable `case` whose body is all excluded is excluded too.
    fn irrefutable_case(&mut self, case: &ruff_python_ast::MatchCase) {
        if case.guard.is_some() || !coverage_irrefutable(&case.pattern) {
            return;
        }
        let (Some(first), Some(last)) = (case.body.first(), case.body.last()) else { return };
        let body_lines = self.line(first)..=self.end_line(last);
        let mut body_statements = self.raw.range(body_lines).peekable();
        if body_statements.peek().is_none() {
            return;
        }
        if body_statements.all(|l| self.excluded.contains(l)) {
            let lines = self.line(&case.pattern)..=self.end_line(&case.pattern);
            self.excluded.extend(lines);
        }
    }
}

/// coverage's `_case_is_irrefutable` pattern test (the guard is checked apart).
pub(crate) fn coverage_irrefutable(pattern: &Pattern) -> bool {
    let mut pattern = pattern;
    while let Pattern::MatchOr(or) = pattern {
        match or.patterns.last() {
            Some(last) => pattern = last,
            None => return false,
        }
    }
    while let Pattern::MatchAs(ruff_python_ast::PatternMatchAs { pattern: Some(inner), .. }) = pattern {
        pattern = inner;
    }
    matches!(pattern, Pattern::MatchAs(p) if p.pattern.is_none())
}
