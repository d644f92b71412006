//! Compile-time truth values of test expressions, as CPython's AST
//! optimizer folds them (`__debug__`, literals, `not`, constant tuples).

use ruff_python_ast::{Expr, Number, UnaryOp};

/// The truth value CPython knows at compile time, or None.
pub fn constant_truth(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        Expr::NoneLiteral(_) => Some(false),
        Expr::EllipsisLiteral(_) => Some(true),
        Expr::NumberLiteral(n) => Some(match &n.value {
            Number::Int(i) => i.as_u64() != Some(0),
            Number::Float(f) => *f != 0.0,
            Number::Complex { real, imag } => *real != 0.0 || *imag != 0.0,
        }),
        Expr::StringLiteral(s) => Some(!s.value.is_empty()),
        Expr::BytesLiteral(b) => Some(!b.value.is_empty()),
        Expr::Name(name) if name.id.as_str() == "__debug__" => Some(true),
        Expr::UnaryOp(op) => {
            let inner = constant_value_truth(&op.operand)?;
            match op.op {
                UnaryOp::Not => Some(!inner),
                // -x, +x and ~x on a constant fold; only -0/+0 stay falsy.
                UnaryOp::USub | UnaryOp::UAdd => Some(inner),
                UnaryOp::Invert => None,
            }
        }
        Expr::Tuple(t) if t.elts.iter().all(|e| constant_value_truth(e).is_some()) => {
            Some(!t.elts.is_empty())
        }
        _ => None,
    }
}

/// Truth of an operand that folds to a constant (no starred items etc.).
fn constant_value_truth(expr: &Expr) -> Option<bool> {
    constant_truth(expr)
}
