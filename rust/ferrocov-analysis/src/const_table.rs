//! CPython 3.11's constant table, in compile order.
//!
//! 3.11 compiles unreachable code too, then drops its instructions, but it
//! only trims *trailing* unused constants (3.12+ removes every unused one
//! but the first). So a nested code object in dead code keeps its lines
//! when some live instruction loads a constant added after it. To know
//! that, we list the constants each piece of code adds, with the keys that
//! CPython deduplicates them by.

use std::collections::HashMap;

use ruff_python_ast::visitor::{walk_expr, Visitor};
use ruff_python_ast::{
    ExceptHandler, Expr, FStringPart, InterpolatedStringElement, Number, Parameters, Pattern, Singleton, Stmt, UnaryOp,
};

/// A nested code object: a definition or a lambda/comprehension.
#[derive(Debug, Clone, Copy)]
pub enum CodeObjectNode<'s> {
    Definition(&'s Stmt),
    Expression(&'s Expr),
}

/// One constant added to a code object's table.
#[derive(Debug, Clone)]
pub struct ConstEntry<'s> {
    /// Equal keys share one slot; code objects are always new.
    key: Option<String>,
    pub code: Option<CodeObjectNode<'s>>,
}

/// The constants of one code object, as they are added.
#[derive(Default)]
pub struct ConstTable<'s> {
    slots: HashMap<String, usize>,
    count: usize,
    live: Vec<bool>,
    dead_code: Vec<(usize, CodeObjectNode<'s>)>,
    /// A live constant gets appended by the optimizer: nothing is trailing.
    tail_live: bool,
}

impl<'s> ConstTable<'s> {
    /// Add constants; `live` says whether an instruction that survives loads them.
    pub fn add(&mut self, entries: Vec<ConstEntry<'s>>, live: bool) {
        for entry in entries {
            let slot = match entry.key {
                Some(key) => *self.slots.entry(key).or_insert_with(|| {
                    self.count += 1;
                    self.count - 1
                }),
                None => {
                    self.count += 1;
                    self.count - 1
                }
            };
            if self.live.len() <= slot {
                self.live.resize(slot + 1, false);
            }
            self.live[slot] |= live;
            if let (false, Some(code)) = (live, entry.code) {
                self.dead_code.push((slot, code));
            }
        }
    }

    /// Dead code objects that survive the trailing trim.
    pub fn mark_tail_live(&mut self) {
        self.tail_live = true;
    }

    pub fn surviving_dead_code(self) -> Vec<CodeObjectNode<'s>> {
        let last_live = if self.tail_live { usize::MAX } else { self.live.iter().rposition(|&l| l).unwrap_or(0) };
        self.dead_code.into_iter().filter(|(slot, _)| *slot <= last_live).map(|(_, code)| code).collect()
    }
}

pub fn value(key: impl Into<String>) -> ConstEntry<'static> {
    ConstEntry { key: Some(key.into()), code: None }
}

/// Lists constants in compile order.
pub struct ConstLister<'s> {
    pub out: Vec<ConstEntry<'s>>,
    /// `from __future__ import annotations`: annotations are strings.
    pub future_annotations: bool,
    /// The caller lists an `assert`'s test apart (it may fold away).
    pub skip_assert_test: bool,
    /// Some constant will be appended after code generation.
    pub tail: bool,
    /// `with` blocks around the code: leaving them calls __exit__(None, ...).
    pub with_depth: usize,
}

impl<'s> ConstLister<'s> {
    pub fn new(future_annotations: bool) -> Self {
        Self { out: Vec::new(), future_annotations, skip_assert_test: false, tail: false, with_depth: 0 }
    }

    fn push(&mut self, key: impl Into<String>) {
        let key = key.into();
        // Lone surrogates reach us as U+FFFD: such strings can't be told
        // apart, so each counts as new.
        let key = (!key.contains('\u{fffd}')).then_some(key);
        self.out.push(ConstEntry { key, code: None });
    }

