//! How deeply a parse tree nests, CPython's limits on that depth, and a
//! tree owner that never overflows the stack while the tree is walked or
//! dropped.
//!
//! ruff's parser grows its own stack while it recurses, but everything that
//! walks the finished tree recursively (our analysis visitors, and the
//! compiler-generated `Drop` of the boxed nodes) runs on the calling
//! thread's stack: a rayon worker's 2 MiB overflow near 40,000 levels. So
//! the depth is measured once with a visitor that grows the stack itself,
//! and every later walk and the drop run on a stack sized for that depth.
//!
//! CPython refuses deep trees long before that: `ast.parse` stops near
//! 3,000 levels (3.11, 3.12) or 10,000 (3.13) with RecursionError, and its
//! parser near 6,000 rule calls with MemoryError. coverage.py reports those
//! files as unparsable, so we refuse them at the same depths (measured by
//! bisection through coverage.py's `coverage report` on each interpreter).

use std::mem::ManuallyDrop;

use ruff_python_ast::visitor::{walk_expr, walk_pattern, walk_stmt, Visitor};
use ruff_python_ast::{Expr, Mod, Operator, Pattern, Stmt};

use crate::PythonVersion;

/// Stack the recursive walks may use before a segment is added.
const RED_ZONE: usize = 128 * 1024;
/// Size of each stack segment the measuring visitor adds.
const SEGMENT: usize = 4 * 1024 * 1024;
/// Trees up to this depth are walked on the caller's stack (a rayon
/// worker's 2 MiB holds several hundred levels of our visitors with room to
/// spare); deeper ones get a stack of their own.
const SHALLOW: usize = 200;
/// Stack reserved per level for our visitors and the drop glue, with a
/// wide margin for unoptimized builds.
const BYTES_PER_LEVEL: usize = 2 * 1024;
/// Beyond this the tree is never dropped (its memory is leaked instead): a
/// stack for it would be larger than any sane reservation. Only reached by
/// sources CPython refuses too, which are rejected before any walk.
const MAX_DROP_DEPTH: usize = 100_000;

/// How deep a tree nests, in the two measures CPython limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Depth {
    /// Nodes on the deepest path (module, statements, expressions, patterns),
    /// as CPython's AST validator and compiler count their recursion.
    pub nodes: usize,
    /// The parser's rule depth on the deepest path, approximated by what
    /// each construct costs CPython's PEG parser.
    pub parser_rules: usize,
}

/// Why CPython would refuse a tree for being too deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooDeep {
    /// `MemoryError` from the parser's stack check.
    ParserStack,
    /// `RecursionError`; `excess` is how many levels past the limit the
    /// tree goes, which decides which of CPython's checks fires first.
    Recursion { excess: usize },
}

impl TooDeep {
    /// The exception's message, as that CPython version's `ast.parse`
    /// words it (coverage.py parses with `ast.parse`).
    pub fn message(self, version: PythonVersion) -> &'static str {
        match self {
            // 3.11 raises a bare MemoryError().
            TooDeep::ParserStack if version < PythonVersion::new(3, 12) => "",
            TooDeep::ParserStack => "Parser stack overflowed - Python source too complex to parse",
            // Just past the limit the AST optimizer notices first; further
            // out, the conversion of the tree into Python objects does.
            TooDeep::Recursion { excess } if excess <= COMPILATION_BAND => {
                "maximum recursion depth exceeded during compilation"
            }
            TooDeep::Recursion { .. } => "maximum recursion depth exceeded during ast construction",
        }
    }
}

/// The parser's rule budget (CPython's MAXSTACK, less what a module-level
/// statement uses before its expression).
const PARSER_RULES_LIMIT: usize = 5966;

/// How many levels past the limit CPython still says "during compilation".
const COMPILATION_BAND: usize = 5;

/// The deepest tree each version accepts, counted as `Depth::nodes`, as
/// measured through `coverage report` of coverage.py 7.17.3 (3.11 and 3.12
/// count the Python frames below the parse too, so a deeper caller, such as
/// a pytest session, refuses a little earlier there).
fn compiler_limit(version: PythonVersion) -> usize {
    match (version.major, version.minor) {
        (3, ..=11) => 2956,
        (3, 12) => 2977,
        _ => 9989,
    }
}

impl Depth {
    /// What CPython `version` says about a tree this deep, if it refuses it.
    pub fn refusal(self, version: PythonVersion) -> Option<TooDeep> {
        let limit = compiler_limit(version);
        if self.parser_rules > PARSER_RULES_LIMIT {
            Some(TooDeep::ParserStack)
        } else if self.nodes > limit {
            Some(TooDeep::Recursion { excess: self.nodes - limit })
        } else {
            None
        }
    }

    /// Stack needed to walk or drop the tree recursively.
    fn stack_bytes(self) -> usize {
        self.nodes.saturating_mul(BYTES_PER_LEVEL) + SEGMENT
    }

    /// Run `body` on a stack big enough for walks of this tree.
    pub fn on_stack<T>(self, body: impl FnOnce() -> T) -> T {
        if self.nodes <= SHALLOW {
            body()
        } else {
            stacker::grow(self.stack_bytes(), body)
        }
    }
}

