//! ferrocov-analysis