    /// The constants of one simple statement, or of a compound statement's
    /// header (its body is listed apart).
    pub fn own(&mut self, stmt: &'s Stmt, module_or_class: bool) {
        match stmt {
            Stmt::Expr(e) if literal_key(&e.value).is_some() => {}
            Stmt::Expr(e) => self.visit_expr(&e.value),
            Stmt::Assign(a) => {
                self.visit_expr(&a.value);
                for t in &a.targets {
                    self.target(t);
                }
            }
            Stmt::AugAssign(a) => {
                self.target(&a.target);
                self.visit_expr(&a.value);
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.visit_expr(v);
                }
                match a.target.as_ref() {
                    Expr::Name(n) if a.simple => {
                        if module_or_class {
                            self.annotation(&a.annotation);
                            self.push(format!("s:{}", n.id));
                        }
                    }
                    target => {
                        self.target(target);
                        if module_or_class && !self.future_annotations {
                            self.visit_expr(&a.annotation);
                        }
                    }
                }
            }
            Stmt::Return(r) => {
                match &r.value {
                    Some(v) => self.visit_expr(v),
                    None => self.push("N"),
                }
                if self.with_depth > 0 {
                    self.push("N");
                }
            }
            Stmt::Break(_) | Stmt::Continue(_) if self.with_depth > 0 => self.push("N"),
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.target(t);
                }
            }
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.visit_expr(e);
                }
                if let Some(c) = &r.cause {
                    self.visit_expr(c);
                }
            }
            Stmt::Assert(a) => {
                if !self.skip_assert_test {
                    self.visit_expr(&a.test);
                }
                if let Some(m) = &a.msg {
                    self.visit_expr(m);
                }
            }
            Stmt::Import(i) => {
                for _ in &i.names {
                    self.push("i:0");
                    self.push("N");
                }
            }
            Stmt::ImportFrom(i) => {
                self.push(format!("i:{}", i.level));
                let names: Vec<&str> = i.names.iter().map(|a| a.name.as_str()).collect();
                self.push(format!("t:{names:?}"));
            }
            Stmt::FunctionDef(def) => {
                for d in &def.decorator_list {
                    self.visit_expr(&d.expression);
                }
                self.defaults(&def.parameters);
                self.annotations(&def.parameters, def.returns.as_deref());
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Definition(stmt)) });
            }
            Stmt::ClassDef(class) => {
                for d in &class.decorator_list {
                    self.visit_expr(&d.expression);
                }
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Definition(stmt)) });
                self.push(format!("s:{}", class.name));
                if let Some(args) = &class.arguments {
                    self.visit_arguments(args);
                }
            }
            Stmt::If(s) => self.visit_expr(&s.test),
            Stmt::While(s) => self.visit_expr(&s.test),
            Stmt::For(s) => {
                self.visit_expr(&s.iter);
                self.target(&s.target);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(v) = &item.optional_vars {
                        self.target(v);
                    }
                }
            }
            Stmt::Match(m) => self.visit_expr(&m.subject),
            _ => {}
        }
    }

    /// Every constant of `stmt`, bodies included (for dead code).
    pub fn all(&mut self, stmt: &'s Stmt, module_or_class: bool) {
        self.own(stmt, module_or_class);
        match stmt {
            Stmt::If(s) => {
                self.all_of(&s.body, module_or_class);
                for clause in &s.elif_else_clauses {
                    if let Some(t) = &clause.test {
                        self.visit_expr(t);
                    }
                    self.all_of(&clause.body, module_or_class);
                }
            }
            Stmt::While(s) => {
                self.all_of(&s.body, module_or_class);
                self.all_of(&s.orelse, module_or_class);
            }
            Stmt::For(s) => {
                self.all_of(&s.body, module_or_class);
                self.all_of(&s.orelse, module_or_class);
            }
            Stmt::With(s) => {
                self.with_depth += 1;
                self.all_of(&s.body, module_or_class);
                self.with_depth -= 1;
                self.push("N");
            }
            Stmt::Try(t) => {
                self.all_of(&t.body, module_or_class);
                self.all_of(&t.orelse, module_or_class);
                for ExceptHandler::ExceptHandler(h) in &t.handlers {
                    if let Some(ty) = &h.type_ {
                        self.visit_expr(ty);
                    }
                    self.all_of(&h.body, module_or_class);
                    if h.name.is_some() {
                        self.push("N");
                    }
                }
                self.all_of(&t.finalbody, module_or_class);
            }
            Stmt::Match(m) => {
                for case in &m.cases {
                    self.pattern(&case.pattern);
                    if let Some(g) = &case.guard {
                        self.visit_expr(g);
                    }
                    self.all_of(&case.body, module_or_class);
                }
            }
            _ => {}
        }
    }

    pub fn all_of(&mut self, body: &'s [Stmt], module_or_class: bool) {
        for stmt in body {
            self.all(stmt, module_or_class);
        }
    }

    /// The constants a `case` pattern loads.
    pub fn pattern(&mut self, pattern: &'s Pattern) {
        match pattern {
            Pattern::MatchValue(v) => self.visit_expr(&v.value),
            Pattern::MatchSingleton(s) => self.push(singleton_key(s.value)),
            Pattern::MatchSequence(s) => {
                let stars = s.patterns.iter().filter(|p| p.is_match_star()).count();
                let fixed = s.patterns.len() - stars;
                if !(stars == 1 && fixed == 0) {
                    self.push(format!("i:{fixed}"));
                }
                for p in &s.patterns {
                    self.pattern(p);
                }
            }
            Pattern::MatchMapping(m) => {
                for k in &m.keys {
                    self.visit_expr(k);
                }
                // The key tuple is folded after code generation: it lands
                // at the end of the table.
                self.tail = true;
                self.push("N");
                for p in &m.patterns {
                    self.pattern(p);
                }
            }
            Pattern::MatchClass(c) => {
                self.visit_expr(&c.cls);
                let names: Vec<&str> = c.arguments.keywords.iter().map(|k| k.attr.as_str()).collect();
                self.push(format!("t:{names:?}"));
                self.push("N");
                for p in &c.arguments.patterns {
                    self.pattern(p);
                }
                for k in &c.arguments.keywords {
                    self.pattern(&k.pattern);
                }
            }
            Pattern::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.pattern(p);
                }
            }
            Pattern::MatchStar(_) => {}
            Pattern::MatchOr(o) => {
                for p in &o.patterns {
                    self.pattern(p);
                }
            }
        }
    }

    /// An assignment or deletion target: only its subexpressions load.
    fn target(&mut self, target: &'s Expr) {
        match target {
            Expr::Attribute(a) => self.visit_expr(&a.value),
            Expr::Subscript(s) => {
                self.visit_expr(&s.value);
                self.visit_expr(&s.slice);
            }
            Expr::Starred(s) => self.target(&s.value),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| self.target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.target(e)),
            _ => {}
        }
    }

    fn annotation(&mut self, ann: &'s Expr) {
        if self.future_annotations {
            self.out.push(ConstEntry { key: None, code: None });
        } else {
            self.visit_expr(ann);
        }
    }

    fn defaults(&mut self, params: &'s Parameters) {
        let positional: Vec<&'s Expr> =
            params.posonlyargs.iter().chain(&params.args).filter_map(|p| p.default.as_deref()).collect();
        if !positional.is_empty() {
            let keys: Option<Vec<String>> = positional.iter().map(|e| literal_key(e)).collect();
            match keys {
                // Constant defaults fold into one tuple.
                Some(keys) => self.push(format!("t:{keys:?}")),
                None => {
                    for e in positional {
                        self.visit_expr(e);
                    }
                }
            }
        }
        for p in &params.kwonlyargs {
            if let Some(d) = &p.default {
                self.push(format!("s:{}", p.parameter.name));
                self.visit_expr(d);
            }
        }
    }

    fn annotations(&mut self, params: &'s Parameters, returns: Option<&'s Expr>) {
        let mut any = false;
        for p in params.iter() {
            if let Some(ann) = p.annotation() {
                any = true;
                self.push(format!("s:{}", p.name()));
                self.annotation(ann);
            }
        }
        if let Some(r) = returns {
            any = true;
            self.push("s:return");
            self.annotation(r);
        }
        let _ = any;
    }
}

