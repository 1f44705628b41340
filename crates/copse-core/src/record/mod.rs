//! The records stored in a community document, one file each. Each derives autosurgeon's
//! `Hydrate`/`Reconcile` for reading and writing whole records, and serde for JSON output.
//! Articles and events hold collaborative Text and are read by hand in `view`.

mod invite;
mod kinds;
mod lenient;
mod level_rule;
mod member;
mod profile;
mod resource;
mod task;
mod thread;

pub use invite::Invite;
pub use kinds::{ObjectiveStatus, Role, Rsvp, TaskStatus, ThreadKind, UnknownKind};
pub use level_rule::LevelRule;
pub use member::{Member, MemberDetails};
pub use profile::{Objective, Profile};
pub use resource::Resource;
pub use task::Task;
pub use thread::{Post, Thread};
