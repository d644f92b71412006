//! The walk that finds possible arcs: each code object's body, statement by
//! statement, each statement handing its exits to the next one.

use std::collections::{BTreeSet, HashMap, HashSet};

use ruff_python_ast::{ElifElseClause, ExceptHandler, Expr, ModModule, Stmt, StmtFor, StmtTry, StmtWith};

use super::blocks::{python_repr, ArcStart, Block, Exits, Jump};
use super::facts::{Arc, ArcFacts, Fragment};
use super::node_lines::{constant_test, NodeLines};
use super::with_jumps::WithJumps;
use crate::line_index::LineIndex;
use crate::structure::coverage_irrefutable;

const NEVER_TRUE: &str = "the condition on line {lineno} was never true";
const ALWAYS_TRUE: &str = "the condition on line {lineno} was always true";
const NEVER_STARTED: &str = "the loop on line {lineno} never started";
const DIDNT_COMPLETE: &str = "the loop on line {lineno} didn't complete";
const ALWAYS_MATCHED: &str = "the pattern on line {lineno} always matched";
const NEVER_MATCHED: &str = "the pattern on line {lineno} never matched";
const NOT_CAUGHT: &str = "the exception caught by line {lineno} didn't happen";

/// Analyze the arcs of `module`, whose compiled lines are `raw_statements`.
/// `exit_with_through_ctxmgr`: leaving a `with` jumps back to its context
/// managers' lines (CPython 3.12.6+).
pub(crate) fn analyze_arcs(
    module: &ModModule,
    index: &LineIndex,
    multiline: &HashMap<u32, u32>,
    raw_statements: &BTreeSet<u32>,
    exit_with_through_ctxmgr: bool,
) -> ArcFacts {
    let lines = NodeLines { index, multiline };
    let statements = raw_statements.iter().map(|&l| lines.first(l)).collect();
    let mut analyzer = ArcAnalyzer {
        lines,
        statements,
        exit_with_through_ctxmgr,
        arcs: BTreeSet::new(),
        fragments: HashMap::new(),
        blocks: Vec::new(),
        with: WithJumps::default(),
    };
    analyzer.module(module);
    analyzer.finish()
}

struct ArcAnalyzer<'a> {
    lines: NodeLines<'a>,
    statements: HashSet<i32>,
    exit_with_through_ctxmgr: bool,
    arcs: BTreeSet<Arc>,
    fragments: HashMap<Arc, Vec<Fragment>>,
    blocks: Vec<Block>,
    with: WithJumps,
}