impl<'s> Visitor<'s> for ConstLister<'s> {
    fn visit_expr(&mut self, expr: &'s Expr) {
        if let Some(key) = literal_key(expr) {
            self.push(key);
            return;
        }
        match expr {
            Expr::Lambda(l) => {
                if let Some(p) = &l.parameters {
                    self.defaults(p);
                }
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Expression(expr)) });
            }
            Expr::Generator(g) => {
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Expression(expr)) });
                if let Some(first) = g.generators.first() {
                    self.visit_expr(&first.iter);
                }
            }
            Expr::ListComp(c) => {
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Expression(expr)) });
                if let Some(first) = c.generators.first() {
                    self.visit_expr(&first.iter);
                }
            }
            Expr::SetComp(c) => {
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Expression(expr)) });
                if let Some(first) = c.generators.first() {
                    self.visit_expr(&first.iter);
                }
            }
            Expr::DictComp(c) => {
                self.out.push(ConstEntry { key: None, code: Some(CodeObjectNode::Expression(expr)) });
                if let Some(first) = c.generators.first() {
                    self.visit_expr(&first.iter);
                }
            }
            Expr::Call(call) => {
                self.visit_expr(&call.func);
                for a in call.arguments.args.iter() {
                    self.visit_expr(a);
                }
                for k in &call.arguments.keywords {
                    self.visit_expr(&k.value);
                }
                let names: Vec<&str> =
                    call.arguments.keywords.iter().filter_map(|k| k.arg.as_ref().map(|a| a.as_str())).collect();
                if !names.is_empty() && call.arguments.keywords.iter().all(|k| k.arg.is_some()) {
                    self.push(format!("t:{names:?}"));
                }
            }
            Expr::Slice(s) => {
                match &s.lower {
                    Some(e) => self.visit_expr(e),
                    None => self.push("N"),
                }
                match &s.upper {
                    Some(e) => self.visit_expr(e),
                    None => self.push("N"),
                }
                if let Some(e) = &s.step {
                    self.visit_expr(e);
                }
            }
            Expr::Yield(y) if y.value.is_none() => self.push("N"),
            Expr::FString(f) => {
                for part in f.value.iter() {
                    match part {
                        FStringPart::Literal(s) => self.push(format!("s:{}", s.value)),
                        FStringPart::FString(fs) => {
                            for element in fs.elements.iter() {
                                match element {
                                    InterpolatedStringElement::Literal(l) => self.push(format!("s:{}", l.value)),
                                    InterpolatedStringElement::Interpolation(i) => self.visit_expr(&i.expression),
                                }
                            }
                        }
                    }
                }
            }
            _ => walk_expr(self, expr),
        }
    }
}

