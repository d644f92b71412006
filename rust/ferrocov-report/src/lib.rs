//! ferrocov-report
