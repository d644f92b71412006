//! Which source lines CPython's compiler puts into line tables.
//!
//! coverage.py's raw statements are every line in `co_lines()` of the module
//! and all nested code objects. We walk the AST the way the compiler does and
//! record the lines of the statements it keeps: unreachable code is dropped,
//! constant tests are folded, and some statements (global, nonlocal,
//! annotations in functions) produce no bytecode at all.

use std::collections::BTreeSet;

use ruff_python_ast::visitor::Visitor;
use ruff_python_ast::{ExceptHandler, Expr, Pattern, Stmt};
use ruff_text_size::Ranged;

use crate::const_table::{value, CodeObjectNode, ConstLister, ConstTable};
use crate::constants::test_outcomes;
use crate::first_constant::{first_constant, header_constant, pattern_has_constant, FirstConstant};
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
pub struct LineTableEmulator<'a, 's> {
    index: &'a LineIndex,
    version: PythonVersion,
    lines: BTreeSet<u32>,
    /// One entry per enclosing loop: whether a reachable `break` exits it.
    loops: Vec<bool>,
    /// `from __future__ import annotations` is in effect.
    future_annotations: bool,
    /// The module's code object has a constant already.
    module_has_constant: bool,
    /// 3.11 only: the constant tables of the code objects being compiled.
    const_tables: Vec<ConstTable<'s>>,
    /// `with` statements around the current code, in its code object.
    with_depth: usize,
}

impl<'a, 's> LineTableEmulator<'a, 's> {
    pub fn new(index: &'a LineIndex, version: PythonVersion) -> Self {
        Self {
            index,
            version,
            lines: BTreeSet::new(),
            loops: Vec::new(),
            future_annotations: false,
            module_has_constant: false,
            const_tables: Vec::new(),
            with_depth: 0,
        }
    }

    /// The lines of the module's code and all code nested in it.
    pub fn module_lines(mut self, body: &'s [Stmt]) -> BTreeSet<u32> {
        self.future_annotations = body.iter().any(|s| match s {
            Stmt::ImportFrom(i) => {
                i.module.as_deref() == Some("__future__") && i.names.iter().any(|a| a.name.as_str() == "annotations")
            }
            _ => false,
        });
        self.setup_annotations(body);
        // A module docstring is constant 0.
        self.module_has_constant = matches!(body.first(), Some(Stmt::Expr(e)) if e.value.is_string_literal_expr());
        self.begin_code(docstring(body).map(|d| format!("s:{d}")));
        let falls = self.block(body, Scope::Module);
        // The implicit `return None` at the end.
        self.add_const("N", falls);
        self.end_code();
        self.lines
    }

    /// 3.11 keeps the constant tables: does this version need them?
    fn tracks_constants(&self) -> bool {
        self.version.is(3, 11)
    }

    fn begin_code(&mut self, first: Option<String>) {
        if self.tracks_constants() {
            let mut table = ConstTable::default();
            if let Some(first) = first {
                table.add(vec![value(first)], true);
            }
            self.const_tables.push(table);
        }
    }

    /// Finish a code object: dead code objects that survived the trailing
    /// trim of its constants are compiled, and their lines count.
    fn end_code(&mut self) {
        if !self.tracks_constants() {
            return;
        }
        let Some(table) = self.const_tables.pop() else { return };
        for code in table.surviving_dead_code() {
            match code {
                CodeObjectNode::Definition(Stmt::FunctionDef(def)) => {
                    self.function_body(&def.decorator_list, &def.name, &def.body, Scope::Function);
                }
                CodeObjectNode::Definition(Stmt::ClassDef(class)) => {
                    self.function_body(&class.decorator_list, &class.name, &class.body, Scope::Class);
                }
                CodeObjectNode::Definition(_) => {}
                CodeObjectNode::Expression(expr) => self.emit(expr),
            }
        }
    }

    fn add_const(&mut self, key: &str, live: bool) {
        if let Some(table) = self.const_tables.last_mut() {
            table.add(vec![value(key)], live);
        }
    }

