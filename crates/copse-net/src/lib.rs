//! Copse's network layer: the only crate that names libp2p types.

pub mod identity;
