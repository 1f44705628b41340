//! Copse's durable local storage: the profile directory, the device key, and each
//! community's snapshot and change log.
//!
//! ```text
//! OpenCommunity::execute(cmd)
//!     └─ Community::apply ──▶ CommunityStore::persist ──▶ append record + fdatasync ──▶ Ok (ack)
//!                                   │ error (ENOSPC, EIO, ...)
//!                                   └─▶ truncate partial record, reload from disk ──▶ Err
//! compaction: CompactionInput (files as they are) ─compact (any thread)─▶ snapshot.am.tmp
//!             ─install─▶ changes.log.new (the tail) ─▶ rename snapshot ─▶ rename log
//! ProfileDir::open_community: load snapshot, replay log (skip torn tail / damaged records)
//! ```
//! Only this crate touches the disk.

mod atomic_file;
mod community_store;
mod device_key;
mod error;
mod log_format;
mod open_community;
mod open_report;
mod profile_dir;

#[cfg(any(test, feature = "faults"))]
pub use community_store::Fault;
pub use community_store::{CommunityStore, Compacted, CompactionInput};
pub use device_key::DeviceKey;
pub use error::StoreError;
pub use open_community::{ExecuteError, OpenCommunity};
pub use open_report::OpenReport;
pub use profile_dir::{COPSE_HOME, ProfileDir, resolve_profile_path};

/// Names of the change log and snapshot inside a community folder (for tests and tools).
pub mod files {
    pub use crate::community_store::{LOG, SNAPSHOT};
    pub use crate::open_community::{CACHED_VIEW, REFUSED_LOG};
}
