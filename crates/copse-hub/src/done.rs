//! [`Done`]: how a local request ended, one variant per kind of request, each with its own
//! result type. A success is sent only once everything it wrote is durable.

use std::path::PathBuf;

use copse_core::automerge::ChangeHash;
use copse_core::{CommunityId, Created, InviteId, MemberId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::PeerError;

/// How a local request the hub carried out ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// An edit, on disk.
    Applied(Result<EditApplied, PeerError>),
    /// An invitation, on disk, and its ticket.
    Invited(Result<Invitation, PeerError>),
    /// Admitted to a community, now on disk here.
    Joined(Result<Joined, PeerError>),
    /// A community founded here, on disk.
    Created(Result<CommunityId, PeerError>),
    /// A community file taken in.
    Imported(Result<Imported, PeerError>),
    /// A community written to a file.
    Exported(Result<Exported, PeerError>),
    /// The member's details saved: this device's member.
    DetailsSaved(Result<MemberId, PeerError>),
    /// Nothing to report: joins cancelled, a compaction in place, local state kept.
    Nothing(Result<(), PeerError>),
}

impl Done {
    /// The same request failed with `error` instead.
    pub(crate) fn failed(self, error: PeerError) -> Self {
        match self {
            Done::Applied(_) => Done::Applied(Err(error)),
            Done::Invited(_) => Done::Invited(Err(error)),
            Done::Joined(_) => Done::Joined(Err(error)),
            Done::Created(_) => Done::Created(Err(error)),
            Done::Imported(_) => Done::Imported(Err(error)),
            Done::Exported(_) => Done::Exported(Err(error)),
            Done::DetailsSaved(_) => Done::DetailsSaved(Err(error)),
            Done::Nothing(_) => Done::Nothing(Err(error)),
        }
    }
}

/// A community written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exported {
    /// Where.
    pub path: PathBuf,
    /// How many bytes.
    pub bytes: u64,
}

/// An applied edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditApplied {
    /// What it created, if anything.
    pub created: Option<Created>,
    /// Its change; `None` if it changed nothing (the same text again).
    pub change: Option<ChangeHash>,
}

/// A new invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The ticket text to hand to the newcomer.
    pub ticket: String,
    /// The invite's id.
    pub invite: InviteId,
    /// When it stops admitting anyone.
    pub expires_at: Timestamp,
}

/// A community joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// Which.
    pub community: CommunityId,
    /// Its name.
    pub name: String,
    /// The member who admitted us.
    pub admitted_by: MemberId,
}

/// A community file taken in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    /// Which community.
    pub id: CommunityId,
    /// New on this device (else merged into the copy here).
    pub created: bool,
    /// Changes in the file the guard refused (kept out; listed by `rejected`).
    #[serde(default)]
    pub refused: usize,
}
