//! Which source lines CPython's compiler puts into line tables.
//!
//! coverage.py's raw statements are every line in `co_lines()` of the module
//! and all nested code objects. We walk the AST the way the compiler does and
//! record the lines of the statements it keeps: unreachable code is dropped,
//! constant tests are folded, and some statements (global, nonlocal,
//! annotations in functions) produce no bytecode at all.

use std::collections::BTreeSet;

use ruff_python_ast::{ExceptHandler, Expr, Pattern, Stmt};
use ruff_text_size::Ranged;

use crate::constants::test_outcomes;
use crate::line_index::LineIndex;
use crate::PythonVersion;

/// The scope a statement is compiled in: annotations behave differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Module,
    Class,
    Function,
}

/// Walks statements, collecting the lines that get line-table entries.
pub struct LineTableEmulator<'a> {
    index: &'a LineIndex,
    version: PythonVersion,
    lines: BTreeSet<u32>,
    /// One entry per enclosing loop: whether a reachable `break` exits it.
    loops: Vec<bool>,
    /// `from __future__ import annotations` is in effect.
    future_annotations: bool,
}

impl<'a> LineTableEmulator<'a> {
    pub fn new(index: &'a LineIndex, version: PythonVersion) -> Self {
        Self { index, version, lines: BTreeSet::new(), loops: Vec::new(), future_annotations: false }
    }

    /// The lines of the module's code and all code nested in it.
    pub fn module_lines(mut self, body: &[Stmt]) -> BTreeSet<u32> {
        self.future_annotations = body.iter().any(|s| match s {
            Stmt::ImportFrom(i) => {
                i.module.as_deref() == Some("__future__") && i.names.iter().any(|a| a.name.as_str() == "annotations")
            }
            _ => false,
        });
        self.block(body, Scope::Module);
        self.lines
    }

