//! Compile-time truth of test expressions. CPython's AST optimizer folds
//! literals, `__debug__`, `not` and constant tuples; its code generator turns
//! `and`/`or` into chains of jumps whose constant links the flow-graph
//! optimizer then resolves. What matters for line tables is which outcomes
//! of a test remain possible.

use ruff_python_ast::{BoolOp, Expr, FStringPart, InterpolatedStringElement, Number, UnaryOp};

use crate::PythonVersion;

/// The outcomes a test can still have after constant folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcomes {
    pub can_be_true: bool,
    pub can_be_false: bool,
}

impl Outcomes {
    const UNKNOWN: Self = Self { can_be_true: true, can_be_false: true };

    fn constant(value: bool) -> Self {
        Self { can_be_true: value, can_be_false: !value }
    }

    fn negated(self) -> Self {
        Self { can_be_true: self.can_be_false, can_be_false: self.can_be_true }
    }
}

/// Which outcomes `expr` can have when used as a branch test.
pub fn test_outcomes(expr: &Expr, version: PythonVersion) -> Outcomes {
    match expr {
        Expr::UnaryOp(op) if op.op == UnaryOp::Not => test_outcomes(&op.operand, version).negated(),
        Expr::BoolOp(b) => {
            let parts: Vec<Outcomes> = b.values.iter().map(|v| test_outcomes(v, version)).collect();
            match b.op {
                BoolOp::And => Outcomes {
                    can_be_true: parts.iter().all(|p| p.can_be_true),
                    can_be_false: parts.iter().any(|p| p.can_be_false),
                },
                BoolOp::Or => Outcomes {
                    can_be_true: parts.iter().any(|p| p.can_be_true),
                    can_be_false: parts.iter().all(|p| p.can_be_false),
                },
            }
        }
        _ => constant_truth(expr, version).map_or(Outcomes::UNKNOWN, Outcomes::constant),
    }
}

/// The truth value of an expression that folds to a constant, or None.
pub fn constant_truth(expr: &Expr, version: PythonVersion) -> Option<bool> {
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
        Expr::FString(f) => {
            let text_len = literal_fstring_len(&f.value)?;
            // 3.13 folds placeholder-free f-strings in the AST; before, only
            // a single non-empty literal reaches the jump as a constant.
            if version >= PythonVersion::new(3, 13) {
                Some(text_len > 0)
            } else {
                (text_len > 0).then_some(true)
            }
        }
        Expr::Name(name) if name.id.as_str() == "__debug__" => Some(true),
        Expr::UnaryOp(op) => {
            let inner = constant_truth(&op.operand, version)?;
            match op.op {
                UnaryOp::Not => Some(!inner),
                // -x and +x keep a number's truth; ~x is left alone.
                UnaryOp::USub | UnaryOp::UAdd => Some(inner),
                UnaryOp::Invert => None,
            }
        }
        Expr::Tuple(t) if t.elts.iter().all(|e| constant_truth(e, version).is_some()) => Some(!t.elts.is_empty()),
        _ => None,
    }
}

/// The length of an f-string's text if it has no placeholders.
fn literal_fstring_len(value: &ruff_python_ast::FStringValue) -> Option<usize> {
    let mut len = 0;
    for part in value.iter() {
        match part {
            FStringPart::Literal(s) => len += s.value.len(),
            FStringPart::FString(f) => {
                for element in f.elements.iter() {
                    match element {
                        InterpolatedStringElement::Literal(l) => len += l.value.len(),
                        InterpolatedStringElement::Interpolation(_) => return None,
                    }
                }
            }
        }
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(src: &str) -> (bool, bool) {
        outcomes_for(src, PythonVersion::new(3, 12))
    }

    fn outcomes_for(src: &str, version: PythonVersion) -> (bool, bool) {
        let parsed = ruff_python_parser::parse_expression(src).unwrap();
        let o = test_outcomes(parsed.expr(), version);
        (o.can_be_true, o.can_be_false)
    }

    #[test]
    fn literals_and_debug_fold() {
        assert_eq!(outcomes("0"), (false, true));
        assert_eq!(outcomes("False"), (false, true));
        assert_eq!(outcomes("1"), (true, false));
        assert_eq!(outcomes("__debug__"), (true, false));
        assert_eq!(outcomes("not __debug__"), (false, true));
        assert_eq!(outcomes("x"), (true, true));
    }

    #[test]
    fn bool_ops_follow_jump_chains() {
        assert_eq!(outcomes("False and x"), (false, true));
        assert_eq!(outcomes("x and 0"), (false, true));
        assert_eq!(outcomes("True or x"), (true, false));
        assert_eq!(outcomes("1 and 1"), (true, false));
        assert_eq!(outcomes("0 or 0"), (false, true));
        assert_eq!(outcomes("x or y"), (true, true));
    }

    #[test]
    fn literal_fstrings_fold_by_version() {
        let v312 = PythonVersion::new(3, 12);
        let v313 = PythonVersion::new(3, 13);
        assert_eq!(outcomes_for("f'e'", v312), (true, false));
        assert_eq!(outcomes_for("f''", v312), (true, true));
        assert_eq!(outcomes_for("f''", v313), (false, true));
        assert_eq!(outcomes_for("f'{x}'", v313), (true, true));
    }
}
