//! The runtime a Copse device runs, used by the app and by `copse-node`.
//!
//! ```text
//!  PeerHandle ──Asked──▶ Runtime (one task: plumbing around copse-hub's Hub)
//!  (ask::* requests,       │ reads: answered from the hub's documents in place
//!   each with its          │ search, participation: handed to their threads
//!   own answer type)       │ everything else: Input ─▶ Hub::handle ─▶ Outputs
//!      ▲                   │   Net(NetOp)   ─▶ Outbox ─▶ copse-net EventLoop (libp2p)
//!  PeerEvents ◀─ broadcast ┤   Store(..)    ─▶ Outbox ─▶ store thread (DiskStore: fsync,
//!  (never blocks the       │                            compaction and export workers)
//!   runtime)               │   Index        ─▶ the search link
//!                          │   Done         ─▶ the caller's typed reply
//!                          ◀── NetEvent, StoreResult, tick ── as inputs
//! ```
//! An edit is acknowledged only once its record is fsynced; nothing that depends on a
//! change (a push to a peer, an answer) leaves before the change is durable. No loop waits
//! on another: the runtime queues what the network or the store cannot take yet, the
//! network sheds strangers when its own queue is long, the store thread never blocks on the
//! runtime's results for long, and listeners that fall behind lag instead of blocking.
//! [`start_offline`] runs the same runtime without a network (the CLI when no `serve`
//! runs).
//!
//! Where things are: [`ask`] (every request, typed); `handle` (starting, [`PeerHandle`]);
//! `runtime` (the loop); `requests` (where each request goes); `answer` (reads in place);
//! `waiters` (callers waiting on the hub); `store_thread`/`disk_store`; `search_link`/
//! `search_thread`; `participation_link`.

mod answer;
mod answers;
pub mod ask;
mod clock;
mod command;
mod disk_store;
mod handle;
mod outbox;
mod participation_link;
mod profile;
mod requests;
mod runtime;
mod search_link;
mod search_thread;
mod slow_step;
mod store_thread;
mod waiters;

pub use answers::{
    ArticleNow, CommunitySummary, EventNow, Exported, MeetupNow, RevisionText, Whoami,
};
pub use ask::{Answered, Ask, Request};
pub use clock::now;
pub use copse_hub::{
    CommunityStatus, EditApplied, Imported, Invitation, JoinFailure, Joined, LocalState, Missing,
    PeerError, PeerEvent, PeerStatus, Reachability, RelayState, Route, Status,
};
pub use copse_net::{RelayLimits, RelayServer};
pub use copse_participation as participation;
pub use copse_search::{
    Expert, Highlighted, SearchHit, SearchKind, SearchQuery, SearchResults, SearchTarget, topics_of,
};
pub use handle::{PeerConfig, PeerEvents, PeerHandle, start, start_offline};
pub use profile::{Identity, Profile, profile_path};