/// Measure `module` without overflowing, however deep it is.
pub fn measure(module: &Mod) -> Depth {
    let mut meter = DepthMeter::default();
    match module {
        Mod::Module(m) => {
            meter.nodes = 1;
            meter.record();
            for stmt in &m.body {
                meter.visit_stmt(stmt);
            }
        }
        Mod::Expression(e) => meter.visit_expr(&e.body),
    }
    meter.deepest
}

/// The path currently walked and the deepest one seen.
#[derive(Default)]
struct DepthMeter {
    nodes: usize,
    parser_rules: usize,
    deepest: Depth,
}

impl DepthMeter {
    fn record(&mut self) {
        self.deepest.nodes = self.deepest.nodes.max(self.nodes);
        self.deepest.parser_rules = self.deepest.parser_rules.max(self.parser_rules);
    }

    /// Walk one node's children one level deeper.
    fn descend(&mut self, rules: usize, walk: impl FnOnce(&mut Self)) {
        self.nodes += 1;
        self.parser_rules += rules;
        self.record();
        stacker::maybe_grow(RED_ZONE, SEGMENT, || walk(self));
        self.nodes -= 1;
        self.parser_rules -= rules;
    }
}

/// What nesting one more of this expression costs CPython's parser, for
/// the constructs that recurse in its grammar (measured: `-x`, `not x` and
/// `a if b else c` one rule level each, `**` and `lambda` two).
fn parser_rules_of(expr: &Expr) -> usize {
    match expr {
        Expr::UnaryOp(_) | Expr::If(_) => 1,
        Expr::BinOp(op) if op.op == Operator::Pow => 2,
        Expr::Lambda(_) => 2,
        _ => 0,
    }
}

/// A compound statement's body costs the parser a few rule levels too.
fn parser_rules_of_stmt(stmt: &Stmt) -> usize {
    match stmt {
        Stmt::If(_) => 4,
        Stmt::FunctionDef(_)
        | Stmt::ClassDef(_)
        | Stmt::For(_)
        | Stmt::While(_)
        | Stmt::With(_)
        | Stmt::Try(_)
        | Stmt::Match(_) => 7,
        _ => 0,
    }
}

impl DepthMeter {
    /// ruff keeps `elif`/`else` clauses in a flat list, CPython nests each
    /// one in the previous `If`'s `orelse` (and its parser recurses per
    /// clause): clause `i` sits `i + 1` levels deeper than the `if`.
    fn visit_if(&mut self, stmt: &ruff_python_ast::StmtIf) {
        self.visit_expr(&stmt.test);
        self.visit_body(&stmt.body);
        for (i, clause) in stmt.elif_else_clauses.iter().enumerate() {
            let levels = i + 1;
            self.nodes += levels;
            self.parser_rules += levels;
            self.record();
            if let Some(test) = &clause.test {
                self.visit_expr(test);
            }
            self.visit_body(&clause.body);
            self.nodes -= levels;
            self.parser_rules -= levels;
        }
    }
}

impl<'a> Visitor<'a> for DepthMeter {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::If(if_stmt) => self.descend(parser_rules_of_stmt(stmt), |meter| meter.visit_if(if_stmt)),
            _ => self.descend(parser_rules_of_stmt(stmt), |meter| walk_stmt(meter, stmt)),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        self.descend(parser_rules_of(expr), |meter| walk_expr(meter, expr));
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        self.descend(0, |meter| walk_pattern(meter, pattern));
    }
}

/// A parse tree and its depth; dropping it never overflows the stack.
pub struct DeepTree<T> {
    tree: ManuallyDrop<T>,
    depth: Depth,
}

impl<T> DeepTree<T> {
    pub fn new(tree: T, depth: Depth) -> Self {
        DeepTree { tree: ManuallyDrop::new(tree), depth }
    }

    pub fn depth(&self) -> Depth {
        self.depth
    }

    pub fn get(&self) -> &T {
        &self.tree
    }

    /// Turn the tree into another owner of (part of) it, on a stack big
    /// enough for whatever `convert` drops.
    pub fn map<U>(mut self, convert: impl FnOnce(T) -> U) -> DeepTree<U> {
        let depth = self.depth;
        // SAFETY: the tree is taken once; `self` is forgotten right after,
        // so its Drop never sees the emptied slot.
        let tree = unsafe { ManuallyDrop::take(&mut self.tree) };
        std::mem::forget(self);
        DeepTree::new(depth.on_stack(move || convert(tree)), depth)
    }
}

impl<T> Drop for DeepTree<T> {
    fn drop(&mut self) {
        // SAFETY: the tree is taken once, here, and never touched again.
        let tree = unsafe { ManuallyDrop::take(&mut self.tree) };
        if self.depth.nodes > MAX_DROP_DEPTH {
            // No stack we would reserve holds this drop; the memory is
            // given up rather than the process.
            std::mem::forget(tree);
        } else {
            self.depth.on_stack(move || drop(tree));
        }
    }
}
