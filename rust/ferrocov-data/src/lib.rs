//! ferrocov-data
