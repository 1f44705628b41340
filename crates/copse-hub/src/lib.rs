//! Copse's sync hub: the rules of a device, without I/O.
//!
//! ```text
//!   local requests ─┐                                   ┌─▶ Net(NetOp)     send, respond, dial,
//!   network events ─┼─▶ Input ─▶ Hub::handle(now, ·) ─▶ ┤                  disconnect, access list
//!   store results  ─┤                                   ├─▶ Store(StoreOp) append, reload, create,
//!   ticks          ─┘        (owns the documents)       │                  adopt, serve a join, ...
//!                                                       ├─▶ Event(PeerEvent)   for the user
//!                                                       └─▶ Done{request}      results
//! ```
//!
//! The hub owns every community's document. A change (a local edit, a peer's push, an
//! admission) is applied at once, then written by the store; only once the store says it is
//! durable does anything that depends on it leave the device: the acknowledgement to the
//! member, the answer to the peer, the push to everyone else (the `replica` module). Inputs that
//! would change a document while its record is being written wait and are applied together.
//!
//! Nothing here touches a clock, a socket or a file: `now` comes with every input and the
//! randomness from a seed, so `copse-testkit`'s simulator runs hubs deterministically, and
//! `copse-peer`'s runtime only carries inputs in and outputs out.
//!
//! Who may receive what: sessions exist only with current members of a community we are a
//! current member of; strangers get fixed refusals and are disconnected; a removed member
//! gets the change that removes them, then nothing; maps keyed by peer are bounded.

mod address_book;
mod admitting;
pub mod adopt;
mod adoption;
mod backoff;
mod bounded_map;
mod connections;
mod done;
mod durability;
mod equivocated;
mod error;
mod event;
mod failure;
mod housekeeping;
mod hub;
mod ids;
mod input;
mod joiner;
mod joining;
mod local;
mod local_requests;
mod local_state;
pub mod memory_store;
mod output;
mod own_addresses;
mod own_edits;
mod peer_session;
mod reach;
mod refused_log;
mod replica;
mod session_table;
mod status;
mod syncing;
#[cfg(test)]
mod test_device;

pub use copse_core::sync::{AccessList, NetEvent, NetOp};
pub use done::{Done, EditApplied, Exported, Imported, Invitation, Joined};
pub use error::{JoinFailure, Missing, PeerError};
pub use event::PeerEvent;
pub use hub::{Hub, HubConfig, Loaded};
pub use ids::RequestId;
pub use input::{Adopted, Input, StoreResult};
pub use local_state::LocalState;
pub use output::{AdoptSource, Output, StoreOp};
pub use reach::{Reachability, RelayState, Route};
pub use status::{CommunityStatus, PeerStatus, Status};
