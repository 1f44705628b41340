//! Test and benchmark support for Copse (not published): generators of realistic
//! communities, and the deterministic simulator of devices (`sim`).

pub mod fixture;
pub mod generator;
pub mod malicious;

pub use generator::{CommunitySpec, Generated, generate, generate_unsigned};
pub mod bench_support;
pub mod sim;