impl ArcAnalyzer<'_> {
    fn finish(self) -> ArcFacts {
        let with_fixers = self.with.fixers(&self.arcs);
        let lines = &self.lines;
        let fixed = self.arcs.iter().filter_map(|arc| with_fixers.get(arc).copied().unwrap_or(Some(*arc)));
        let first = |l: i32| if l < 0 { -lines.first(l.unsigned_abs()) } else { lines.first(l as u32) };
        let possible = fixed.map(|(a, b)| (first(a), first(b))).filter(|(a, b)| a != b).collect();
        ArcFacts { possible, with_fixers, fragments: self.fragments }
    }

    fn add_arc(&mut self, from: i32, to: i32, cause: Option<&'static str>, action: Option<String>) {
        self.arcs.insert((from, to));
        self.with.note_arc(from, to);
        if cause.is_some() || action.is_some() {
            self.fragments.entry((from, to)).or_default().push(Fragment { cause, action });
        }
    }

    // Code objects: the module, then every function and class in it.

    fn module(&mut self, module: &ModModule) {
        let start = self.lines.first(1);
        if module.body.is_empty() {
            self.add_arc(start, -start, None, None);
        } else {
            let exits = self.process_body(&module.body, Exits::new());
            for x in exits {
                self.add_arc(x.line, -start, Some(x.cause), Some("exit the module".into()));
            }
        }
        self.code_objects_in(&module.body);
    }

    fn code_objects_in(&mut self, body: &[Stmt]) {
        for stmt in body {
            match stmt {
                Stmt::FunctionDef(def) => self.function(stmt, def.name.as_str(), &def.body),
                Stmt::ClassDef(class) => self.class(stmt, class.name.as_str(), &class.body),
                _ => {}
            }
            for suite in child_suites(stmt) {
                self.code_objects_in(suite);
            }
        }
    }

    fn function(&mut self, stmt: &Stmt, name: &str, body: &[Stmt]) {
        let start = self.lines.stmt(stmt);
        self.blocks.push(Block::Function { start, name: name.to_string() });
        let exits = self.process_body(body, Exits::new());
        self.jump(Jump::Return, &exits);
        self.blocks.pop();
    }

    fn class(&mut self, stmt: &Stmt, name: &str, body: &[Stmt]) {
        let start = self.lines.stmt(stmt);
        let exits = self.process_body(body, Exits::new());
        let action = format!("exit class {}", python_repr(name));
        for x in exits {
            self.add_arc(x.line, -start, Some(x.cause), Some(action.clone()));
        }
    }

    // Suites and jumps.

    /// Arcs through `body` entered from `prev`; returns the body's exits.
    fn process_body(&mut self, body: &[Stmt], mut prev: Exits) -> Exits {
        for stmt in body {
            let line = self.lines.stmt(stmt);
            if !self.statements.contains(&line) {
                continue;
            }
            for start in &prev {
                self.add_arc(start.line, line, Some(start.cause), None);
            }
            prev = self.node_exits(stmt);
        }
        prev
    }

    fn from(start: ArcStart) -> Exits {
        Exits::from([start])
    }

    /// Send `exits` jumping as `jump` to the nearest block that takes them.
    fn jump(&mut self, jump: Jump, exits: &Exits) {
        let taken = self.blocks.iter_mut().rev().find_map(|block| block.take(jump, exits));
        for (from, to, cause, action) in taken.unwrap_or_default() {
            self.add_arc(from, to, Some(cause), action);
        }
    }

    fn jump_from(&mut self, stmt: &Stmt, jump: Jump, cause: &'static str) -> Exits {
        let here = self.lines.stmt(stmt);
        self.jump(jump, &Self::from(ArcStart::because(here, cause)));
        Exits::new()
    }

    // Statements.

    fn node_exits(&mut self, stmt: &Stmt) -> Exits {
        match stmt {
            Stmt::Break(_) => self.jump_from(stmt, Jump::Break, "the break on line {lineno} wasn't executed"),
            Stmt::Continue(_) => self.jump_from(stmt, Jump::Continue, "the continue on line {lineno} wasn't executed"),
            Stmt::Raise(_) => self.jump_from(stmt, Jump::Raise, "the raise on line {lineno} wasn't executed"),
            Stmt::Return(_) => self.jump_from(stmt, Jump::Return, "the return on line {lineno} wasn't executed"),
            Stmt::FunctionDef(def) => self.decorated(stmt, def.decorator_list.iter().map(|d| &d.expression)),
            Stmt::ClassDef(class) => self.decorated(stmt, class.decorator_list.iter().map(|d| &d.expression)),
            Stmt::For(node) => self.for_loop(node),
            Stmt::While(node) => self.while_loop(&node.test, &node.body, &node.orelse),
            Stmt::If(node) => self.if_chain(&node.test, &node.body, &node.elif_else_clauses),
            Stmt::Match(node) => self.match_cases(stmt, &node.cases),
            Stmt::Try(node) => self.try_statement(stmt, node),
            Stmt::With(node) => self.with_statement(stmt, node),
            _ => Self::from(ArcStart::plain(self.lines.stmt(stmt))),
        }
    }

    /// Decorators run top to bottom, then the definition line; the body is
    /// its own code object.
    fn decorated<'e>(&mut self, stmt: &Stmt, decorators: impl Iterator<Item = &'e Expr>) -> Exits {
        let main_line = self.lines.def_line(stmt) as i32;
        let mut last: Option<i32> = None;
        for decorator in decorators {
            let start = self.lines.expr(decorator);
            if let Some(prev) = last.filter(|&prev| prev != start) {
                self.add_arc(prev, start, None, None);
            }
            last = Some(start);
        }
        if let Some(last) = last {
            self.add_arc(last, main_line, None, None);
        }
        Self::from(ArcStart::plain(main_line))
    }

    fn for_loop(&mut self, node: &StmtFor) -> Exits {
        let start = self.lines.expr(&node.iter);
        self.blocks.push(Block::Loop { start, break_exits: Exits::new() });
        let exits = self.process_body(&node.body, Self::from(ArcStart::because(start, NEVER_STARTED)));
        for x in exits {
            self.add_arc(x.line, start, Some(x.cause), None);
        }
        let mut exits = self.pop_loop();
        let from_start = ArcStart::because(start, DIDNT_COMPLETE);
        if node.orelse.is_empty() {
            exits.insert(from_start);
        } else {
            exits.extend(self.process_body(&node.orelse, Self::from(from_start)));
        }
        exits
    }

    fn while_loop(&mut self, test: &Expr, body: &[Stmt], orelse: &[Stmt]) -> Exits {
        let start = self.lines.expr(test);
        let (constant, _) = constant_test(test);
        self.blocks.push(Block::Loop { start, break_exits: Exits::new() });
        let exits = self.process_body(body, Self::from(ArcStart::because(start, NEVER_TRUE)));
        for x in exits {
            self.add_arc(x.line, start, Some(x.cause), None);
        }
        let mut exits = self.pop_loop();
        let from_start = ArcStart::because(start, ALWAYS_TRUE);
        if !orelse.is_empty() {
            exits.extend(self.process_body(orelse, Self::from(from_start)));
        } else if !constant {
            exits.insert(from_start);
        }
        exits
    }

    /// The breaks out of the loop block on top of the stack.
    fn pop_loop(&mut self) -> Exits {
        match self.blocks.pop() {
            Some(Block::Loop { break_exits, .. }) => break_exits,
            _ => Exits::new(),
        }
    }

    /// `if`, with its `elif`s and `else` (the AST nests each `elif` as an
    /// `if` in the `else` of the one before).
    fn if_chain(&mut self, test: &Expr, body: &[Stmt], clauses: &[ElifElseClause]) -> Exits {
        let start = self.lines.expr(test);
        let (constant, value) = constant_test(test);
        let mut exits = Exits::new();
        if !constant || value {
            exits.extend(self.process_body(body, Self::from(ArcStart::because(start, NEVER_TRUE))));
        }
        if !constant || !value {
            let from_start = ArcStart::because(start, ALWAYS_TRUE);
            exits.extend(self.or_else(clauses, from_start));
        }
        exits
    }

    fn or_else(&mut self, clauses: &[ElifElseClause], from_start: ArcStart) -> Exits {
        let Some((clause, rest)) = clauses.split_first() else {
            return Self::from(from_start);
        };
        let Some(test) = &clause.test else {
            return self.process_body(&clause.body, Self::from(from_start));
        };
        // The nested `if` is a statement on the `elif` line.
        let line = self.lines.first(self.lines.raw(clause));
        if !self.statements.contains(&line) {
            return Self::from(from_start);
        }
        self.add_arc(from_start.line, line, Some(from_start.cause), None);
        self.if_chain(test, &clause.body, rest)
    }

    fn match_cases(&mut self, stmt: &Stmt, cases: &[ruff_python_ast::MatchCase]) -> Exits {
        let mut last_start = self.lines.stmt(stmt);
        let mut exits = Exits::new();
        for case in cases {
            let case_start = self.lines.first(self.lines.raw(&case.pattern));
            self.add_arc(last_start, case_start, Some(ALWAYS_MATCHED), None);
            exits.extend(self.process_body(&case.body, Self::from(ArcStart::because(case_start, NEVER_MATCHED))));
            last_start = case_start;
        }
        let irrefutable = cases.last().is_some_and(|c| c.guard.is_none() && coverage_irrefutable(&c.pattern));
        if !irrefutable {
            exits.insert(ArcStart::because(last_start, ALWAYS_MATCHED));
        }
        exits
    }

    fn try_statement(&mut self, stmt: &Stmt, node: &StmtTry) -> Exits {
        let handler_start = node.handlers.first().map(|h| self.lines.first(self.lines.raw(h)));
        self.blocks.push(Block::Try { handler_start });
        let start = self.lines.stmt(stmt);
        let mut exits = self.process_body(&node.body, Self::from(ArcStart::plain(start)));

        // The body is done: the block no longer catches, but stays for the
        // `finally` clause to pick up flows from handlers and `else`.
        match self.blocks.last_mut() {
            Some(Block::Try { handler_start }) if !node.finalbody.is_empty() => *handler_start = None,
            _ => {
                self.blocks.pop();
            }
        }

        let mut handler_exits = Exits::new();
        for handler in &node.handlers {
            let ExceptHandler::ExceptHandler(h) = handler;
            let line = self.lines.first(self.lines.raw(handler));
            handler_exits.extend(self.process_body(&h.body, Self::from(ArcStart::because(line, NOT_CAUGHT))));
        }
        if !node.orelse.is_empty() {
            exits = self.process_body(&node.orelse, exits);
        }
        exits.extend(handler_exits);

        if !node.finalbody.is_empty() {
            self.blocks.pop();
            let final_exits = self.process_body(&node.finalbody, exits.clone());
            // The `finally` exits are the statement's only if the rest had some.
            if !exits.is_empty() {
                exits = final_exits;
            }
        }
        exits
    }

    fn with_statement(&mut self, stmt: &Stmt, node: &StmtWith) -> Exits {
        let starts: Vec<i32> = if self.exit_with_through_ctxmgr {
            node.items.iter().map(|item| self.lines.expr(&item.context_expr)).collect()
        } else {
            vec![self.lines.stmt(stmt)]
        };
        for &start in &starts {
            self.with.enter(start);
        }
        let start = *starts.last().expect("a with statement has an item");
        let exits = self.process_body(&node.body, Self::from(ArcStart::plain(start)));
        self.with.leave(start);
        if exits.is_empty() {
            return exits;
        }
        for x in exits {
            self.add_arc(x.line, start, None, None);
            self.with.note_exit(x.line, start);
        }
        Self::from(ArcStart::plain(start))
    }
}

/// The suites directly inside a statement (where definitions can be).
fn child_suites(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::FunctionDef(s) => vec![&s.body],
        Stmt::ClassDef(s) => vec![&s.body],
        Stmt::For(s) => vec![&s.body, &s.orelse],
        Stmt::While(s) => vec![&s.body, &s.orelse],
        Stmt::If(s) => std::iter::once(&s.body[..]).chain(s.elif_else_clauses.iter().map(|c| &c.body[..])).collect(),
        Stmt::With(s) => vec![&s.body],
        Stmt::Match(s) => s.cases.iter().map(|c| &c.body[..]).collect(),
        Stmt::Try(s) => {
            let handlers = s.handlers.iter().map(|ExceptHandler::ExceptHandler(h)| &h.body[..]);
            std::iter::once(&s.body[..]).chain(handlers).chain([&s.orelse[..], &s.finalbody[..]]).collect()
        }
        _ => Vec::new(),
    }
}
