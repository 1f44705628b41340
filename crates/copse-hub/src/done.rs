//! [`Done`]: what a finished local request produced. Sent only once everything it wrote is
//! durable.

use copse_core::automerge::ChangeHash;
use copse_core::{CommunityId, Created, InviteId, MemberId, Timestamp};
use serde::{Deserialize, Serialize};

/// The result of a local request the hub carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Done {
    /// An edit, on disk.
    Applied(EditApplied),
    /// An invitation, on disk, and its ticket.
    Invited(Invitation),
    /// Admitted to a community, now on disk here.
    Joined(Joined),
    /// A community founded here, on disk.
    Created(CommunityId),
    /// A community file taken in.
    Imported(Imported),
    /// Nothing to report (joins cancelled).
    Nothing,
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
}
