//! ferrocov-config
