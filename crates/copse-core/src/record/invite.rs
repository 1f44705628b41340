use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::{MemberId, Timestamp};

/// An invitation as the document keeps it: never the secret, only the public half of the
/// invite key the secret is the seed of (`admission_proof`).
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Invite {
    /// Who created it.
    pub created_by: MemberId,
    /// When.
    pub created_at: Timestamp,
    /// The role a newcomer admitted with it gets.
    pub role: Role,
    /// After this it admits nobody.
    pub expires_at: Timestamp,
    /// How many newcomers it may admit.
    pub max_uses: u64,
    /// The invite key's public half, 64 lowercase hex digits. Invites made before invite
    /// keys have none (and `secret_hash` instead): they admit nobody any more.
    pub key: Option<String>,
    /// Who was admitted with it.
    pub used_by: Vec<MemberId>,
    /// Withdrawn by a coordinator or its creator.
    pub revoked: bool,
}

impl Invite {
    /// Whether it still admits someone at `now`: not withdrawn, not expired, uses left.
    pub fn admits_more(&self, now: Timestamp) -> bool {
        !self.revoked && now < self.expires_at && (self.used_by.len() as u64) < self.max_uses
    }
}
