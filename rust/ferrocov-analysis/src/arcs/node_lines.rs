//! The line a node stands for in arcs (coverage.py's `line_for_node`), and
//! the constant tests it treats as always or never true.

use std::collections::HashMap;

use ruff_python_ast::{Expr, Number, Stmt, UnaryOp};
use ruff_text_size::Ranged;

use crate::line_index::LineIndex;

/// Finds node lines, mapped to the first lines of their statements.
pub struct NodeLines<'a> {
    pub index: &'a LineIndex,
    pub multiline: &'a HashMap<u32, u32>,
}

impl NodeLines<'_> {
    /// The line where `node` starts, as the AST's `lineno` gives it.
    pub fn raw(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.start().to_u32())
    }

    pub fn first(&self, line: u32) -> i32 {
        self.multiline.get(&line).copied().unwrap_or(line) as i32
    }

    /// The `def`/`class` line of a definition (its name's line: the
    /// statement's range starts at its first decorator).
    pub fn def_line(&self, stmt: &Stmt) -> u32 {
        match stmt {
            Stmt::FunctionDef(def) if !def.decorator_list.is_empty() => self.raw(&def.name),
            Stmt::ClassDef(class) if !class.decorator_list.is_empty() => self.raw(&class.name),
            _ => self.raw(stmt),
        }
    }

    pub fn stmt(&self, stmt: &Stmt) -> i32 {
        let line = match stmt {
            Stmt::FunctionDef(def) => def.decorator_list.first().map(|d| self.raw(&d.expression)),
            Stmt::ClassDef(class) => class.decorator_list.first().map(|d| self.raw(&d.expression)),
            Stmt::Assign(assign) => return self.expr(&assign.value),
            _ => None,
        };
        self.first(line.unwrap_or_else(|| self.raw(stmt)))
    }

    pub fn expr(&self, expr: &Expr) -> i32 {
        let line = match expr {
            Expr::Dict(dict) => match dict.items.first() {
                Some(item) => item.key.as_ref().map_or_else(|| self.raw(&item.value), |key| self.raw(key)),
                None => self.raw(expr),
            },
            Expr::List(list) => match list.elts.first() {
                Some(first) => return self.first(self.expr(first) as u32),
                None => self.raw(expr),
            },
            _ => self.raw(expr),
        };
        self.first(line)
    }
}

/// coverage.py's `is_constant_test_expr`: (is it constant, its truth).
pub fn constant_test(expr: &Expr) -> (bool, bool) {
    match expr {
        Expr::BooleanLiteral(b) => (true, b.value),
        Expr::NoneLiteral(_) => (true, false),
        Expr::EllipsisLiteral(_) => (true, true),
        Expr::StringLiteral(s) => (true, !s.value.is_empty()),
        Expr::BytesLiteral(b) => (true, !b.value.is_empty()),
        Expr::NumberLiteral(n) => (true, number_truth(&n.value)),
        Expr::Name(name) if name.id.as_str() == "__debug__" => (true, true),
        Expr::UnaryOp(u) if u.op == UnaryOp::Not => {
            let (constant, value) = constant_test(&u.operand);
            (constant, !value)
        }
        Expr::BoolOp(op) => {
            let tests: Vec<(bool, bool)> = op.values.iter().map(constant_test).collect();
            if !tests.iter().all(|(constant, _)| *constant) {
                return (false, false);
            }
            let value = match op.op {
                ruff_python_ast::BoolOp::Or => tests.iter().any(|(_, v)| *v),
                ruff_python_ast::BoolOp::And => tests.iter().all(|(_, v)| *v),
            };
            (true, value)
        }
        _ => (false, false),
    }
}

fn number_truth(number: &Number) -> bool {
    match number {
        Number::Int(int) => *int != ruff_python_ast::Int::ZERO,
        Number::Float(f) => *f != 0.0,
        Number::Complex { real, imag } => *real != 0.0 || *imag != 0.0,
    }
}
