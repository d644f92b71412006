//! ferrocov-files
