//! Copse's core: the community document and its rules, with no I/O.
//!
//! ```text
//!  Command ──▶ Community::apply ──▶ checks (membership, roles, input)
//!                     │                     │ ok
//!                     ▼                     ▼
//!              one Automerge commit   (message: CommitMeta {by, cmd, obj}; time: now)
//!                     │
//!                     ▼
//!   Applied { created, heads_before, change }  ──▶ store appends doc.save_after(heads_before)
//!
//!  views (view::*) read a screen's worth of the document; view::snapshot reads it all.
//! ```
//!
//! Time (`now`) and randomness (`rng`) are parameters; nothing here touches the disk, the
//! network or the clock. Where things are:
//! - [`ids`], [`time`]: identifiers and timestamps;
//! - [`record`]: the stored records (members, threads, tasks, ...), [`schema`]: their layout;
//! - [`command`]: every edit as data, applied by [`community::Community`] via `apply/`;
//! - [`view`]: read views per screen;
//! - [`invite_secret`]: invitations; [`commit_meta`]: who did what, from history.

pub mod admission;
pub mod admission_proof;
mod apply;
pub mod change_chunk;
pub mod change_kind;
pub mod changed_records;
pub mod command;
pub mod commit_meta;
pub mod community;
pub mod doc_read;
pub mod equivocation;
mod error;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod guard;
pub mod ids;
mod input;
pub mod invite_secret;
pub mod local_time;
pub mod log_cursor;
pub mod member_entry;
pub mod record;
pub mod record_key;
pub mod record_mint;
pub mod removal_frontier;
pub mod removal_wins;
pub mod schema;
pub mod sync;
pub mod ticket;
pub mod time;
pub mod view;
pub mod what_stands;

pub use admission::Admission;
pub use change_kind::{CommandKind, Touched};
pub use command::{Command, Created};
pub use community::{Applied, Community, NewCommunity};
pub use doc_read::DocRead;
pub use error::{CommandError, DocError, Label};
pub use ids::{
    ArticleId, CommunityId, EventId, InvalidId, InviteId, MemberId, ObjectiveId, PostId,
    ResourceId, StoryId, TaskId, ThreadId,
};
pub use invite_secret::InviteSecret;
pub use log_cursor::{LogCursor, NextRecord};
pub use time::Timestamp;

/// Re-exported so dependants use the same Automerge as the core.
pub use automerge;
