//! Helpers for Copse's workspace scenario tests (`tests/tests/*.rs`).

pub mod seed;
