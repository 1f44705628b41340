//! The runtime a Copse device runs, used by the app and by `copse-node`.
//!
//! ```text
//!  PeerHandle ──PeerCommand──▶ Runtime (one task: plumbing around copse-hub's Hub)
//!   (typed Request/Query)        │ reads: answered from the hub's documents in place
//!      ▲                         │ everything else: Input ─▶ Hub::handle ─▶ Outputs
//!  PeerEvents ◀── broadcast ─────┤   Net(..)   ─▶ Outbox ─▶ copse-net EventLoop (libp2p)
//!  (never blocks the runtime)    │   Store(..) ─▶ Outbox ─▶ store thread (DiskStore: fsync,
//!                                │                          compaction and export workers)
//!                                │   Done      ─▶ the caller's oneshot
//!                                ◀── NetEvent, StoreResult, tick ── as inputs
//! ```
//! An edit is acknowledged only once its record is fsynced; nothing that depends on a
//! change (a push to a peer, an answer) leaves before the change is durable. No loop waits
//! on another: the runtime queues what the network or the store cannot take yet, the
//! network sheds strangers when its own queue is long, the store thread never blocks on the
//! runtime's results for long, and listeners that fall behind lag instead of blocking.
//! [`start_offline`] runs the same runtime without a network (the CLI when no `serve`
//! runs).

mod answer;
mod clock;
mod disk_store;
mod handle;
mod local_state;
mod net_bridge;
mod outbox;
mod participation_link;
mod profile;
mod query;
mod query_reply;
mod request;
mod runtime;
mod search_link;
mod search_thread;
mod slow_step;
mod store_thread;

pub use clock::now;
pub use copse_hub::{
    CommunityStatus, Done, EditApplied, Imported, Invitation, JoinFailure, Joined, Missing,
    PeerError, PeerEvent, PeerStatus, Status,
};
pub use copse_search::participation;
pub use copse_search::{
    Expert, Highlighted, SearchHit, SearchKind, SearchQuery, SearchResults, SearchTarget, topics_of,
};
pub use handle::{PeerConfig, PeerEvents, PeerHandle, start, start_offline};
pub use local_state::LocalState;
pub use profile::{Identity, Profile};
pub use query::Query;
pub use query_reply::{
    ArticleNow, CommunitySummary, EventNow, MeetupNow, QueryReply, RevisionText, Whoami,
};
pub use request::{Exported, Reply, Request};