    fn lister(&self) -> ConstLister<'s> {
        let mut lister = ConstLister::new(self.future_annotations);
        lister.with_depth = self.with_depth;
        lister
    }

    /// The constants of a live statement's own code (not its bodies).
    fn live_consts(&mut self, stmt: &'s Stmt, scope: Scope) {
        if !self.tracks_constants() || matches!(stmt, Stmt::If(_) | Stmt::While(_)) {
            return;
        }
        if let Stmt::Assert(a) = stmt {
            let outcomes = test_outcomes(&a.test, self.version);
            self.test_consts(&a.test, !(outcomes.can_be_true && outcomes.can_be_false));
        }
        let mut lister = self.lister();
        lister.skip_assert_test = true;
        lister.own(stmt, scope != Scope::Function);
        self.add_listed(lister, true);
    }

    fn add_listed(&mut self, lister: ConstLister<'s>, live: bool) {
        if let Some(table) = self.const_tables.last_mut() {
            if lister.tail && live {
                table.mark_tail_live();
            }
            table.add(lister.out, live);
        }
    }

    /// The constants of a test: folded tests leave theirs unused.
    fn test_consts(&mut self, test: &'s Expr, folded: bool) {
        if !self.tracks_constants() {
            return;
        }
        let mut lister = self.lister();
        lister.visit_expr(test);
        if let Some(table) = self.const_tables.last_mut() {
            table.add(lister.out, !folded);
        }
    }

    /// The constants of dead code: added, but loaded by nothing that survives.
    fn dead_consts(&mut self, body: &'s [Stmt], scope: Scope) {
        if !self.tracks_constants() || body.is_empty() {
            return;
        }
        let mut lister = self.lister();
        lister.all_of(body, scope != Scope::Function);
        if let Some(table) = self.const_tables.last_mut() {
            table.add(lister.out, false);
        }
    }

    /// A module holding annotations starts with SETUP_ANNOTATIONS, located
    /// at its first statement (a class body's is at the class line).
    fn setup_annotations(&mut self, body: &'s [Stmt]) {
        if let Some(first) = body.first() {
            if has_annotations(body) {
                self.emit(first);
            }
        }
    }

    fn line(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.start().to_u32())
    }

    fn emit(&mut self, node: &impl Ranged) {
        let line = self.line(node);
        self.lines.insert(line);
    }

    /// Compile a block; returns whether control can fall off its end.
    fn block(&mut self, body: &'s [Stmt], scope: Scope) -> bool {
        for (i, stmt) in body.iter().enumerate() {
            if scope == Scope::Module && header_constant(stmt, self.version).is_some() {
                self.module_has_constant = true;
            }
            self.live_consts(stmt, scope);
            let falls = self.stmt(stmt, scope);
            if scope == Scope::Module && first_constant(std::slice::from_ref(stmt), self.version).is_some() {
                self.module_has_constant = true;
            }
            if !falls {
                // The rest of the block is dead: the compiler drops it,
                // code objects and all (but see `dead_first_constant`).
                self.dead_first_constant(&body[i + 1..], scope);
                self.dead_consts(&body[i + 1..], scope);
                return false;
            }
        }
        true
    }

    /// Dead module code whose first constant is also the module's first:
    /// constant 0 is always kept, so a code object there keeps its lines.
    fn dead_first_constant(&mut self, body: &'s [Stmt], scope: Scope) {
        // 3.11 keeps more than the first constant: see `end_code`.
        if scope != Scope::Module || self.module_has_constant || self.tracks_constants() {
            return;
        }
        match first_constant(body, self.version) {
            Some(FirstConstant::Definition(Stmt::FunctionDef(def))) => {
                self.function_body(&def.decorator_list, &def.name, &def.body, Scope::Function);
            }
            Some(FirstConstant::Definition(Stmt::ClassDef(class))) => {
                self.function_body(&class.decorator_list, &class.name, &class.body, Scope::Class);
            }
            Some(FirstConstant::Expression(expr)) => self.emit(expr),
            Some(FirstConstant::Definition(_) | FirstConstant::Value) | None => {}
        }
        if first_constant(body, self.version).is_some() {
            self.module_has_constant = true;
        }
    }

    /// Code the compiler drops as unreachable. Its constants still enter
    /// the table, which decides whether code objects inside it survive.
    fn dead(&mut self, body: &'s [Stmt], scope: Scope) {
        self.dead_first_constant(body, scope);
        self.dead_consts(body, scope);
    }

    /// Compile one reachable statement; returns whether it can fall through.
    fn stmt(&mut self, stmt: &'s Stmt, scope: Scope) -> bool {
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
                test_outcomes(&a.test, self.version).can_be_true
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
            Stmt::If(if_stmt) => {
                self.if_chain(stmt, if_stmt.test.as_ref(), &if_stmt.body, &if_stmt.elif_else_clauses, scope)
            }
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
                self.with_depth += 1;
                let body_falls = self.block(&w.body, scope);
                self.with_depth -= 1;
                // The normal exit calls __exit__(None, None, None).
                self.add_const("N", body_falls);
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
    fn decorated(&mut self, decorators: &'s [ruff_python_ast::Decorator], name: &impl Ranged) {
        for decorator in decorators {
            self.emit(&decorator.expression);
        }
        self.emit(name);
    }

    /// The nested code object: it starts at the first decorator (co_firstlineno).
    fn function_body(
        &mut self,
        decorators: &'s [ruff_python_ast::Decorator],
        name: &impl Ranged,
        body: &'s [Stmt],
        scope: Scope,
    ) {
        match decorators.first() {
            Some(first) => self.emit(&first.expression),
            None => self.emit(name),
        }
        let saved = std::mem::take(&mut self.loops);
        let saved_with = std::mem::take(&mut self.with_depth);
        // Constant 0 of a function is its docstring or None; a class body
        // starts with its __qualname__, then its docstring.
        let doc = docstring(body).map(|d| format!("s:{d}"));
        match scope {
            Scope::Class => {
                // The qualname string; only its position matters here.
                let qualname = format!("qualname@{}", self.line(name));
                self.begin_code(Some(qualname));
                if let Some(doc) = &doc {
                    self.add_const(doc, true);
                }
            }
            _ => self.begin_code(Some(doc.clone().unwrap_or_else(|| "N".into()))),
        }
        // A function's docstring is only its constant 0: no code, no line.
        let code = match (scope, body.split_first()) {
            (Scope::Function, Some((first, rest))) if doc.is_some() => {
                self.live_consts(first, scope);
                rest
            }
            _ => body,
        };
        let falls = self.block(code, scope);
        // The implicit `return None` at the end.
        self.add_const("N", falls);
        self.end_code();
        self.loops = saved;
        self.with_depth = saved_with;
    }

    fn if_chain(
        &mut self,
        header: &impl Ranged,
        test: &'s Expr,
        body: &'s [Stmt],
        clauses: &'s [ruff_python_ast::ElifElseClause],
        scope: Scope,
    ) -> bool {
        self.emit(header);
        let outcomes = test_outcomes(test, self.version);
        self.test_consts(test, !(outcomes.can_be_true && outcomes.can_be_false));
        let body_falls = if outcomes.can_be_true {
            self.block(body, scope)
        } else {
            self.dead(body, scope);
            false
        };
        let else_falls = if outcomes.can_be_false {
            match clauses.split_first() {
                None => true,
                Some((clause, rest)) => match &clause.test {
                    Some(elif_test) => self.if_chain(elif_test, elif_test, &clause.body, rest, scope),
                    None => self.block(&clause.body, scope),
                },
            }
        } else {
            for clause in clauses {
                if let Some(t) = &clause.test {
                    self.test_consts(t, true);
                }
                self.dead(&clause.body, scope);
            }
            false
        };
        body_falls || else_falls
    }

    fn while_loop(
        &mut self,
        stmt: &'s Stmt,
        test: &'s Expr,
        body: &'s [Stmt],
        orelse: &'s [Stmt],
        scope: Scope,
    ) -> bool {
        self.emit(stmt);
        let outcomes = test_outcomes(test, self.version);
        self.test_consts(test, !(outcomes.can_be_true && outcomes.can_be_false));
        self.loops.push(false);
        if outcomes.can_be_true {
            self.block(body, scope);
        } else {
            self.dead(body, scope);
        }
        let broke = self.loops.pop().unwrap_or(false);
        // The else clause runs when the test fails; a break skips it.
        let else_falls = if outcomes.can_be_false {
            self.block(orelse, scope)
        } else {
            self.dead(orelse, scope);
            false
        };
        else_falls || broke
    }

    fn try_stmt(&mut self, stmt: &'s Stmt, t: &'s ruff_python_ast::StmtTry, scope: Scope) -> bool {
        self.emit(stmt);
        // A break inside only leaves the loop if the finally body completes.
        let broke_before = self.loops.last().copied();
        let body_falls = self.block(&t.body, scope);
        let body_falls = self.block_if(body_falls, &t.orelse, scope);
        let mut falls = body_falls;
        for handler in &t.handlers {
            let ExceptHandler::ExceptHandler(h) = handler;
            self.emit(h);
            if let Some(ty) = &h.type_ {
                self.test_consts(ty, false);
            }
            falls |= self.block(&h.body, scope);
            if h.name.is_some() {
                // `except E as e` ends by setting e = None.
                self.add_const("N", true);
            }
        }
        if t.finalbody.is_empty() {
            falls
        } else {
            // Breaks in the body and handlers go through the finally body.
            let broke_inside = self.loops.last().copied();
            if let (Some(flag), Some(before)) = (self.loops.last_mut(), broke_before) {
                *flag = before;
            }
            let final_falls = self.block(&t.finalbody, scope);
            if final_falls {
                if let (Some(flag), Some(inside)) = (self.loops.last_mut(), broke_inside) {
                    *flag |= inside;
                }
            }
            if self.version.is(3, 11) {
                // 3.11 ends the exceptional copy of the finally body with a
                // RERAISE located at the last statement it visited, even
                // when that statement is dead code after a return.
                if let Some(last) = reraise_location(&t.finalbody) {
                    self.emit(last);
                }
            }
            falls && final_falls
        }
    }

    fn pattern_consts(&mut self, pattern: &'s Pattern, live: bool) {
        if !self.tracks_constants() {
            return;
        }
        let mut lister = self.lister();
        lister.pattern(pattern);
        self.add_listed(lister, live);
    }

    fn block_if(&mut self, reachable: bool, body: &'s [Stmt], scope: Scope) -> bool {
        if reachable {
            self.block(body, scope)
        } else {
            self.dead(body, scope);
            false
        }
    }

    fn match_stmt(&mut self, stmt: &'s Stmt, m: &'s ruff_python_ast::StmtMatch, scope: Scope) -> bool {
        self.emit(stmt);
        let mut falls = false;
        let mut exhaustive = false;
        for (i, case) in m.cases.iter().enumerate() {
            self.emit(&case.pattern);
            self.pattern_consts(&case.pattern, true);
            if scope == Scope::Module && pattern_has_constant(&case.pattern) {
                self.module_has_constant = true;
            }
            let guard = case.guard.as_deref().map(|g| {
                self.emit(g);
                let outcomes = test_outcomes(g, self.version);
                self.test_consts(g, !(outcomes.can_be_true && outcomes.can_be_false));
                outcomes
            });
            if guard.is_none_or(|g| g.can_be_true) {
                falls |= self.block(&case.body, scope);
            } else {
                self.dead(&case.body, scope);
            }
            if is_irrefutable(&case.pattern) && guard.is_none_or(|g| !g.can_be_false) {
                // Nothing gets past this case: later cases are dead.
                for later in &m.cases[i + 1..] {
                    self.pattern_consts(&later.pattern, false);
                    if let Some(g) = &later.guard {
                        self.test_consts(g, true);
                    }
                    self.dead(&later.body, scope);
                }
                exhaustive = true;
                break;
            }
        }
        falls || !exhaustive
    }
}

