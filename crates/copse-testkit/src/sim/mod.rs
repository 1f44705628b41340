//! A deterministic simulation of Copse devices: real hubs (copse-hub), a simulated network
//! and simulated disks, a virtual clock. One seed replays one run exactly.
//!
//! ```text
//!  Agenda (virtual time) ──▶ World ──Input──▶ Hub::handle ──Outputs──▶ World
//!      ▲                     │  network: delay, drop, duplicate, reorder, partition, heal;
//!      └──── scheduled ──────┤           refuses non-members like the real network layer
//!                            │  disks:   operations complete in order, after a latency;
//!                            │           a crash loses what had not completed
//!                            └─ checks every message: no byte of a community to a
//!                               non-member; nothing newer than the removal to a removed member
//! ```
//! `scenario::run(seed)` plays a random scenario and checks, once the network healed and
//! every device restarted, that all current members hold identical heads and content and
//! that no acknowledged edit was lost.

pub mod agenda;
mod network;
pub mod scenario;
pub mod world;

pub use scenario::{Outcome, run};
pub use world::{NetFaults, World};
