//! The first constant a stretch of code adds to its code object's
//! constants. CPython keeps constant 0 even when the code that loads it is
//! dead (it may be a docstring), so a code object that is the module's very
//! first constant survives in dead code, and its lines count.

use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
use ruff_python_ast::{Expr, FStringPart, InterpolatedStringElement, Pattern, Stmt};

use crate::PythonVersion;

/// What comes first among the constants of some code.
#[derive(Debug, Clone, Copy)]
pub enum FirstConstant<'a> {
    /// A function or class definition's code object.
    Definition(&'a Stmt),
    /// A lambda's or generator expression's code object.
    Expression(&'a Expr),
    /// Any other constant: a literal, a name tuple, None for cleanup...
    Value,
}

/// The first constant added by compiling `body`, in compile order.
pub fn first_constant(body: &[Stmt], version: PythonVersion) -> Option<FirstConstant<'_>> {
    let mut finder = Finder {
        found: None,
        folds_fstrings: version >= PythonVersion::new(3, 13),
        inlines_comprehensions: version >= PythonVersion::new(3, 12),
    };
    for stmt in body {
        finder.visit_stmt(stmt);
        if finder.found.is_some() {
            break;
        }
    }
    finder.found
}

/// The first constant of a compound statement's header, compiled before
/// its body.
pub fn header_constant(stmt: &Stmt, version: PythonVersion) -> Option<FirstConstant<'_>> {
    let mut finder = Finder {
        found: None,
        folds_fstrings: version >= PythonVersion::new(3, 13),
        inlines_comprehensions: version >= PythonVersion::new(3, 12),
    };
    match stmt {
        Stmt::If(s) => finder.visit_expr(&s.test),
        Stmt::While(s) => finder.visit_expr(&s.test),
        Stmt::For(s) => finder.visit_expr(&s.iter),
        Stmt::With(s) => {
            for item in &s.items {
                finder.visit_expr(&item.context_expr);
            }
        }
        Stmt::Match(s) => finder.visit_expr(&s.subject),
        _ => {}
    }
    finder.found
}

struct Finder<'a> {
    found: Option<FirstConstant<'a>>,
    folds_fstrings: bool,
    inlines_comprehensions: bool,
}

impl Finder<'_> {
    fn value(&mut self) {
        self.found.get_or_insert(FirstConstant::Value);
    }
}

impl<'a> Visitor<'a> for Finder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.found.is_some() {
            return;
        }
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                for default in def.parameters.iter_non_variadic_params().filter_map(|p| p.default.as_deref()) {
                    self.visit_expr(default);
                }
                let annotated = def.returns.is_some() || def.parameters.iter().any(|p| p.annotation().is_some());
                if annotated {
                    // Annotations are stored under their names: string constants.
                    self.value();
                }
                self.found.get_or_insert(FirstConstant::Definition(stmt));
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.found.get_or_insert(FirstConstant::Definition(stmt));
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.value(),
            Stmt::AnnAssign(a) => {
                if let Some(value) = &a.value {
                    self.visit_expr(value);
                }
                if a.simple && a.target.is_name_expr() {
                    // Stored as __annotations__['name']: a string constant.
                    self.value();
                } else {
                    // Complex targets only evaluate their parts.
                    self.visit_expr(&a.target);
                    self.visit_expr(&a.annotation);
                }
            }
            // `del ()` deletes nothing: only subscripts and attributes load.
            Stmt::Delete(d) => {
                for target in &d.targets {
                    match target {
                        Expr::Attribute(a) => self.visit_expr(&a.value),
                        Expr::Subscript(s) => {
                            self.visit_expr(&s.value);
                            self.visit_expr(&s.slice);
                        }
                        _ => {}
                    }
                }
            }
            // A constant expression statement compiles to a NOP.
            Stmt::Expr(e) if is_literal(&e.value) => {}
            Stmt::With(w) => {
                walk_stmt(self, stmt);
                let _ = w;
                // The normal exit calls __exit__(None, None, None).
                self.value();
            }
            Stmt::Match(m) => {
                self.visit_expr(&m.subject);
                for case in &m.cases {
                    if pattern_has_constant(&case.pattern) {
                        self.value();
                    }
                    if let Some(guard) = &case.guard {
                        self.visit_expr(guard);
                    }
                    for s in &case.body {
                        self.visit_stmt(s);
                    }
                }
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found.is_some() {
            return;
        }
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    for default in parameters.iter_non_variadic_params().filter_map(|p| p.default.as_deref()) {
                        self.visit_expr(default);
                    }
                }
                self.found.get_or_insert(FirstConstant::Expression(expr));
            }
            Expr::Generator(_) => {
                self.found.get_or_insert(FirstConstant::Expression(expr));
            }
            // Before 3.12, list, set and dict comprehensions are functions too.
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) if !self.inlines_comprehensions => {
                self.found.get_or_insert(FirstConstant::Expression(expr));
            }
            Expr::FString(f)
                if fstring_has_text(&f.value) || (self.folds_fstrings && fstring_is_constant(&f.value)) =>
            {
                self.value()
            }
            // Folded by the AST optimizer into constants.
            Expr::Name(n) if n.id.as_str() == "__debug__" => self.value(),
            Expr::Tuple(t) if t.elts.is_empty() => self.value(),
            Expr::Call(call) if !call.arguments.keywords.is_empty() => {
                walk_expr(self, expr);
                // Keyword names travel as a tuple constant.
                self.value();
            }
            Expr::Slice(_) => self.value(),
            _ if is_literal(expr) => self.value(),
            _ => walk_expr(self, expr),
        }
    }
}

/// An f-string without placeholders (3.13 folds it to a constant).
fn fstring_is_constant(value: &ruff_python_ast::FStringValue) -> bool {
    value.iter().all(|part| match part {
        FStringPart::Literal(_) => true,
        FStringPart::FString(f) => f.elements.iter().all(|e| matches!(e, InterpolatedStringElement::Literal(_))),
    })
}

fn is_literal(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::NumberLiteral(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
    )
}

fn fstring_has_text(value: &ruff_python_ast::FStringValue) -> bool {
    value.iter().any(|part| match part {
        FStringPart::Literal(s) => !s.value.is_empty(),
        FStringPart::FString(f) => {
            f.elements.iter().any(|e| matches!(e, InterpolatedStringElement::Literal(l) if !l.value.is_empty()))
        }
    })
}

/// Patterns that load constants: values, lengths, keys, keyword names.
pub fn pattern_has_constant(pattern: &Pattern) -> bool {
    match pattern {
        Pattern::MatchAs(p) => p.pattern.as_deref().is_some_and(pattern_has_constant),
        Pattern::MatchStar(_) => false,
        Pattern::MatchOr(p) => p.patterns.iter().any(pattern_has_constant),
        _ => true,
    }
}