/// The text of a body's docstring, if it has one.
fn docstring(body: &[Stmt]) -> Option<String> {
    match body.first() {
        Some(Stmt::Expr(e)) => match e.value.as_ref() {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// CPython's `find_ann`: an annotated assignment in this block or the
/// blocks of its compound statements (not in nested scopes).
fn has_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::AnnAssign(_) => true,
        Stmt::For(s) => has_annotations(&s.body) || has_annotations(&s.orelse),
        Stmt::While(s) => has_annotations(&s.body) || has_annotations(&s.orelse),
        Stmt::If(s) => has_annotations(&s.body) || s.elif_else_clauses.iter().any(|c| has_annotations(&c.body)),
        Stmt::With(s) => has_annotations(&s.body),
        Stmt::Try(s) => {
            s.handlers.iter().any(|ExceptHandler::ExceptHandler(h)| has_annotations(&h.body))
                || has_annotations(&s.body)
                || has_annotations(&s.orelse)
                || has_annotations(&s.finalbody)
        }
        Stmt::Match(s) => s.cases.iter().any(|c| has_annotations(&c.body)),
        _ => false,
    })
}

/// Where 3.11's RERAISE at the end of a finally body is located: the last
/// statement the compiler visited, descending into compound statements
/// compiled inline. `for`, `with` and `match` end by resetting the
/// location (None: the RERAISE adds no line of its own).
fn reraise_location(body: &[Stmt]) -> Option<&Stmt> {
    let last = body.last()?;
    match last {
        Stmt::If(s) => match s.elif_else_clauses.last() {
            Some(clause) => reraise_location(&clause.body),
            None => reraise_location(&s.body),
        },
        Stmt::For(s) => reraise_location(&s.orelse),
        // A while loop re-locates at its header to test again.
        Stmt::While(s) if s.orelse.is_empty() => Some(last),
        Stmt::While(s) => reraise_location(&s.orelse),
        Stmt::With(_) | Stmt::Match(_) => None,
        Stmt::Try(s) if !s.finalbody.is_empty() => reraise_location(&s.finalbody),
        Stmt::Try(s) => match s.handlers.last() {
            Some(ExceptHandler::ExceptHandler(h)) => reraise_location(&h.body),
            None => reraise_location(&s.orelse).or_else(|| reraise_location(&s.body)),
        },
        // (Measured: an expression statement leaves no trace there.)
        Stmt::Expr(_) => None,
        _ => Some(last),
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
