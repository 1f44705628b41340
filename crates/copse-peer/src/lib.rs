//! The runtime a Copse device runs, used by the app and by `copse-node`.
//!
//! ```text
//!  PeerHandle ──PeerCommand──▶ Runtime (one task: owns Device + sync sessions)
//!      ▲                          │  Device: identity, communities (copse-store), Request handling
//!      │                          │  sessions: SyncSession per (community, member)
//!  PeerEvent ◀────────────────────┤
//!                                 ▼
//!                     NetHandle ──NetCommand──▶ copse-net EventLoop (libp2p)
//!                                 ◀──NetEvent──
//! ```
//! A local edit is applied, fsynced, then pushed to every connected member; a remote change
//! is applied, fsynced, acknowledged, and pushed on to the other members. Non-members get
//! refusals that name nothing. All channels are bounded.

mod device;
mod error;
mod event;
mod handle;
mod join;
mod local_state;
mod request;
mod runtime;
mod status;

pub use device::{Device, Identity, now};
pub use error::PeerError;
pub use event::PeerEvent;
pub use handle::{PeerConfig, PeerHandle, start};
pub use local_state::LocalState;
pub use request::Request;
pub use status::{CommunityStatus, PeerStatus, Status};
