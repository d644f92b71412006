//! The whole analysis of one source text, as `PythonParser.parse_source`:
//! token facts, compiled lines, then AST rules for docstrings, decorated
//! definitions and irrefutable `case` clauses.

use std::collections::{BTreeSet, HashMap};

use ruff_python_ast::{ExceptHandler, Expr, ModModule, Pattern, Stmt};
use ruff_python_parser::{ParseErrorType, Parsed};
use ruff_text_size::Ranged;

use crate::bracket_match;
use crate::compiled_lines::LineTableEmulator;
use crate::exclusion::{excluded_suites, multiline_map, ExcludeRegex};
use crate::line_index::LineIndex;
use crate::nesting::DeepTree;
use crate::syntax_checks::{parse_checked, parse_tolerant, ParseFailure, SyntaxProblem};
use crate::tokens::line_tokens;
use crate::{AnalysisError, AnalysisOptions, PythonVersion, SourceAnalysis};

pub fn analyze(text: &str, filename: &str, opts: &AnalysisOptions) -> Result<SourceAnalysis, AnalysisError> {
    check_null_bytes(text, filename)?;
    let index = LineIndex::new(text);
    let parsed = parse(text, filename, opts.version, &index)?;
    // Every walk below recurses as deep as the tree does.
    parsed.depth().on_stack(|| analyze_parsed(parsed.get(), text, filename, &index, opts))
}

/// Only the multi-line statement map of `text` (coverage.py's
/// `multiline_map_from_text`): tokens only, so text that tokenizes but does
/// not parse (an indented fragment) has a map; what the tokenizer refuses
/// (an unclosed bracket or string at the end, bad indentation) is NotPython.
pub fn multiline_map_of(text: &str, version: PythonVersion) -> Result<HashMap<u32, u32>, AnalysisError> {
    let index = LineIndex::new(text);
    let refused = |p: SyntaxProblem| not_python("<string>", p.message, p.line);
    let parsed = parse_tolerant(text, version, &index).map_err(refused)?;
    let tokens = parsed.get().tokens();
    let lexical = parsed.get().errors().iter().find(|e| matches!(e.error, ParseErrorType::Lexical(_)));
    if let Some(err) = lexical {
        return Err(not_python("<string>", err.error.to_string(), index.line_of(err.location.start().to_u32())));
    }
    if bracket_match::open_at_end(tokens, version) {
        let last_line = index.line_of(text.len().try_into().unwrap_or(u32::MAX));
        return Err(not_python("<string>", "EOF in multi-line statement".to_string(), last_line));
    }
    Ok(multiline_map(&line_tokens(tokens, text, &index)))
}

/// Parse with CPython's checks; failures as coverage.py reports them.
fn parse(
    text: &str,
    filename: &str,
    version: PythonVersion,
    index: &LineIndex,
) -> Result<DeepTree<Parsed<ModModule>>, AnalysisError> {
    parse_checked(text, version, index).map_err(|failure| match failure {
        ParseFailure::Syntax(p) => not_python(filename, p.message, p.line),
        ParseFailure::TooDeep(kind) => AnalysisError::CompilerRefused {
            filename: filename.to_string(),
            exception: kind.into(),
            message: kind.message(version).to_string(),
        },
    })
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
    let regions = crate::regions::code_regions(parsed.syntax(), index);
    let line_count = ferrocov_pytext::splitlines_count(text);
    Ok(SourceAnalysis {
        statements,
        excluded,
        multiline,
        arcs,
        raw_statements: raw,
        raw_excluded: matched,
        docstrings,
        regions,
        line_count,
    })
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
