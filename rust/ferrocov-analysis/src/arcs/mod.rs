//! Possible arcs (line-to-line transitions) of a source file, with
//! coverage.py 7.17.3's `AstArcAnalyzer` semantics: which jumps the code can
//! make, as first lines, negative numbers standing for a code object's
//! entry or exit, and the English fragments that explain a missing one.
//!
//! Only modules, functions and classes are code objects here, as in
//! coverage.py 7.17: lambdas and comprehensions have no arcs of their own.

mod analyzer;
mod blocks;
mod descriptions;
mod facts;
mod node_lines;
mod with_jumps;

pub use facts::{Arc, ArcFacts, Fragment};

pub(crate) use analyzer::analyze_arcs;
