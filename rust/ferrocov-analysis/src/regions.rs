//! The function and class regions of a module, as coverage.py 7.17.3's
//! `regions.code_regions()` finds them for the JSON and LCOV reports.
//!
//! A function's lines run from the first to the last line of its body
//! (comments and blank lines included); a nested function's lines are
//! taken out of the nearest enclosing function. A class's lines are the
//! lines of the functions directly inside it, less those of classes nested
//! in it. So no line belongs to two functions, nor to two classes.

use std::collections::BTreeSet;

use ruff_python_ast::{ExceptHandler, ModModule, Stmt};
use ruff_text_size::Ranged;

use crate::line_index::LineIndex;

/// Which kind of definition a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    Function,
    Class,
}

/// One `def` or `class`: its dotted name within the module, the line of
/// its `def`/`class` keyword and the lines counted as its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRegion {
    pub kind: RegionKind,
    pub name: String,
    pub start: u32,
    pub lines: BTreeSet<u32>,
}

/// A definition being walked: where its region is, and its kind.
struct Open {
    region: usize,
    kind: RegionKind,
}

struct Finder<'a> {
    index: &'a LineIndex,
    regions: Vec<CodeRegion>,
    names: Vec<String>,
    open: Vec<Open>,
}

/// The regions of `module` in the order the definitions are met.
pub fn code_regions(module: &ModModule, index: &LineIndex) -> Vec<CodeRegion> {
    let mut finder = Finder { index, regions: Vec::new(), names: Vec::new(), open: Vec::new() };
    finder.block(&module.body);
    finder.regions
}

impl Finder<'_> {
    fn line(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.start().to_u32())
    }

    fn end_line(&self, node: &impl Ranged) -> u32 {
        self.index.line_of(node.end().to_u32().saturating_sub(1).max(node.start().to_u32()))
    }

    /// A statement's `lineno`: a decorated definition's is its `def` or
    /// `class` line, not its first decorator's.
    fn stmt_line(&self, stmt: &Stmt) -> u32 {
        match stmt {
            Stmt::FunctionDef(def) if !def.decorator_list.is_empty() => self.line(&def.name),
            Stmt::ClassDef(class) if !class.decorator_list.is_empty() => self.line(&class.name),
            _ => self.line(stmt),
        }
    }

    fn block(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.stmt(stmt);
        }
    }

    /// Statements holding statements are searched in coverage.py's field
    /// order: body, orelse, finalbody, handlers, cases.
    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => self.function(def.name.as_str(), self.stmt_line(stmt), &def.body),
            Stmt::ClassDef(class) => self.class(class.name.as_str(), self.stmt_line(stmt), &class.body),
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
                self.block(&s.orelse);
                self.block(&s.finalbody);
                for handler in &s.handlers {
                    let ExceptHandler::ExceptHandler(h) = handler;
                    self.block(&h.body);
                }
            }
            Stmt::Match(m) => {
                for case in &m.cases {
                    self.block(&case.body);
                }
            }
            _ => {}
        }
    }

    fn qualified(&self, name: &str) -> String {
        let mut parts = self.names.clone();
        parts.push(name.to_owned());
        parts.join(".")
    }

    fn function(&mut self, name: &str, start: u32, body: &[Stmt]) {
        let (Some(first), Some(last)) = (body.first(), body.last()) else { return };
        let lines: BTreeSet<u32> = (self.stmt_line(first)..=self.end_line(last)).collect();
        if let Some(parent) = self.open.last().filter(|o| o.kind == RegionKind::Class) {
            self.regions[parent.region].lines.extend(lines.iter().copied());
        }
        if let Some(function) = self.open.iter().rev().find(|o| o.kind == RegionKind::Function) {
            let own = &mut self.regions[function.region].lines;
            own.retain(|line| !lines.contains(line));
        }
        self.enter(RegionKind::Function, name, start, lines, body);
    }

    fn class(&mut self, name: &str, start: u32, body: &[Stmt]) {
        let region = self.enter(RegionKind::Class, name, start, BTreeSet::new(), body);
        if let Some(outer) = self.open.iter().rev().find(|o| o.kind == RegionKind::Class) {
            let nested = self.regions[region].lines.clone();
            self.regions[outer.region].lines.retain(|line| !nested.contains(line));
        }
    }

    /// Add the region, walk the body inside it; its index.
    fn enter(&mut self, kind: RegionKind, name: &str, start: u32, lines: BTreeSet<u32>, body: &[Stmt]) -> usize {
        let region = self.regions.len();
        self.regions.push(CodeRegion { kind, name: self.qualified(name), start, lines });
        self.names.push(name.to_owned());
        self.open.push(Open { region, kind });
        self.block(body);
        self.open.pop();
        self.names.pop();
        region
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(src: &str) -> Vec<(RegionKind, String, u32, Vec<u32>)> {
        let parsed = ruff_python_parser::parse_module(src).unwrap();
        let index = LineIndex::new(src);
        code_regions(parsed.syntax(), &index)
            .into_iter()
            .map(|r| (r.kind, r.name, r.start, r.lines.into_iter().collect()))
            .collect()
    }

    #[test]
    fn nested_functions_and_methods() {
        let src = "\
def outer():
    x = 1

    def inner():
        return 2
    return inner

class C:
    '''doc'''
    attr = 1

    @staticmethod
    def m():
        class D:
            def n(self):
                pass
        return D
";
        use RegionKind::{Class, Function};
        assert_eq!(
            regions(src),
            vec![
                (Function, "outer".into(), 1, vec![2, 3, 4, 6]),
                (Function, "outer.inner".into(), 4, vec![5]),
                (Class, "C".into(), 8, vec![14, 15, 17]),
                (Function, "C.m".into(), 13, vec![14, 15, 17]),
                (Class, "C.m.D".into(), 14, vec![16]),
                (Function, "C.m.D.n".into(), 15, vec![16]),
            ]
        );
    }

    #[test]
    fn a_decorated_first_statement_starts_at_its_def_line() {
        let src = "def deco(f):\n    @wraps(f)\n    def w():\n        return 1\n    return w\n";
        let found = regions(src);
        assert_eq!(found[0].3, vec![3, 5]);
        assert_eq!((found[1].2, found[1].3.clone()), (3, vec![4]));
    }

    #[test]
    fn compound_statements_are_searched() {
        let src = "\
if x:
    def a(): pass
else:
    def b(): pass
try:
    pass
except E:
    def c(): pass
finally:
    def d(): pass
match y:
    case 1:
        class K: pass
";
        let names: Vec<String> = regions(src).into_iter().map(|r| r.1).collect();
        assert_eq!(names, ["a", "b", "d", "c", "K"]);
    }
}
