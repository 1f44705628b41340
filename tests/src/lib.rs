//! Helpers for Copse's workspace scenario tests (`tests/tests/*.rs`).

pub mod net;
pub mod rogue;
pub mod seed;