fn singleton_key(s: Singleton) -> &'static str {
    match s {
        Singleton::None => "N",
        Singleton::True => "B:True",
        Singleton::False => "B:False",
    }
}

/// The dedup key of an expression the compiler turns into one constant.
pub fn literal_key(expr: &Expr) -> Option<String> {
    Some(match expr {
        Expr::NumberLiteral(n) => match &n.value {
            Number::Int(i) => format!("i:{i}"),
            Number::Float(f) => format!("f:{f:?}"),
            Number::Complex { real, imag } => format!("c:{real:?}:{imag:?}"),
        },
        Expr::StringLiteral(s) => format!("s:{}", s.value.to_str()),
        Expr::BytesLiteral(b) => {
            format!("b:{:?}", b.value.iter().flat_map(|p| p.as_slice().iter().copied()).collect::<Vec<u8>>())
        }
        Expr::BooleanLiteral(b) => format!("B:{}", b.value),
        Expr::NoneLiteral(_) => "N".into(),
        Expr::EllipsisLiteral(_) => "E".into(),
        Expr::Name(n) if n.id.as_str() == "__debug__" => "B:True".into(),
        // `not <constant>` folds to a bool.
        Expr::UnaryOp(u) if u.op == UnaryOp::Not => {
            let truth = crate::constants::constant_truth(&u.operand, crate::PythonVersion::new(3, 11))?;
            format!("B:{}", if truth { "False" } else { "True" })
        }
        Expr::UnaryOp(u) => format!("u:{:?}:{}", u.op, literal_key(&u.operand)?),
        Expr::Tuple(t) => {
            let keys: Option<Vec<String>> = t.elts.iter().map(literal_key).collect();
            format!("t:{:?}", keys?)
        }
        _ => return None,
    })
}
