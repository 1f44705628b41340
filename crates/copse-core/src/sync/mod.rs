//! Sync between peers, without I/O: the wire format and per-peer sessions.

pub mod exchange_ids;
pub mod net;
pub mod session;
pub mod wire;

pub use exchange_ids::{InboundId, Tag};
pub use net::{AccessList, NetEvent, NetOp};
pub use session::{Gate, Received, STEP_CHANGES, SessionError, SyncSession};
pub use wire::{
    JoinRefusal, JoinRequest, JoinResponse, Refusal, SyncRequest, SyncResponse, WireError,
};
