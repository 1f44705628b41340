//! Sync between peers, without I/O: the wire format and per-peer sessions.

pub mod session;
pub mod wire;

pub use session::{Received, SessionError, SyncSession};
pub use wire::{JoinRequest, JoinResponse, Refusal, SyncRequest, SyncResponse, WireError};
