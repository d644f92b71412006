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

use crate::constants::constant_truth;
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
}

impl<'a> LineTableEmulator<'a> {
    pub fn new(index: &'a LineIndex, version: PythonVersion) -> Self {
        Self { index, version, lines: BTreeSet::new(), loops: Vec::new() }
    }

    /// The lines of the module's code and all code nested in it.
    pub fn module_lines(mut self, body: &[Stmt]) -> BTreeSet<u32> {
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
                if ann.value.is_some() || scope != Scope::Function || !ann.simple {
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
            Stmt::If(if_stmt) => self.if_chain(stmt, &if_stmt.test, &if_stmt.body, &if_stmt.elif_else_clauses, scope),
            Stmt::While(w) => self.while_loop(stmt, &w.test, &w.body, &w.orelse, scope),
            Stmt::For(f) => {
                self.emit(stmt);
                self.loops.push(false);
                self.block(&f.body, scope);
                self.loops.pop();
                self.block(&f.orelse, scope)
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
        stmt: &Stmt,
        test: &Expr,
        body: &[Stmt],
        clauses: &[ruff_python_ast::ElifElseClause],
        scope: Scope,
    ) -> bool {
        self.emit(stmt);
        let truth = constant_truth(test);
        let body_falls = if truth == Some(false) { false } else { self.block(body, scope) };
        if truth == Some(true) {
            return body_falls;
        }
        match clauses.split_first() {
            None => true,
            Some((clause, rest)) => {
                let else_falls = match &clause.test {
                    Some(elif_test) => self.if_chain_clause(clause, elif_test, rest, scope),
                    None => self.block(&clause.body, scope),
                };
                body_falls || else_falls
            }
        }
    }

    fn if_chain_clause(
        &mut self,
        clause: &ruff_python_ast::ElifElseClause,
        test: &Expr,
        rest: &[ruff_python_ast::ElifElseClause],
        scope: Scope,
    ) -> bool {
        self.emit(clause.test.as_ref().unwrap_or(test));
        let truth = constant_truth(test);
        let body_falls = if truth == Some(false) { false } else { self.block(&clause.body, scope) };
        if truth == Some(true) {
            return body_falls;
        }
        match rest.split_first() {
            None => true,
            Some((next, more)) => {
                let else_falls = match &next.test {
                    Some(t) => self.if_chain_clause(next, t, more, scope),
                    None => self.block(&next.body, scope),
                };
                body_falls || else_falls
            }
        }
    }

    fn while_loop(&mut self, stmt: &Stmt, test: &Expr, body: &[Stmt], orelse: &[Stmt], scope: Scope) -> bool {
        self.emit(stmt);
        let truth = constant_truth(test);
        self.loops.push(false);
        if truth != Some(false) {
            self.block(body, scope);
        }
        let broke = self.loops.pop().unwrap_or(false);
        if truth == Some(true) {
            // Only a break leaves `while True`; its else clause is dead.
            return broke;
        }
        self.block(orelse, scope) || broke
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
            if let Some(guard) = &case.guard {
                self.emit(guard.as_ref());
            }
            falls |= self.block(&case.body, scope);
            if case.guard.is_none() && is_irrefutable(&case.pattern) {
                exhaustive = true;
            }
        }
        falls || !exhaustive
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