    fn line(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.start().to_u32())
    }

    fn emit(&mut self, node: &impl Ranged) {
        let line = self.line(node);
        self.lines.insert(line);
    }

    /// Compile a block; returns whether control can fall off its end.
    fn block(&mut self, body: &[Stmt], scope: Scope) -> bool {
        for stmt in body {
            if !self.stmt(stmt, scope) {
                // The rest of the block is dead: the compiler drops it.
                return false;
            }
        }
        true
    }

    /// Compile one reachable statement; returns whether it can fall through.
    fn stmt(&mut self, stmt: &Stmt, scope: Scope) -> bool {
        match stmt {
            Stmt::Global(_) | Stmt::Nonlocal(_) => true,
            Stmt::Return(_) | Stmt::Raise(_) => {
                self.emit(stmt);
                false
            }
            Stmt::Continue(_) => {
                self.emit(stmt);
                false
            }
            Stmt::Break(_) => {
                self.emit(stmt);
                if let Some(exits) = self.loops.last_mut() {
                    *exits = true;
                }
                false
            }
            Stmt::AnnAssign(ann) => {
                if self.annotation_emits_code(ann, scope) {
                    self.emit(stmt);
                }
                true
            }
            Stmt::Assert(a) => {
                self.emit(stmt);
                // `assert False` always raises: what follows is dead.
                test_outcomes(&a.test).can_be_true
            }
            Stmt::Delete(d) => {
                if !d.targets.iter().all(is_empty_sequence) {
                    self.emit(stmt);
                }
                true
            }
            Stmt::FunctionDef(def) => {
                self.decorated(&def.decorator_list, &def.name);
                self.function_body(&def.decorator_list, &def.name, &def.body, Scope::Function);
                true
            }
            Stmt::ClassDef(class) => {
                self.decorated(&class.decorator_list, &class.name);
                self.function_body(&class.decorator_list, &class.name, &class.body, Scope::Class);
                true
            }
            Stmt::If(if_stmt) => self.if_chain(stmt, if_stmt.test.as_ref(), &if_stmt.body, &if_stmt.elif_else_clauses, scope),
            Stmt::While(w) => self.while_loop(stmt, &w.test, &w.body, &w.orelse, scope),
            Stmt::For(f) => {
                self.emit(stmt);
                self.loops.push(false);
                self.block(&f.body, scope);
                let broke = self.loops.pop().unwrap_or(false);
                self.block(&f.orelse, scope) || broke
            }
            Stmt::With(w) => {
                self.emit(stmt);
                self.block(&w.body, scope);
                // __exit__ may swallow an exception: the code after is live.
                true
            }
            Stmt::Try(t) => self.try_stmt(stmt, t, scope),
            Stmt::Match(m) => self.match_stmt(stmt, m, scope),
            _ => {
                self.emit(stmt);
                true
            }
        }
    }

    /// Whether an annotated assignment compiles to any instruction: values
    /// always do; annotations are stored only for simple names in modules and
    /// classes, evaluated for complex targets there (unless postponed by
    /// `from __future__ import annotations`), and attribute or subscript
    /// targets have their object evaluated.
    fn annotation_emits_code(&self, ann: &ruff_python_ast::StmtAnnAssign, scope: Scope) -> bool {
        if ann.value.is_some() {
            return true;
        }
        let outer = scope != Scope::Function;
        match ann.target.as_ref() {
            Expr::Name(_) if ann.simple => outer,
            Expr::Attribute(_) | Expr::Subscript(_) => true,
            _ => outer && !self.future_annotations,
        }
    }

    /// Decorator lines and the `def`/`class` line, in the enclosing code.
    fn decorated(&mut self, decorators: &[ruff_python_ast::Decorator], name: &impl Ranged) {
        for decorator in decorators {
            self.emit(&decorator.expression);
        }
        self.emit(name);
    }

    /// The nested code object: it starts at the first decorator (co_firstlineno).
    fn function_body(
        &mut self,
        decorators: &[ruff_python_ast::Decorator],
        name: &impl Ranged,
        body: &[Stmt],
        scope: Scope,
    ) {
        match decorators.first() {
            Some(first) => self.emit(&first.expression),
            None => self.emit(name),
        }
        let saved = std::mem::take(&mut self.loops);
        self.block(body, scope);
        self.loops = saved;
    }

    fn if_chain(
        &mut self,
        header: &impl Ranged,
        test: &Expr,
        body: &[Stmt],
        clauses: &[ruff_python_ast::ElifElseClause],
        scope: Scope,
    ) -> bool {
        self.emit(header);
        let outcomes = test_outcomes(test);
        let body_falls = outcomes.can_be_true && self.block(body, scope);
        let else_falls = outcomes.can_be_false
            && match clauses.split_first() {
                None => true,
                Some((clause, rest)) => match &clause.test {
                    Some(elif_test) => self.if_chain(elif_test, elif_test, &clause.body, rest, scope),
                    None => self.block(&clause.body, scope),
                },
            };
        body_falls || else_falls
    }

    fn while_loop(&mut self, stmt: &Stmt, test: &Expr, body: &[Stmt], orelse: &[Stmt], scope: Scope) -> bool {
        self.emit(stmt);
        let outcomes = test_outcomes(test);
        self.loops.push(false);
        if outcomes.can_be_true {
            self.block(body, scope);
        }
        let broke = self.loops.pop().unwrap_or(false);
        // The else clause runs when the test fails; a break skips it.
        let else_falls = outcomes.can_be_false && self.block(orelse, scope);
        else_falls || broke
    }

    fn try_stmt(&mut self, stmt: &Stmt, t: &ruff_python_ast::StmtTry, scope: Scope) -> bool {
        self.emit(stmt);
        let body_falls = self.block(&t.body, scope);
        let body_falls = self.block_if(body_falls, &t.orelse, scope);
        let mut falls = body_falls;
        for handler in &t.handlers {
            let ExceptHandler::ExceptHandler(h) = handler;
            self.emit(h);
            falls |= self.block(&h.body, scope);
        }
        if t.finalbody.is_empty() {
            falls
        } else {
            let final_falls = self.block(&t.finalbody, scope);
            falls && final_falls
        }
    }

    fn block_if(&mut self, reachable: bool, body: &[Stmt], scope: Scope) -> bool {
        if reachable { self.block(body, scope) } else { false }
    }

    fn match_stmt(&mut self, stmt: &Stmt, m: &ruff_python_ast::StmtMatch, scope: Scope) -> bool {
        self.emit(stmt);
        let mut falls = false;
        let mut exhaustive = false;
        for case in &m.cases {
            self.emit(&case.pattern);
            let mut live = true;
            if let Some(guard) = &case.guard {
                self.emit(guard.as_ref());
                live = test_outcomes(guard).can_be_true;
            }
            if live {
                falls |= self.block(&case.body, scope);
            }
            if case.guard.is_none() && is_irrefutable(&case.pattern) {
                exhaustive = true;
            }
        }
        falls || !exhaustive
    }
}

/// `del ()` and `del []` compile to nothing.
fn is_empty_sequence(target: &Expr) -> bool {
    match target {
        Expr::Tuple(t) => t.elts.iter().all(is_empty_sequence),
        Expr::List(l) => l.elts.iter().all(is_empty_sequence),
        _ => false,
    }
}

/// A pattern that always matches: `_`, a bare capture, or an or-pattern
/// with such an alternative.
pub fn is_irrefutable(pattern: &Pattern) -> bool {
    match pattern {
        Pattern::MatchAs(p) => p.pattern.as_deref().is_none_or(is_irrefutable),
        Pattern::MatchOr(p) => p.patterns.iter().any(is_irrefutable),
        _ => false,
    }
}
